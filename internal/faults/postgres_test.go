package faults

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/postgres"
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/internal/testenv"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// commitTracer fires a trigger as a COMMIT is about to be sent.
type commitTracer struct{ atCommit *trigger }

func (c commitTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.EqualFold(strings.TrimSpace(d.SQL), "commit") {
		c.atCommit.fire()
	}
	return ctx
}

func (commitTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// pgPool connects to url (through proxy when it is not nil) with tracer
// on every connection, and closes the pool after the test.
func pgPool(t *testing.T, url string, proxy string, tracer pgx.QueryTracer, maxConns int32) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	if proxy != "" {
		host, port, err := net.SplitHostPort(proxy)
		require.NoError(t, err)
		p, _ := strconv.Atoi(port)
		cfg.ConnConfig.Host, cfg.ConnConfig.Port = host, uint16(p)
	}
	cfg.ConnConfig.ConnectTimeout = 2 * time.Second
	cfg.ConnConfig.Tracer = tracer
	cfg.ConnConfig.RuntimeParams["application_name"] = randomName("orgkit-faults-")
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = pool.Ping(ctx)
		cancel()
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		testenv.Unavailable(t, "PostgreSQL at %s (set ORGKIT_POSTGRES_URL) cannot be reached: %v", url, err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// pgStore returns a migrated store in a schema of its own on pool; the
// schema is dropped through admin after the test.
func pgStore(t *testing.T, pool, admin *pgxpool.Pool) *postgres.Store {
	t.Helper()
	schema := randomName("orgkit_faults_")
	t.Cleanup(func() {
		_, err := admin.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		assert.NoError(t, err)
	})
	st := postgres.New(pool, postgres.WithSchema(schema))
	require.NoError(t, st.Migrate(context.Background()))
	return st
}

// pgRig is the PostgreSQL store through a proxy to the shared server.
func pgRig(t *testing.T) *rig {
	t.Helper()
	admin := pgPool(t, testenv.PostgresURL(), "", nil, 2)
	cfg, err := pgxpool.ParseConfig(testenv.PostgresURL())
	require.NoError(t, err)
	proxy := newProxy(t, net.JoinHostPort(cfg.ConnConfig.Host, strconv.Itoa(int(cfg.ConnConfig.Port))))
	r := &rig{proxy: proxy, midChange: &trigger{}, atWrite: &trigger{}, tally: newTally()}
	pool := pgPool(t, testenv.PostgresURL(), proxy.Listen, commitTracer{atCommit: r.atWrite}, 4)
	r.store = hookStore{Store: pgStore(t, pool, admin), midChange: r.midChange}
	r.b = storetest.Setup(t, func(*testing.T) org.Store { return r.store })
	return r
}

// TestPostgresFaults breaks the connection between the PostgreSQL adapter
// and the server before, inside and at the end of a transaction.
func TestPostgresFaults(t *testing.T) {
	r := pgRig(t)
	failed := []string{failedNoChange}
	faults := append(sharedFaults(failed, failed, failed),
		fault{name: "latency_mid_change", at: midChange, inject: slowDownstream, timeout: 700 * time.Millisecond, want: failed},
	)
	runFaults(t, r, faults)
	runCreateUnknown(t, r)
	runSwitchUnknown(t, r)
	r.tally.log(t)
}

// TestPostgresTerminateBackendMidSwitch terminates the test's own backend
// (found by its pid and its application name, never another's) while an
// ownership switch holds its row lock, and again as it commits: the
// organization is wholly old or wholly new, and the store carries on.
func TestPostgresTerminateBackendMidSwitch(t *testing.T) {
	admin := pgPool(t, testenv.PostgresURL(), "", nil, 2)
	r := &rig{midChange: &trigger{}, atWrite: &trigger{}, tally: newTally()}
	pool := pgPool(t, testenv.PostgresURL(), "", commitTracer{atCommit: r.atWrite}, 1)
	r.store = hookStore{Store: pgStore(t, pool, admin), midChange: r.midChange}
	r.b = storetest.Setup(t, func(*testing.T) org.Store { return r.store })
	app := pool.Config().ConnConfig.RuntimeParams["application_name"]
	lead := org.Staff(r.b.P1.ID, "lead", ownership.Owner, true)

	terminate := func(t *testing.T, _ *rig) func() {
		// The pool has one connection, held by the switch: look its
		// backend up by the pool's own application name.
		var n int
		err := admin.QueryRow(context.Background(),
			"SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()) t",
			app).Scan(&n)
		require.NoError(t, err)
		require.Equal(t, 1, n, "exactly the test's own backend was terminated")
		return func() {}
	}
	for _, at := range []struct {
		name string
		at   int
	}{{"terminate_mid_switch", midChange}, {"terminate_at_commit", atWrite}} {
		t.Run(at.name, func(t *testing.T) {
			o := r.b.MustCreate(t, lead, storetest.ProviderInput("Terminated "+at.name))
			v := o.Version()
			email := randomName("owner-") + "@faults.example"
			c := switchToCustomer(r, lead, o.ID(), email)
			err := r.faulty(t, fault{name: at.name, at: at.at, inject: terminate}, func(ctx context.Context) error {
				_, err := c.do(ctx, v)
				return err
			})
			if err != nil && !errors.Is(err, org.ErrOutcomeUnknown) {
				cur, gerr := r.b.Service.Get(context.Background(), lead, o.ID())
				require.NoError(t, gerr)
				assert.True(t, wholly(cur, ownership.ServiceProvider, ""), "wholly old after %v", err)
			}
			r.settle(t, o.ID(), v, c, err)
		})
	}
	r.tally.log(t)
}

func switchToCustomer(r *rig, a org.Actor, id uuid.UUID, email string) change {
	return change{
		do: func(ctx context.Context, v int64) (*org.Organization, error) {
			return r.b.Service.SwitchManagedBy(ctx, a, id, org.Switch{
				To: ownership.Customer, NewOwner: &org.Person{Name: "New Owner", Email: email},
				Billing: storetest.Billing(email),
			}, org.IfVersion(v))
		},
		stored: func(o *org.Organization) bool { return wholly(o, ownership.Customer, email) },
	}
}

// TestPostgresRestart restarts a private cluster, as a crash would, while
// changes are being made.
func TestPostgresRestart(t *testing.T) {
	c := startPostgres(t)
	pool := pgPool(t, c.URL(), "", nil, 4)
	st := pgStore(t, pool, pool)
	b := storetest.Setup(t, func(*testing.T) org.Store { return st })
	runRestart(t, b, st, func() { c.restart(t) })
}
