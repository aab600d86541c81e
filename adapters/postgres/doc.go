// Package postgres is orgkit's PostgreSQL store: an org.Store on
// github.com/jackc/pgx/v5, for providers who run orgkit in production.
//
// It passes the same conformance suite as the memory store
// (adapters/storetest): same errors, same search hits in the same order.
// It also implements org.Importer (with COPY) and org.Walker.
//
// # Setting up
//
// It needs PostgreSQL 12 or later (searches ask for generic plans with
// plan_cache_mode, new in 12) and is tested on 15. New takes a
// *pgxpool.Pool and runs nothing. Migrate applies the embedded
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
// A full UUID matches one organization at most, so its search is a lookup
// by primary key whose plan does not depend on the id; a pool that prepares
// statements (pgx's default) plans it once per connection. Other
// statements are mostly planned for their arguments, since how selective a
// range or a LIKE pattern is decides the plan. A search first runs one statement
// of sources, one per key that can match at the exact or prefix tier (the
// number, reference, contract and name, equal or as a prefix), each reading
// its own btree index in result order, at most a page and a few rows. The
// rows come back with their keys and are ranked in Go by
// search.Terms.Match, as in the memory store. The name's index on
// (provider_id, name_fold, id) returns rows in result order, so a page of a
// large prefix match reads only that page; each number row carries its
// organization's name fold key (kept in step on rename, in the same
// transaction), so a number prefix matching thousands of numbers is
// ordered from one index on (provider_id, digits), a short prefix, which
// matches most numbers, walks an index of the numbers in name order
// (migration 0006), and a prefix of 7 or 8 digits walks the numbers that
// share its first 7 digits in name order (migration 0007). When the sources found
// fewer organizations than the page needs, the same statement also reads
// the substring tier, leaving out the organizations the sources found (a
// second statement does, on a generic plan, for text that is not most
// likely rare: see below).
// When a source that read its limit may have left rows of its tier unread
// that the page needs (rows of a better tier took its places), the search
// runs one general statement instead: every tier, best first, under one
// LIMIT, ranked in SQL. It gives the same pages and is costlier to plan
// (0.7 to 1.5 ms at 1,000,000 organizations, against 0.4 to 0.5 ms).
//
// Planning the sources statement still costs more than running it (0.8 to
// 1.5 ms against 0.2 to 0.4 ms for a reference or a number at 1,000,000
// organizations). For a first page without a filter of text with a word
// of three characters or more, unless it reads as a number of fewer than 7
// digits, one plan suits every such text once no
// source can walk the name index where its own index is right, so the
// statement runs on a generic plan, made once per connection: reference
// and contract prefixes read their own index, at most 100 rows, falling
// back to the statement planned for its arguments when a prefix holds
// more. The substring tier is part of it only for text that is most likely
// rare (it holds a digit, a space, or eight characters or more, and a word
// of three or more), which an index always finds; for other text the
// plan depends on how many names hold it, so the substring tier runs
// afterwards, planned for its arguments, when the page still has room. The settings that ask for the generic plan
// (plan_cache_mode, and no parallel workers, whose start cost 10 ms) are
// sent with set_config in the same round trip and end with the statement's
// implicit transaction. This needs a pool that prepares statements (pgx's
// default, QueryExecModeCacheStatement) and the Store's own transactions:
// in a caller's transaction, or on a pool in another mode, every statement
// is planned for its arguments. Such a statement has one text for every
// search text of a shape (whether it is a number and of how many digits,
// how many words it has, whether it is most likely rare, and if so whether
// it has five characters or more), which
// the Store renders once per shape and
// keeps, with how each of its values derives from a search: later
// searches of the shape compute their values and build nothing.
//
// Name substrings use a trigram GIN index on the name fold key alone,
// without a pending list, so a substring search through it costs the same
// between VACUUMs, and, for rare text of five characters or more, the index
// of runs below. On a first page without a filter, short text is left to the
// planner, which estimates from a larger sample of names whether walking the
// name index in result order (reading the index alone) or sorting what the
// trigram index finds reads fewer rows; text that is most likely rare (with
// a digit, a space, or eight characters or more) always goes through the
// trigram index, or the index of runs below, since the planner took such
// text for common enough to walk all the names. With provider_id in the
// trigram index (btree_gin), a rare substring also reads the whole
// provider's posting list: at 1,000,000 organizations of one provider that
// took 14 to 24 ms where the plain index takes 4 to 8 ms. The plain index
// suits few large providers; its cost is that the trigrams find every
// provider's names, filtered by provider afterwards, so in a table shared by
// many small providers a substring common in the others' names costs more
// than with provider_id in the index. Text of several words is looked up
// word by word (each word of three or more characters), then tested whole on
// the rows found: the trigrams that span the words' edges are the most
// common ones.
//
// Rare text of five characters or more is found instead through a GIN
// index of each name's runs of five characters (see NameRuns), which orgkit
// computes in Go and writes with the name. Long text's trigrams are often
// held by names that do not hold the text, scattered across their words,
// and each such name costs a table page read; few names hold all of the
// text's runs without the text. Like the trigram index, it leaves
// provider_id out. Each create and rename adds the name's runs (about 14)
// to the index's pending list, kept to 64 kB, which searches read and the
// write that fills it merges: merging each name's runs at once made
// create's p99 two to four times as long.
//
// User text only ever travels as statement arguments; LIKE patterns escape
// %, _ and \.
//
// # Events
//
// Events are written in the change's transaction (an outbox). An
// organization's events are read by version. The provider feed is read by
// position: each change takes its provider's next position as its last
// statement, holding the provider's feed row until it commits, so positions
// commit in order and a reader never skips an event that commits late, nor
// waits for transactions of other providers or other applications. One
// provider's commits take turns; a caller's transaction (Store.WithTx) that
// has made a change holds its provider's other changes until it ends, so
// commit it promptly. See Store.Events.
package postgres
