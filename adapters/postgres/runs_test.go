package postgres_test

import (
	"context"
	"io/fs"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/postgres"
	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// columnsBeforeRuns are the organizations columns that code written before
// migration 0008 knows.
const columnsBeforeRuns = "provider_id, id, version, name_fold, customer_reference_fold, external_contract_fold, status, managed_by, tag_folds, doc"

func TestNameRuns(t *testing.T) {
	for _, tt := range []struct {
		fold string
		want []string
	}{
		{"", []string{}},
		{"acme", []string{}},
		{"zensensen me", []string{"en me", "ensen", "nsen ", "nsens", "sen m", "sense", "zense"}},
		{"abcde abcde", []string{" abcd", "abcde", "bcde ", "cde a", "de ab", "e abc"}},
		{"straße ää", []string{"aße ä", "raße ", "straß", "traße", "ße ää"}}, // characters, not bytes
		{"ab cd", []string{"ab cd"}},
	} {
		assert.Equal(t, tt.want, postgres.NameRuns(tt.fold), "NameRuns(%q)", tt.fold)
	}
}

// TestNameRunsEqualSQL checks that the runs orgkit computes in Go are those
// the migration computes in SQL for rows written without them.
func TestNameRunsEqualSQL(t *testing.T) {
	ctx := context.Background()
	pool := sharedPool(t)
	st := newStore(t, pool)
	folds := []string{"", "a", "acme", "zensensen me", "straße ääääää", "日本語の会社名です", "𝒜𝒷𝒸𝒹𝑒𝒻 x", "a%b_c\\d'e", "x  y"}
	g := datagen.New(1, uuid.New())
	for i := range 500 {
		folds = append(folds, search.Fold(g.Input(i).Name))
	}
	rows, err := pool.Query(ctx, "SELECT "+pgx.Identifier{st.Schema(), "name_runs_of"}.Sanitize()+"(f) FROM unnest($1::text[]) WITH ORDINALITY AS u(f, n) ORDER BY n", folds)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowTo[[]string])
	require.NoError(t, err)
	require.Len(t, got, len(folds))
	for i, f := range folds {
		assert.Equal(t, postgres.NameRuns(f), got[i], "runs of %q", f)
	}
}

// TestRunsOfRowsWrittenWithoutThem writes an organization's row as code
// that does not know the name_runs column would (an older orgkit, a
// hand-written COPY), and renames it so: searches still find it.
func TestRunsOfRowsWrittenWithoutThem(t *testing.T) {
	ctx := context.Background()
	pool := sharedPool(t)
	st := newStore(t, pool)
	orgs := pgx.Identifier{st.Schema(), "organizations"}.Sanitize()
	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	items := imported(t, provider.ID, []org.CreateInput{{Name: "Zensensen Media", ManagedBy: ownership.ServiceProvider, Country: "GB"}})
	require.NoError(t, st.Import(ctx, items))
	id := items[0].Organization.ID()
	find := func(text string) []uuid.UUID {
		plan, err := search.Compile(provider.ID.String(), search.Query{Text: text})
		require.NoError(t, err)
		res, err := st.Search(ctx, plan)
		require.NoError(t, err)
		var ids []uuid.UUID
		for _, h := range res.Hits {
			ids = append(ids, h.Organization.ID())
		}
		return ids
	}
	runs := func() []string {
		var r []string
		require.NoError(t, pool.QueryRow(ctx, "SELECT name_runs FROM "+orgs+" WHERE id = $1", id).Scan(&r))
		return r
	}

	_, err := pool.Exec(ctx, "WITH old AS (DELETE FROM "+orgs+" WHERE id = $1 RETURNING *)"+
		" INSERT INTO "+orgs+" ("+columnsBeforeRuns+") SELECT "+columnsBeforeRuns+" FROM old", id)
	require.NoError(t, err)
	assert.Equal(t, postgres.NameRuns("zensensen media"), runs(), "runs of an inserted row")
	assert.Equal(t, []uuid.UUID{id}, find("ensensen media"))

	_, err = pool.Exec(ctx, "UPDATE "+orgs+" SET name_fold = 'zensensen holdings' WHERE id = $1", id)
	require.NoError(t, err)
	assert.Equal(t, postgres.NameRuns("zensensen holdings"), runs(), "runs of a renamed row")
	assert.Equal(t, []uuid.UUID{id}, find("ensensen holdings"))
	assert.Empty(t, find("ensensen media"))
}

// TestMigrationFillsRunsOfExistingRows upgrades a schema that holds
// organizations from version 7 to the latest: their runs are computed by
// the migration, and searches by runs find them.
func TestMigrationFillsRunsOfExistingRows(t *testing.T) {
	ctx := context.Background()
	pool := sharedPool(t)
	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	items := imported(t, provider.ID, []org.CreateInput{
		{Name: "Zensensen Media", ManagedBy: ownership.ServiceProvider, Country: "GB"},
		{Name: "Straße Müller GmbH", ManagedBy: ownership.ServiceProvider, Country: "DE"},
	})
	current := newStore(t, pool)
	require.NoError(t, current.Import(ctx, items))

	// The same rows in a schema at version 7, written without runs.
	old := newSchema(t, pool)
	names, err := fsGlob()
	require.NoError(t, err)
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	schema := pgx.Identifier{old}.Sanitize()
	_, err = tx.Exec(ctx, "CREATE SCHEMA "+schema+"; SET LOCAL search_path = "+schema+", public", pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "CREATE TABLE orgkit_migrations (version integer PRIMARY KEY, name text NOT NULL,"+
		" applied_at timestamptz NOT NULL DEFAULT now())")
	require.NoError(t, err)
	for i, name := range names[:7] {
		sql, err := fs.ReadFile(postgres.Migrations, name)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, string(sql), pgx.QueryExecModeSimpleProtocol)
		require.NoError(t, err, name)
		_, err = tx.Exec(ctx, "INSERT INTO orgkit_migrations (version, name) VALUES ($1, $2)", i+1, name)
		require.NoError(t, err)
	}
	_, err = tx.Exec(ctx, "INSERT INTO organizations ("+columnsBeforeRuns+") SELECT "+columnsBeforeRuns+" FROM "+
		pgx.Identifier{current.Schema(), "organizations"}.Sanitize())
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))

	st := postgres.New(pool, postgres.WithSchema(old))
	require.NoError(t, st.Migrate(ctx))
	rows, err := pool.Query(ctx, "SELECT name_fold, name_runs FROM "+pgx.Identifier{old, "organizations"}.Sanitize())
	require.NoError(t, err)
	var (
		fold string
		runs []string
		n    int
	)
	_, err = pgx.ForEachRow(rows, []any{&fold, &runs}, func() error {
		n++
		assert.Equal(t, postgres.NameRuns(fold), runs, "runs of %q", fold)
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, len(items), n)
	for _, text := range []string{"ensensen media", "straße müller"} {
		plan, err := search.Compile(provider.ID.String(), search.Query{Text: text})
		require.NoError(t, err)
		res, err := st.Search(ctx, plan)
		require.NoError(t, err)
		assert.Len(t, res.Hits, 1, text)
	}
}
