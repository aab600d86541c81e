package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/orgkit/orgkit/org"
)

var (
	_ org.Store    = (*Store)(nil)
	_ org.Importer = (*Store)(nil)
	_ org.Walker   = (*Store)(nil)
)

// ErrClosed is returned by every method of a closed Store.
var ErrClosed = errors.New("postgres: store is closed")

// DefaultSchema is the schema a Store uses unless WithSchema names another.
const DefaultSchema = "orgkit"

// Defaults for the options.
const (
	// DefaultMaxAttempts is how many times a transaction that orgkit owns is
	// run when PostgreSQL reports a serialization failure or a deadlock.
	DefaultMaxAttempts = 5
)

// db is what a Store runs statements on: a *pgxpool.Pool or a caller's
// pgx.Tx. Begin on a pgx.Tx starts a savepoint, so every store operation is
// all or nothing even inside a caller's transaction.
type db interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// Store is an org.Store on PostgreSQL, through a pgx connection pool. It is
// safe for concurrent use. Run Migrate once before first use (or apply
// Migrations with your own tool).
type Store struct {
	db     db
	ownTx  bool // false inside a caller's transaction: no retries there
	closed *atomic.Bool
	mode   []any // a pgx.QueryExecMode to force the extended protocol, or nil
	// prepares is set when the pool prepares each statement once per
	// connection (pgx's default), so that a generic plan is made once.
	prepares bool
	cfg      config
	t        tables
	// templates holds the statements of generic plans by shape.
	templates *templates
}

type config struct {
	schema      string
	maxAttempts int
	// generalSearch answers every search with the general statement,
	// never searchSources: tests compare the two.
	generalSearch bool
	// customPlans plans every search statement for its arguments:
	// benchmarks compare it with generic plans.
	customPlans bool
	// keyPrefixCap, when not 0, replaces the constant: tests reach it with
	// few organizations.
	keyPrefixCap int
}

// tables holds the schema-qualified, quoted table names, made once from the
// schema name so that no statement is built from unquoted text.
type tables struct {
	orgs, numbers, idem, events, feeds, migrations string
}

func newTables(schema string) tables {
	q := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	return tables{
		orgs:       q("organizations"),
		numbers:    q("numbers"),
		idem:       q("idempotency_keys"),
		events:     q("events"),
		feeds:      q("provider_feeds"),
		migrations: q("orgkit_migrations"),
	}
}

// Option configures a Store.
type Option func(*config)

// WithSchema sets the schema that holds orgkit's tables (default
// DefaultSchema). Any name is safe: it is quoted as an identifier.
func WithSchema(name string) Option { return func(c *config) { c.schema = name } }

// WithMaxAttempts sets how many times a transaction that the Store owns is
// run when PostgreSQL reports a serialization failure or deadlock (default
// DefaultMaxAttempts). Values below 1 mean 1.
func WithMaxAttempts(n int) Option {
	return func(c *config) { c.maxAttempts = max(n, 1) }
}

// New returns a Store on pool. It runs no statement and no migration: call
// Migrate for that. Closing the Store does not close pool.
//
// The Store never uses the simple query protocol: if the pool's connections
// default to it, the Store sends its statements with
// pgx.QueryExecModeExec instead, which keeps arguments apart from SQL text
// and also works behind transaction-pooling proxies.
func New(pool *pgxpool.Pool, opts ...Option) *Store {
	c := config{schema: DefaultSchema, maxAttempts: DefaultMaxAttempts}
	for _, opt := range opts {
		opt(&c)
	}
	s := &Store{db: pool, ownTx: true, closed: new(atomic.Bool), cfg: c, t: newTables(c.schema), templates: new(templates)}
	switch pool.Config().ConnConfig.DefaultQueryExecMode {
	case pgx.QueryExecModeSimpleProtocol:
		s.mode = []any{pgx.QueryExecModeExec}
	case pgx.QueryExecModeCacheStatement:
		s.prepares = true
	}
	return s
}

// WithTx returns a Store that runs every statement in tx, the caller's
// transaction, so that an organization and the caller's own rows commit or
// roll back together. An org.Service over it joins the transaction too.
//
// Each operation runs in a savepoint, so one that fails (a duplicate number,
// say) leaves nothing behind and tx usable. Serialization failures and
// deadlocks are returned to the caller, who owns the retry. Events written
// in tx become readable once tx commits. The returned Store must not be used
// after tx ends, nor from several goroutines at once (a pgx.Tx is one
// connection).
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db, c.ownTx = tx, false
	return &c
}

// Schema returns the schema that holds the Store's tables.
func (s *Store) Schema() string { return s.cfg.schema }

// Close makes every later call on s, and on the stores WithTx returned from
// it, fail with ErrClosed. It does not close the pool.
func (s *Store) Close() error {
	s.closed.Store(true)
	return nil
}

func (s *Store) check(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return ctx.Err()
}

// args prepends the exec mode, if one is forced, to a statement's arguments.
func (s *Store) args(args []any) []any {
	if s.mode == nil {
		return args
	}
	return append(append([]any{}, s.mode...), args...)
}

func (s *Store) query(ctx context.Context, q queryer, stmt sq.Sqlizer) (pgx.Rows, error) {
	sql, args, err := build(stmt)
	if err != nil {
		return nil, err
	}
	return q.Query(ctx, sql, s.args(args)...)
}

// queryCustom runs a search statement as an unnamed statement
// (pgx.QueryExecModeExec, still the extended protocol, one round trip), so
// that PostgreSQL plans it for its arguments every time: a cached generic
// plan cannot see how selective a prefix or LIKE pattern is, and measured
// 50 to 100 times slower on name and reference searches.
func (s *Store) queryCustom(ctx context.Context, q queryer, stmt sq.Sqlizer) (pgx.Rows, error) {
	sql, args, err := build(stmt)
	if err != nil {
		return nil, err
	}
	return q.Query(ctx, sql, append([]any{pgx.QueryExecModeExec}, args...)...)
}

func (s *Store) queryRow(ctx context.Context, q queryer, stmt sq.Sqlizer) pgx.Row {
	sql, args, err := build(stmt)
	if err != nil {
		return errRow{err}
	}
	return q.QueryRow(ctx, sql, s.args(args)...)
}

func (s *Store) exec(ctx context.Context, q queryer, stmt sq.Sqlizer) (pgconn.CommandTag, error) {
	sql, args, err := build(stmt)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	return q.Exec(ctx, sql, s.args(args)...)
}

// queryer is what statements run on: the pool, a caller's transaction or a
// transaction the Store began.
type queryer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// psql builds statements with "?" placeholders, which compose; build turns
// the finished statement's into PostgreSQL's "$n".
var psql = sq.StatementBuilder.PlaceholderFormat(sq.Question)

func build(stmt sq.Sqlizer) (string, []any, error) {
	sql, args, err := stmt.ToSql()
	if err != nil {
		return "", nil, fmt.Errorf("postgres: build statement: %w", err)
	}
	sql, err = sq.Dollar.ReplacePlaceholders(sql)
	if err != nil {
		return "", nil, fmt.Errorf("postgres: build statement: %w", err)
	}
	return sql, encodable(args), nil
}

// encodable replaces every uuid.UUID among values with a pgtype.UUID, in
// place, and returns values. pgx has no encode plan of its own for
// uuid.UUID: it calls its driver.Valuer, which renders the id as text, fails
// to encode the text as a binary uuid (formatting an error on the way) and
// parses it back. That cost about 5 µs and 20 allocations per id, and most
// statements carry the provider id several times. An id equal to the last
// one converted reuses its value: storing a pgtype.UUID in an interface
// allocates.
func encodable(values []any) []any {
	var last uuid.UUID
	var boxed any
	for i, v := range values {
		if u, ok := v.(uuid.UUID); ok {
			if boxed == nil || u != last {
				last, boxed = u, pgtype.UUID{Bytes: u, Valid: true}
			}
			values[i] = boxed
		}
	}
	return values
}

// inTx runs fn in a transaction (a savepoint inside a caller's), commits
// when fn returns nil and rolls back otherwise. When the Store owns the
// transaction, a serialization failure or deadlock runs it again, fn
// included, up to the configured number of attempts; so does a connection
// that broke before a statement of the transaction reached the server, as
// pgconn.SafeToRetry reports: the transaction cannot have committed. No
// statement is resent on its own, and a COMMIT left unanswered is
// org.ErrOutcomeUnknown, never retried.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	attempts := 1
	if s.ownTx {
		attempts = s.cfg.maxAttempts
	}
	var err error
	for i := range attempts {
		if i > 0 {
			// A short, growing pause lets the transaction we collided with
			// finish first.
			select {
			case <-ctx.Done():
				return errors.Join(err, ctx.Err())
			case <-time.After(time.Duration(i*i) * time.Millisecond):
			}
		}
		err = s.tryTx(ctx, fn)
		if !retryable(err) {
			return err
		}
	}
	return err
}

func (s *Store) tryTx(ctx context.Context, fn func(tx pgx.Tx) error) (err error) {
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return translateCtx(ctx, err)
	}
	defer func() {
		if err == nil {
			return
		}
		if rerr := tx.Rollback(context.WithoutCancel(ctx)); rerr != nil && !errors.Is(rerr, pgx.ErrTxClosed) {
			err = errors.Join(err, fmt.Errorf("postgres: rollback: %w", rerr))
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err // the deferred rollback ends the transaction
	}
	if err := tx.Commit(ctx); err != nil {
		var pe *pgconn.PgError
		if s.ownTx && !errors.As(err, &pe) {
			// The COMMIT may have reached the server, which did not answer:
			// it may have happened. pgconn.SafeToRetry cannot tell here:
			// pgx v5.12.0 reports a reply lost after the COMMIT was sent as
			// "conn closed", which it calls safe to retry.
			return fmt.Errorf("%w: postgres: commit: %w", org.ErrOutcomeUnknown, translateCtx(ctx, err))
		}
		return translateCtx(ctx, fmt.Errorf("postgres: commit: %w", err))
	}
	return nil
}

// PostgreSQL error codes the Store acts on.
const (
	codeUniqueViolation      = "23505"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
)

// retryable reports failures after which the Store runs the whole
// transaction again: a serialization failure or deadlock, or a connection
// that broke before the failing statement reached the server.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == codeSerializationFailure || pe.Code == codeDeadlockDetected
	}
	return pgconn.SafeToRetry(err) && !errors.Is(err, org.ErrOutcomeUnknown)
}

// constraintFields maps unique constraints to the field a DuplicateError
// names.
var constraintFields = map[string]string{
	"organizations_customer_reference_key": org.FieldCustomerReference,
	"organizations_external_contract_key":  org.FieldExternalContract,
	"numbers_pkey":                         org.FieldNumbers,
}

// translate turns driver errors into the domain's: no rows is
// org.ErrNotFound; a unique violation of a customer reference, external
// contract or number is an *org.DuplicateError naming the field (its Value
// is filled by the caller, which knows the organization); an organization
// id that exists is org.ErrConflict. A cancelled or expired context is
// returned as context.Canceled or context.DeadlineExceeded. Other errors are
// returned as they are, wrapped so that errors.As still finds
// *pgconn.PgError.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return org.ErrNotFound
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == codeUniqueViolation {
		if f, ok := constraintFields[pe.ConstraintName]; ok {
			return &org.DuplicateError{Field: f}
		}
		if pe.ConstraintName == "organizations_pkey" {
			return fmt.Errorf("%w: organization exists", org.ErrConflict)
		}
	}
	return err
}

// translateCtx is translate for a call made with ctx: when ctx is done, the
// error matches ctx.Err() whatever the driver made of the cancellation (a
// closed connection, a cancelled statement).
func translateCtx(ctx context.Context, err error) error {
	err = translate(err)
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	return err
}
