package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/postgres"
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/internal/testenv"
	"github.com/orgkit/orgkit/org"
)

// newPool connects to the test server, with tracer (which may be nil) on
// every connection. It fails the test under CI=true when the server cannot
// be reached, and skips it elsewhere.
func newPool(t testing.TB, tracer pgx.QueryTracer, configure ...func(*pgxpool.Config)) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(testenv.PostgresURL())
	require.NoError(t, err)
	cfg.MaxConns = 16
	cfg.ConnConfig.Tracer = tracer
	for _, f := range configure {
		f(cfg)
	}
	ctx := context.Background()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		testenv.Unavailable(t, "PostgreSQL at %s (set %s) cannot be reached: %v", testenv.PostgresURL(), testenv.PostgresURLEnv, err)
	}
	t.Cleanup(pool.Close)
	return pool
}

var shared struct {
	once sync.Once
	pool *pgxpool.Pool
	err  error
}

// sharedPool is one pool for the whole package's tests, so that the
// parallel conformance suite does not open a pool per test.
func sharedPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	shared.once.Do(func() {
		cfg, err := pgxpool.ParseConfig(testenv.PostgresURL())
		if err != nil {
			shared.err = err
			return
		}
		cfg.MaxConns = 16
		shared.pool, shared.err = pgxpool.NewWithConfig(context.Background(), cfg)
		if shared.err == nil {
			shared.err = shared.pool.Ping(context.Background())
		}
	})
	if shared.err != nil {
		testenv.Unavailable(t, "PostgreSQL at %s (set %s) cannot be reached: %v", testenv.PostgresURL(), testenv.PostgresURLEnv, shared.err)
	}
	return shared.pool
}

// newSchema returns a new schema name and drops the schema after the test.
func newSchema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "orgkit_test_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		_, err := pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE")
		if err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// newStore returns a migrated Store in a schema of its own.
func newStore(t testing.TB, pool *pgxpool.Pool, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	opts = append([]postgres.Option{postgres.WithSchema(newSchema(t, pool))}, opts...)
	st := postgres.New(pool, opts...)
	require.NoError(t, st.Migrate(context.Background()))
	return st
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.pool != nil {
		shared.pool.Close()
	}
	os.Exit(code)
}

func TestConformance(t *testing.T) {
	pool := sharedPool(t)
	storetest.Run(t, func(t *testing.T) org.Store { return newStore(t, pool) })
}

// TestConformanceGeneralSearch holds the general search statement, which
// answers the pages that the per-key sources cannot prove, to the whole
// suite on its own.
func TestConformanceGeneralSearch(t *testing.T) {
	pool := sharedPool(t)
	storetest.Run(t, func(t *testing.T) org.Store {
		st := newStore(t, pool)
		postgres.GeneralSearchOnly(st)
		return st
	})
}

// TestConformanceSimpleProtocolPool runs the suite on a pool whose
// connections default to the simple protocol, which the Store never uses:
// it sends each statement with the extended protocol instead, and the
// statements of a change one by one rather than as a batch.
func TestConformanceSimpleProtocolPool(t *testing.T) {
	pool := newPool(t, nil, func(c *pgxpool.Config) {
		c.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	})
	storetest.Run(t, func(t *testing.T) org.Store { return newStore(t, pool) })
}
