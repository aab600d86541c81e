package postgres

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/search"
)

func TestTranslate(t *testing.T) {
	assert.ErrorIs(t, translate(pgx.ErrNoRows), org.ErrNotFound)
	for constraint, field := range constraintFields {
		err := translate(&pgconn.PgError{Code: codeUniqueViolation, ConstraintName: constraint})
		var de *org.DuplicateError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, field, de.Field)
	}
	assert.ErrorIs(t, translate(&pgconn.PgError{Code: codeUniqueViolation, ConstraintName: "organizations_pkey"}), org.ErrConflict)
	other := &pgconn.PgError{Code: "42P01"}
	assert.Same(t, other, translate(other))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, translateCtx(ctx, errors.New("conn closed")), context.Canceled)
}

func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct{ p, end string }{
		{"abc", "abd"},
		{"49", "4:"},
		{"straße", "straßf"},
		{"a\U0010FFFF", "b"},
		{"\uD7FF", "\uE000"},
	} {
		end, ok := prefixEnd(c.p)
		assert.True(t, ok)
		assert.Equal(t, c.end, end, c.p)
		assert.Less(t, c.p, end)
	}
	_, ok := prefixEnd("\U0010FFFF")
	assert.False(t, ok)
}

func TestEscapeLike(t *testing.T) {
	assert.Equal(t, `a\%b\_c\\d`, escapeLike(`a%b_c\d`))
}

// fakeDB begins transactions that fail or succeed as told; only Begin is
// used by inTx.
type fakeDB struct {
	db
}

func (fakeDB) Begin(context.Context) (pgx.Tx, error) { return fakeTx{}, nil }

type fakeTx struct{ pgx.Tx }

func (fakeTx) Commit(context.Context) error   { return nil }
func (fakeTx) Rollback(context.Context) error { return nil }

func TestRetriesOnlyOwnTransactions(t *testing.T) {
	ctx := context.Background()
	for _, code := range []string{codeSerializationFailure, codeDeadlockDetected} {
		s := &Store{db: fakeDB{}, ownTx: true, cfg: config{maxAttempts: 3}}
		calls := 0
		err := s.inTx(ctx, func(pgx.Tx) error {
			calls++
			if calls < 3 {
				return &pgconn.PgError{Code: code}
			}
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, 3, calls, "the callback runs again")

		calls = 0
		err = s.inTx(ctx, func(pgx.Tx) error { calls++; return &pgconn.PgError{Code: code} })
		assert.Equal(t, 3, calls, "bounded")
		var pe *pgconn.PgError
		require.ErrorAs(t, err, &pe)

		caller := &Store{db: fakeDB{}, ownTx: false, cfg: config{maxAttempts: 3}}
		calls = 0
		err = caller.inTx(ctx, func(pgx.Tx) error { calls++; return &pgconn.PgError{Code: code} })
		assert.Equal(t, 1, calls, "a caller's transaction is the caller's to retry")
		require.ErrorAs(t, err, &pe)
	}
}

func TestMigrationsAreNumbered(t *testing.T) {
	ms, err := loadMigrations()
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	for i, m := range ms {
		assert.Equal(t, i+1, m.version, m.name)
	}
	_, err = fs.Stat(Migrations, "0001_init.sql")
	require.NoError(t, err)
}

// TestRankSourcesProvesPages checks when the rows of the per-key sources
// decide a page: a source that read its whole limit may have left rows of
// its tier unread, past its last row.
func TestRankSourcesProvesPages(t *testing.T) {
	terms, err := search.ParseText("ab")
	require.NoError(t, err)
	plan := search.Plan{Terms: terms, Limit: 2}
	row := func(src int, name, id, ref string) sourceRow {
		return sourceRow{src: src, keys: search.Keys{ID: id, Name: name, CustomerReference: ref}, doc: nil}
	}
	tiers := []search.Tier{search.TierExact, search.TierPrefix, search.TierPrefix}

	// Source 1 (name prefix) was cut short at "abd": "abc" and "abd" are
	// known, so a page of one is proven, but not a page of three.
	rows := []sourceRow{
		row(1, "abc", "00000000-0000-0000-0000-000000000001", ""),
		row(1, "abd", "00000000-0000-0000-0000-000000000002", ""),
	}
	_, ok := rankSources(plan, terms, rows, tiers, 2, 3)
	assert.False(t, ok, "a third hit may lie past the cut")

	// The same rows, the source not cut short (limit 3): the page is whole.
	hits, ok := rankSources(plan, terms, rows, tiers, 3, 3)
	assert.True(t, ok)
	assert.Len(t, hits, 2)

	// A row of the reference source that matches exactly ("ab") leaves the
	// prefix tier, so the cut source proves fewer prefix rows.
	rows = []sourceRow{
		row(2, "zz", "00000000-0000-0000-0000-000000000003", "ab"),
		row(2, "zzz", "00000000-0000-0000-0000-000000000004", "abx"),
		row(1, "abc", "00000000-0000-0000-0000-000000000001", ""),
	}
	hits, ok = rankSources(plan, terms, rows, tiers, 2, 2)
	require.True(t, ok, "exact hit, then abc: both before the cut at zzz")
	assert.Equal(t, search.TierExact, hits[0].Match.Tier)
	assert.Equal(t, search.FieldCustomerReference, hits[0].Match.Field)
	hits, ok = rankSources(plan, terms, rows, tiers, 2, 3)
	require.True(t, ok, "zzz is the last row read, and the third hit")
	assert.Equal(t, "zzz", hits[2].Position.Name)
	_, ok = rankSources(plan, terms, rows, tiers, 2, 4)
	assert.False(t, ok, "nothing proves what comes after zzz")
}

// BenchmarkSourcesStatement measures what a search costs in Go before it
// is sent: its terms' predicates, the sources statement and its SQL text.
// genericStatements returns the sources statement of text on a generic
// plan twice: built for the search, and from s's template of its shape.
// ok is false when text does not run on a generic plan.
func genericStatements(t testing.TB, s *Store, pid uuid.UUID, text string, limit int) (fresh, templ string, args, targs []any, ok bool) {
	t.Helper()
	plan, err := search.Compile(pid.String(), search.Query{Text: text, Limit: limit})
	if err != nil || plan.Terms.ID != "" || plan.Terms.Empty() || !genericText(plan.Terms) {
		return "", "", nil, nil, false
	}
	want := plan.Limit + 1
	stmt, tiers := s.sourcesStatement(pid, plan, uuid.Nil, s.matcher(pid, plan.Terms, nil), nil, want, true)
	fresh, args, err = build(stmt)
	require.NoError(t, err)
	templ, targs, ttiers, err := s.genericSources(pid, plan, want)
	require.NoError(t, err)
	require.Equal(t, tiers, ttiers, "tiers of %q", text)
	return fresh, templ, args, targs, true
}

func TestTemplatesMatchFreshStatements(t *testing.T) {
	s := &Store{t: newTables(DefaultSchema), templates: new(templates)}
	// Texts of one shape with other values, so that the later ones take
	// the template the first made; each search has its own provider.
	texts := []string{
		"CR-00051134", "CT-7", "ab-9", "x_%9", "ragon hol", "ystems lt",
		"+441316840770", "+12025550123", "+44 131 684 0771 99", "4413168", "9990001", "441-3168",
		"44131684", "12345678", "+44131684",
		"acme holdings ltd", "globex trading co", "benan systems llc x", "a müller gmbh",
		"straße 12", "100%_ab\\c", "holdingsx", "systemsxx", "ragon ab cd", "xyz 12 34",
		strings.Repeat("\U0010FFFF", 8), strings.Repeat("\U0010FFFF", 9), "co mix one two three four five",
		"acme", "zorg", "acmex", "zorgyx", // not rare: no substring tier in the statement
	}
	var generic int
	for _, limit := range []int{0, 1, 50} {
		for _, text := range texts {
			fresh, templ, args, targs, ok := genericStatements(t, s, uuid.New(), text, limit)
			if !ok {
				continue
			}
			generic++
			assert.Equal(t, fresh, templ, text)
			assert.Equal(t, args, targs, text)
		}
	}
	var kept int
	s.templates.m.Range(func(any, any) bool { kept++; return true })
	require.Greater(t, generic, 2*kept, "searches of one shape share a template")
	assert.Positive(t, kept)
}

func TestTemplateValues(t *testing.T) {
	terms := func(text string) search.Terms {
		plan, err := search.Compile(uuid.NewString(), search.Query{Text: text})
		require.NoError(t, err)
		return plan.Terms
	}
	pid := uuid.New()
	p := &params{in: inputs{pid: pid, t: terms("acme"), want: 21}}
	_, err := newTemplate(sq.Expr("o.id = ? AND o.name_fold = ?", p.arg(argProvider, pid), "acme"), p, nil)
	assert.ErrorContains(t, err, "value $2 of a template is not a slot")

	p = &params{in: inputs{pid: pid, t: terms("acme"), want: 21}}
	_, err = newTemplate(sq.Expr("o.name_fold = ?", p.arg(argFoldEnd, "acme")), p, nil)
	assert.ErrorContains(t, err, "value $1 of a template does not derive from the search")

	p = &params{in: inputs{pid: pid, t: terms("acme"), want: 21}}
	tiers := []search.Tier{search.TierExact}
	tpl, err := newTemplate(sq.Expr("o.id = ? AND o.name_fold > ? LIMIT ?", p.arg(argProvider, pid), p.arg(argFold, "acme"), p.count(24)), p, tiers)
	require.NoError(t, err)
	assert.Equal(t, tiers, tpl.tiers)
	other := uuid.New()
	vals, err := tpl.values(&inputs{pid: other, t: terms("Globex"), want: 51})
	require.NoError(t, err)
	assert.Equal(t, []any{pgtype.UUID{Bytes: other, Valid: true}, "globex", 54}, vals)

	p = &params{in: inputs{pid: pid, t: terms("4413168"), want: 21}}
	tpl, err = newTemplate(sq.Expr("n.digits >= ?", p.arg(argBucket, "4413168")), p, nil)
	require.NoError(t, err)
	_, err = tpl.values(&inputs{pid: pid, t: terms("441"), want: 21})
	assert.ErrorContains(t, err, "template of another shape")
}

// FuzzTemplates checks that a template gives every search text of its
// shape the statement built for it: the Store, and its templates, last
// across the inputs.
func FuzzTemplates(f *testing.F) {
	for i, text := range []string{"CR-00051134", "CR-00051135", "CT-7", "x_%9", "+441316840770", "+12025550123",
		"4413168", "441-3168", "ragon hol", "acme holdings ltd", "straße 12", "acme", "acmex"} {
		f.Add(text, i%3*25)
	}
	s := &Store{t: newTables(DefaultSchema), templates: new(templates)}
	f.Fuzz(func(t *testing.T, text string, limit int) {
		fresh, templ, args, targs, ok := genericStatements(t, s, uuid.New(), text, limit)
		if !ok {
			return
		}
		require.Equal(t, fresh, templ)
		require.Equal(t, args, targs)
	})
}

func BenchmarkSourcesStatement(b *testing.B) {
	s := &Store{t: newTables(DefaultSchema), templates: new(templates)}
	pid := uuid.New()
	for _, text := range []string{"CR-00051134", "+441316840770", "ragon hol"} {
		plan, err := search.Compile(pid.String(), search.Query{Text: text})
		require.NoError(b, err)
		want := plan.Limit + 1
		b.Run("Build/"+text, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				mt := s.matcher(pid, plan.Terms, nil)
				stmt, _ := s.sourcesStatement(pid, plan, uuid.Nil, mt, nil, want, genericText(plan.Terms))
				if _, _, err := build(stmt); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Template/"+text, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, _, err := s.genericSources(pid, plan, want); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
