package postgres_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/postgres"
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

func TestMigrateTwiceAndConcurrently(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Two pools stand for two processes starting at once.
	p1, p2 := newPool(t, nil), newPool(t, nil)
	schema := newSchema(t, p1)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		pool := p1
		if i%2 == 1 {
			pool = p2
		}
		wg.Go(func() { errs[i] = postgres.New(pool, postgres.WithSchema(schema)).Migrate(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	st := postgres.New(p1, postgres.WithSchema(schema))
	require.NoError(t, st.Migrate(ctx), "a second run finds nothing to do")

	var applied, files int
	require.NoError(t, p1.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{schema, "orgkit_migrations"}.Sanitize()).Scan(&applied))
	entries, err := fsGlob()
	require.NoError(t, err)
	files = len(entries)
	assert.Equal(t, files, applied, "each migration recorded once")

	// The store works on the schema.
	b := storetest.Setup(t, func(*testing.T) org.Store { return st })
	b.MustCreate(t, b.Staff1, storetest.ProviderInput("Migrated"))
}

func TestCallerTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := sharedPool(t)
	st := newStore(t, pool)
	b := storetest.Setup(t, func(*testing.T) org.Store { return st })

	t.Run("RollbackLeavesNothing", func(t *testing.T) {
		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback(ctx) }()
		svc := org.NewService(st.WithTx(tx), org.NewProviderSet(b.P1, b.P2))
		in := storetest.ProviderInput("Rolled Back")
		in.CustomerReference, in.Numbers = "RB-1", []string{storetest.Number()}
		o, err := svc.Create(ctx, b.Staff1, in)
		require.NoError(t, err)
		// Inside the transaction the organization is there.
		_, err = svc.Get(ctx, b.Staff1, o.ID())
		require.NoError(t, err)
		require.NoError(t, tx.Rollback(ctx))

		_, err = b.Service.Get(ctx, b.Staff1, o.ID())
		require.ErrorIs(t, err, org.ErrNotFound)
		res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: "rolled", Count: true})
		require.NoError(t, err)
		assert.Equal(t, 0, res.Count.N)
		assert.Empty(t, b.Events(t, b.Staff1, o.ID()))
		b.MustCreate(t, b.Staff1, in) // the reference and number are free
	})

	t.Run("CommitsWithTheCallersRows", func(t *testing.T) {
		// Made first: while the caller's transaction holds a change of the
		// provider, the provider's other changes wait for its commit.
		taken := storetest.ProviderInput("Holder")
		taken.ExternalContract = "EC-TX"
		b.MustCreate(t, b.Staff1, taken)

		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback(ctx) }()
		svc := org.NewService(st.WithTx(tx), org.NewProviderSet(b.P1, b.P2))
		o, err := svc.Create(ctx, b.Staff1, storetest.ProviderInput("Committed"))
		require.NoError(t, err)
		// A failed change inside the transaction leaves it usable: each store
		// operation runs in a savepoint.
		_, err = svc.Update(ctx, b.Staff1, o.ID(), org.Update{ExternalContract: &taken.ExternalContract})
		require.ErrorIs(t, err, org.ErrDuplicate)
		_, err = svc.SetBuyerTags(ctx, b.Staff1, o.ID(), []string{"gold"})
		require.NoError(t, err)
		require.NoError(t, tx.Commit(ctx))

		got, err := b.Service.Get(ctx, b.Staff1, o.ID())
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Version())
		assert.Len(t, b.Events(t, b.Staff1, o.ID()), 2)
	})
}

func TestRacingWritersSameVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := newStore(t, sharedPool(t))
	b := storetest.Setup(t, func(*testing.T) org.Store { return st })
	for range 5 {
		o := b.MustCreate(t, b.Staff1, storetest.ProviderInput("Contended"))
		start := make(chan struct{})
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				<-start
				_, errs[i] = b.Service.SetBuyerTags(ctx, b.Staff1, o.ID(), []string{"writer"}, org.IfVersion(1))
			})
		}
		close(start)
		wg.Wait()
		var won, lost int
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, org.ErrConflict):
				lost++
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		assert.Equal(t, 1, won)
		assert.Equal(t, 1, lost)
		got, err := b.Service.Get(ctx, b.Staff1, o.ID())
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Version())
	}
}

func TestUniqueViolationUnderRace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := newStore(t, sharedPool(t))
	b := storetest.Setup(t, func(*testing.T) org.Store { return st })
	for _, field := range []string{org.FieldCustomerReference, org.FieldExternalContract} {
		t.Run(field, func(t *testing.T) {
			value := field + "-" + uuid.NewString()[:8]
			const racers = 6
			ids := make([]uuid.UUID, racers)
			for i := range ids {
				ids[i] = b.MustCreate(t, b.Staff1, storetest.ProviderInput("Racer")).ID()
			}
			start := make(chan struct{})
			errs := make([]error, racers)
			var wg sync.WaitGroup
			for i, id := range ids {
				wg.Go(func() {
					<-start
					u := org.Update{CustomerReference: &value}
					if field == org.FieldExternalContract {
						u = org.Update{ExternalContract: &value}
					}
					_, errs[i] = b.Service.Update(ctx, b.Staff1, id, u)
				})
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
					continue
				}
				var de *org.DuplicateError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, field, de.Field)
				assert.Equal(t, search.Fold(value), de.Value)
			}
			assert.Equal(t, 1, won)
		})
	}
}

// TestEventsNeverSkipALateCommit holds a transaction that wrote an event
// open while another change of the same provider is made: the later change
// waits for the earlier one's commit, the reader is shown neither until the
// first commits, then both, in order, none skipped.
func TestEventsNeverSkipALateCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := sharedPool(t)
	st := newStore(t, pool)
	b := storetest.Setup(t, func(*testing.T) org.Store { return st })

	first := b.MustCreate(t, b.Staff1, storetest.ProviderInput("First"))
	page, err := st.Events(ctx, org.EventQuery{ProviderID: b.P1.ID})
	require.NoError(t, err)
	require.Len(t, page.Events, 1)
	cursor := page.Next

	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	slow, err := org.NewService(st.WithTx(tx), org.NewProviderSet(b.P1, b.P2)).
		Create(ctx, b.Staff1, storetest.ProviderInput("Slow"))
	require.NoError(t, err)

	fastDone := make(chan *org.Organization, 1)
	go func() {
		o, err := b.Service.Create(ctx, b.Staff1, storetest.ProviderInput("Fast"))
		assert.NoError(t, err)
		fastDone <- o
	}()
	select {
	case <-fastDone:
		t.Fatal("a later change of the provider committed before the open one")
	case <-time.After(200 * time.Millisecond):
	}
	page, err = st.Events(ctx, org.EventQuery{ProviderID: b.P1.ID, After: cursor})
	require.NoError(t, err)
	assert.Empty(t, page.Events, "nothing new is committed yet")
	assert.Equal(t, cursor, page.Next)

	// Another provider's changes do not wait.
	b.MustCreate(t, b.Staff2, storetest.ProviderInput("Elsewhere"))

	require.NoError(t, tx.Commit(ctx))
	fast := <-fastDone
	require.NotNil(t, fast)
	page, err = st.Events(ctx, org.EventQuery{ProviderID: b.P1.ID, After: cursor})
	require.NoError(t, err)
	require.Len(t, page.Events, 2)
	assert.Equal(t, slow.ID(), page.Events[0].OrganizationID)
	assert.Equal(t, fast.ID(), page.Events[1].OrganizationID)
	assert.NotEqual(t, first.ID(), page.Events[0].OrganizationID)
}

// TestEventsIgnoreUnrelatedTransactions keeps a transaction open that
// writes nothing of orgkit's: the provider feed shows a change at once.
func TestEventsIgnoreUnrelatedTransactions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := sharedPool(t)
	st := newStore(t, pool)
	b := storetest.Setup(t, func(*testing.T) org.Store { return st })

	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, "SELECT pg_current_xact_id()") // an older transaction id, still running
	require.NoError(t, err)

	o := b.MustCreate(t, b.Staff1, storetest.ProviderInput("Prompt"))
	page, err := st.Events(ctx, org.EventQuery{ProviderID: b.P1.ID})
	require.NoError(t, err)
	require.Len(t, page.Events, 1)
	assert.Equal(t, o.ID(), page.Events[0].OrganizationID)
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	st := newStore(t, sharedPool(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := st.Get(ctx, uuid.New(), uuid.New())
	require.ErrorIs(t, err, context.Canceled)
	_, err = st.Update(ctx, uuid.New(), uuid.New(), func(*org.Organization) (org.Change, error) { return org.Change{}, nil })
	require.ErrorIs(t, err, context.Canceled)
}

func TestClosedStore(t *testing.T) {
	t.Parallel()
	st := newStore(t, sharedPool(t))
	require.NoError(t, st.Close())
	_, err := st.Get(context.Background(), uuid.New(), uuid.New())
	require.ErrorIs(t, err, postgres.ErrClosed)
}

// recorder keeps the SQL text and arguments of every statement sent.
type recorder struct {
	mu   sync.Mutex
	sql  []string
	args []any
}

func (r *recorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sql = append(r.sql, d.SQL)
	r.args = append(r.args, d.Args...)
	return ctx
}

func (r *recorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart records the statements of a batch, which a change sends
// in one round trip.
func (r *recorder) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, q := range d.Batch.QueuedQueries {
		r.sql = append(r.sql, q.SQL)
		r.args = append(r.args, q.Arguments...)
	}
	return ctx
}

func (r *recorder) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (r *recorder) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// reset forgets what was recorded.
func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sql, r.args = nil, nil
}

// sent reports whether a statement recorded since the last reset holds
// text.
func (r *recorder) sent(text string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.ContainsFunc(r.sql, func(sql string) bool { return strings.Contains(sql, text) })
}

// TestUserBytesOnlyTravelAsArguments sends hostile text through every
// operation and checks that none of it ever appears in SQL text.
func TestUserBytesOnlyTravelAsArguments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rec := &recorder{}
	pool := newPool(t, rec)
	st := newStore(t, pool)
	b := storetest.Setup(t, func(*testing.T) org.Store { return st })

	const marker = "zqxj"
	hostile := marker + `'); DROP TABLE organizations; -- %_\ ? $1 "` + marker
	in := storetest.ProviderInput(hostile)
	in.CustomerReference, in.ExternalContract = hostile+"r", hostile+"c"
	in.BuyerTags = []string{hostile}
	in.Numbers = []string{storetest.Number()}
	in.IdempotencyKey = hostile
	o := b.MustCreate(t, b.Staff1, in)
	name := hostile + " renamed"
	_, err := b.Service.Update(ctx, b.Staff1, o.ID(), org.Update{Name: &name})
	require.NoError(t, err)
	for _, q := range []string{hostile, marker, "%", "_", `\`, "zq%", "zq_x", "'", "?", "$1"} {
		res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: q, Tags: []string{hostile}, Count: true,
			ManagedBy: []ownership.Type{ownership.ServiceProvider}})
		require.NoError(t, err, q)
		if strings.Contains(q, marker) {
			assert.Len(t, res.Hits, 1, q)
		}
	}
	// LIKE metacharacters match themselves only.
	for _, q := range []string{"z%x", "zq_j", "%%%"} {
		res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: q, Count: true})
		require.NoError(t, err)
		assert.Equal(t, 0, res.Count.N, q)
	}
	res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: `-- %_\ ?`})
	require.NoError(t, err)
	assert.Len(t, res.Hits, 1, "the metacharacters as typed find the name holding them")
	_, err = b.Service.Events(ctx, b.Staff1, org.EventQuery{After: hostile})
	require.ErrorIs(t, err, org.ErrInvalid)
	require.NoError(t, b.Service.Delete(ctx, b.Staff1, o.ID()))

	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.NotEmpty(t, rec.sql)
	for _, sql := range rec.sql {
		assert.NotContains(t, sql, marker)
	}
}

// TestIDsTravelAsPgUUID checks that no statement of any operation carries
// a uuid.UUID argument: pgx encodes one through its driver.Valuer, as text
// that fails a binary encode and is parsed again, at about 20 allocations
// an id.
func TestIDsTravelAsPgUUID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rec := &recorder{}
	st := newStore(t, newPool(t, rec))
	b := storetest.Setup(t, func(*testing.T) org.Store { return st })
	in := storetest.ProviderInput("Uuid Args Ltd")
	in.CustomerReference, in.ExternalContract = "UA-1", "UC-1"
	in.Numbers = []string{storetest.Number()}
	o := b.MustCreate(t, b.Staff1, in)
	name := "Uuid Args Renamed"
	_, err := b.Service.Update(ctx, b.Staff1, o.ID(), org.Update{Name: &name})
	require.NoError(t, err)
	_, err = b.Service.Get(ctx, b.Staff1, o.ID())
	require.NoError(t, err)
	for _, q := range []string{o.ID().String(), o.Numbers()[0], "ua-1", "uc-1", "uuid args", "args ren", "uui"} {
		for _, count := range []bool{false, true} {
			res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: q, Count: count})
			require.NoError(t, err, q)
			require.Len(t, res.Hits, 1, q)
		}
	}
	_, err = b.Service.Events(ctx, b.Staff1, org.EventQuery{OrganizationID: o.ID()})
	require.NoError(t, err)
	require.NoError(t, b.Service.Delete(ctx, b.Staff1, o.ID()))

	rec.mu.Lock()
	defer rec.mu.Unlock()
	var ids int
	for _, a := range rec.args {
		_, isUUID := a.(uuid.UUID)
		require.False(t, isUUID, "argument %v is a uuid.UUID", a)
		if _, ok := a.(pgtype.UUID); ok {
			ids++
		}
	}
	assert.Greater(t, ids, 20)
}

func TestImportKeepsDuplicateOutOfTheBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := newStore(t, sharedPool(t))
	b := storetest.Setup(t, func(*testing.T) org.Store { return st })
	in := storetest.ProviderInput("Existing")
	in.CustomerReference = "IMP-1"
	b.MustCreate(t, b.Staff1, in)

	clash := storetest.ProviderInput("Clash")
	clash.CustomerReference = "imp-1"
	o, err := org.New(b.P1.ID, clash, nil, b.Clock.Now())
	require.NoError(t, err)
	s := o.Snapshot()
	err = st.Import(ctx, []org.Imported{{Organization: o, Event: org.Event{ID: uuid.New(), OrganizationID: o.ID(),
		ProviderID: b.P1.ID, Version: 1, Type: org.EventImported, Time: b.Clock.Now(), After: &s}}})
	var de *org.DuplicateError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, org.FieldCustomerReference, de.Field)
}
