// Package postgres is orgkit's PostgreSQL store: an org.Store on
// github.com/jackc/pgx/v5, for providers who run orgkit in production.
//
// It passes the same conformance suite as the memory store
// (adapters/storetest): same errors, same search hits in the same order.
// It also implements org.Importer (with COPY) and org.Walker.
//
// # Setting up
//
// New takes a *pgxpool.Pool and runs nothing. Migrate applies the embedded
// migrations, once, under an advisory lock, so every process may call it on
// start:
//
//	pool, err := pgxpool.New(ctx, "postgres://...")
//	...
//	store := postgres.New(pool, postgres.WithSchema("orgkit"))
//	if err := store.Migrate(ctx); err != nil { ... }
//	svc := org.NewService(store, providers)
//
// Teams with their own migration tool can apply [Migrations] instead, in
// file order, with search_path set to the schema and then public. The
// migrations create the pg_trgm and btree_gin extensions (in public, once
// per database; both ship with postgresql-contrib).
//
// # The caller's transaction
//
// Store.WithTx returns a store whose statements run in the caller's pgx.Tx,
// so that an organization and the host's own rows commit or roll back
// together. Each operation runs in a savepoint: a refused change leaves the
// transaction usable. Serialization failures and deadlocks inside a
// caller's transaction are returned, for the caller to retry the whole of
// it; in its own transactions the store retries them, running the change
// again, a bounded number of times ([WithMaxAttempts]).
//
// # Schema
//
// One row per organization holds its whole snapshot (JSONB) beside the
// columns that uniqueness, search and filters read: the fold keys of the
// name, customer reference and external contract, computed in Go with
// search.Fold and compared as bytes (COLLATE "C"), never by SQL lower().
// Numbers have a table of their own, unique per provider. provider_id leads
// every primary key, unique constraint and btree index, so a provider's rows
// stay together and the tables can later be distributed by provider.
//
// # Search
//
// A search runs one statement per tier (exact, prefix, substring) and stops
// when the page is full. Exact and prefix keys use btree indexes; the
// name's index on (provider_id, name_fold, id) returns rows in result order,
// so a page of a large prefix match reads only that page. Name substrings
// use a trigram GIN index that includes provider_id. User text only ever
// travels as statement arguments; LIKE patterns escape %, _ and \.
//
// # Events
//
// Events are written in the change's transaction (an outbox). An
// organization's events are read by version. The provider feed is ordered
// by writing transaction and never skips an event whose transaction commits
// late: see Store.Events.
package postgres
