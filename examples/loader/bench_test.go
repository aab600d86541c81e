package main

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/postgres"
	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/internal/testenv"
	"github.com/orgkit/orgkit/org"
)

// benchNEnv sets how many organizations BenchmarkPostgresLoadVsCopy loads.
const benchNEnv = "ORGKIT_LOADER_BENCH_N"

// BenchmarkPostgresLoadVsCopy loads the same organizations into the same
// freshly emptied schema three ways in each iteration, and reports each
// one's time and its ratio to the first:
//
//   - copy: the baseline, hand-written pgx COPY of rows encoded beforehand
//     (organizations, numbers, events), all in one transaction;
//   - import: Store.Import of the pre-generated organizations, a -batch at a
//     time, each batch in its own transaction (as the loader stores them);
//   - loader: the loader's fill, generation included, as the command runs.
//
// Run it with
//
//	go test -run '^$' -bench PostgresLoadVsCopy -benchtime 3x ./examples/loader
//
// (ORGKIT_LOADER_BENCH_N, default 100000, sets the size).
func BenchmarkPostgresLoadVsCopy(b *testing.B) {
	n := 100_000
	if v := os.Getenv(benchNEnv); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("%s=%q: want a positive number", benchNEnv, v)
		}
	}
	const batch = 1000
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.PostgresURL())
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		testenv.Unavailable(b, "PostgreSQL at %s (set %s) cannot be reached: %v", testenv.PostgresURL(), testenv.PostgresURLEnv, err)
	}
	b.Cleanup(pool.Close)
	schema := randomName("orgkit_loader_bench_")
	b.Cleanup(func() {
		_, err := pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		require.NoError(b, err, "drop schema %s", schema)
	})
	st := postgres.New(pool, postgres.WithSchema(schema))
	require.NoError(b, st.Migrate(ctx))

	gen := datagen.New(1, uuid.New())
	var batches [][]org.Imported
	require.NoError(b, gen.Batches(ctx, n, batch, func(_ int, items []org.Imported) error {
		batches = append(batches, items)
		return nil
	}))
	rows := encodeRows(b, batches)

	truncate := func() {
		_, err := pool.Exec(ctx, "TRUNCATE "+pgx.Identifier{schema, "organizations"}.Sanitize()+", "+
			pgx.Identifier{schema, "numbers"}.Sanitize()+", "+pgx.Identifier{schema, "events"}.Sanitize())
		require.NoError(b, err)
		// Start each run from the same statistics and free space.
		_, err = pool.Exec(ctx, "VACUUM ANALYZE "+pgx.Identifier{schema, "organizations"}.Sanitize())
		require.NoError(b, err)
	}
	timed := func(fn func() error) time.Duration {
		truncate()
		start := time.Now()
		require.NoError(b, fn())
		return time.Since(start)
	}

	var copyTime, importTime, loaderTime time.Duration
	for b.Loop() {
		copyTime += timed(func() error { return rawCopy(ctx, pool, schema, rows) })
		importTime += timed(func() error {
			for _, items := range batches {
				if err := st.Import(ctx, items); err != nil {
					return err
				}
			}
			return nil
		})
		loaderTime += timed(func() error {
			_, err := fill(ctx, st, gen, 0, n, batch, func(int) {})
			return err
		})
	}
	iters := float64(b.N)
	b.ReportMetric(copyTime.Seconds()/iters, "copy-s/op")
	b.ReportMetric(importTime.Seconds()/iters, "import-s/op")
	b.ReportMetric(loaderTime.Seconds()/iters, "loader-s/op")
	b.ReportMetric(float64(n)*iters/copyTime.Seconds(), "copy-orgs/s")
	b.ReportMetric(float64(n)*iters/importTime.Seconds(), "import-orgs/s")
	b.ReportMetric(float64(n)*iters/loaderTime.Seconds(), "loader-orgs/s")
	b.ReportMetric(importTime.Seconds()/copyTime.Seconds(), "import/copy")
	b.ReportMetric(loaderTime.Seconds()/copyTime.Seconds(), "loader/copy")
}

// copyRows are the rows of the three tables, encoded as a hand-written
// loader would, from the migrations' column lists. A column added to the
// schema must be added here too; a NOT NULL one fails the benchmark.
type copyRows struct {
	orgs, numbers, events [][]any
}

func encodeRows(b *testing.B, batches [][]org.Imported) copyRows {
	b.Helper()
	var r copyRows
	for _, items := range batches {
		for _, it := range items {
			o := it.Organization
			doc, err := json.Marshal(o.Snapshot())
			require.NoError(b, err)
			k := o.SearchKeys()
			tags := o.TagKeys()
			if tags == nil {
				tags = []string{}
			}
			r.orgs = append(r.orgs, []any{o.ProviderID(), o.ID(), o.Version(), k.Name, postgres.NameRuns(k.Name), nullable(k.CustomerReference),
				nullable(k.ExternalContract), o.Status().String(), o.ManagedBy().String(), tags, doc})
			for i, num := range o.Numbers() {
				r.numbers = append(r.numbers, []any{o.ProviderID(), k.Numbers[i], num, o.ID(), k.Name})
			}
			ev, err := json.Marshal(it.Event)
			require.NoError(b, err)
			r.events = append(r.events, []any{it.Event.ProviderID, it.Event.OrganizationID, it.Event.Version, it.Event.ID, ev,
				int64(len(r.events) + 1)})
		}
	}
	return r
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// rawCopy is the baseline: three COPY statements in one transaction.
func rawCopy(ctx context.Context, pool *pgxpool.Pool, schema string, r copyRows) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{schema, "organizations"},
			[]string{"provider_id", "id", "version", "name_fold", "name_runs", "customer_reference_fold", "external_contract_fold",
				"status", "managed_by", "tag_folds", "doc"}, pgx.CopyFromRows(r.orgs)); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{schema, "numbers"},
			[]string{"provider_id", "digits", "number", "organization_id", "name_fold"}, pgx.CopyFromRows(r.numbers)); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{schema, "events"},
			[]string{"provider_id", "organization_id", "version", "id", "doc", "position"}, pgx.CopyFromRows(r.events))
		return err
	})
}
