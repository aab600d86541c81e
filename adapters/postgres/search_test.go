package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/adapters/postgres"
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// TestSearchMatchesMemory pages through searches of crowded keys (names,
// references, contracts and numbers that share prefixes and substrings)
// in this store and in the memory store, the reference, loaded with the
// same organizations.
func TestSearchMatchesMemory(t *testing.T) {
	ctx := context.Background()
	pool := sharedPool(t)
	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	r := rand.New(rand.NewPCG(4, 2))
	words := []string{"ab", "abc", "ba", "cab", "b", "ab1", "4420"}
	pick := func() string { return words[r.IntN(len(words))] }
	var ins []org.CreateInput
	for i := range 120 {
		in := org.CreateInput{Name: pick() + " " + pick(), ManagedBy: ownership.ServiceProvider, Country: "GB"}
		if r.IntN(3) > 0 {
			in.CustomerReference = fmt.Sprintf("%s%d", pick(), i)
		}
		if r.IntN(3) == 0 {
			in.ExternalContract = fmt.Sprintf("%s-%d", pick(), i)
		}
		for j := range r.IntN(3) {
			in.Numbers = append(in.Numbers, fmt.Sprintf("+44207946%04d", 3*i+j))
		}
		if r.IntN(4) == 0 {
			in.BuyerTags = []string{"gold"}
		}
		ins = append(ins, in)
	}
	// Names with runs of five characters (see postgres.NameRuns), which rare
	// text of five or more is looked up by: "cabca xabcab1" holds every run
	// of "cabcab1" but not the text.
	for i, name := range []string{"abcab ab", "bcabca ab1", "xbcabca ab", "cab abcab", "abcab", "zabcab cab",
		"bcabcab b", "ab bcabc", "abcab abcab", "cabca ab", "cabca xabcab1", "zcabcab1"} {
		ins = append(ins, org.CreateInput{Name: name, ManagedBy: ownership.ServiceProvider, Country: "GB",
			CustomerReference: fmt.Sprintf("abcab%d", i)})
	}
	items := imported(t, provider.ID, ins)
	mem := memory.New()
	require.NoError(t, mem.Import(ctx, items))
	general := newStore(t, pool)
	postgres.GeneralSearchOnly(general)
	capped := newStore(t, pool)
	postgres.SmallCaps(capped)
	stores := map[string]org.Store{
		"default": newStore(t, pool),
		"general": general,
		"capped":  capped, // reference and contract prefixes past the generic plan's cap
	}
	for _, s := range stores {
		require.NoError(t, s.(org.Importer).Import(ctx, items))
	}
	texts := []string{"", "ab", "abc", "ab1", "b", "ba", "cab ab", "b ab", "4420", "44207946", "4420794601",
		"+44 20 7946 01", "ab1 4", "ab12", "cab-", "abcab", "cabca ab", "cabcab b", "cab abcab", "abcab1", "cabcab1",
		items[7].Organization.ID().String()}
	for _, text := range texts {
		for _, q := range []search.Query{{Text: text, Limit: 3}, {Text: text, Limit: 20},
			{Text: text, Limit: 4, Filter: search.Filter{Tags: []string{"gold"}}}} {
			plan, err := search.Compile(provider.ID.String(), q)
			require.NoError(t, err)
			want := pages(t, ctx, mem, plan)
			if q.Filter.Tags == nil {
				require.NotEmpty(t, want, "%q finds nothing: a useless case", text)
			}
			for name, s := range stores {
				assert.Equal(t, want, pages(t, ctx, s, plan), "%s store, %+v", name, q)
			}
		}
	}
}

// TestSearchKeyPrefixPastTheCap searches reference and contract prefixes
// that hold more organizations than a generic plan reads of them, whose
// names run the other way from their keys: the page still holds the first
// names.
func TestSearchKeyPrefixPastTheCap(t *testing.T) {
	ctx := context.Background()
	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	var ins []org.CreateInput
	for i := range 6 {
		ins = append(ins, org.CreateInput{Name: fmt.Sprintf("Org %d", 9-i), ManagedBy: ownership.ServiceProvider, Country: "GB",
			CustomerReference: fmt.Sprintf("R-1%d", i), ExternalContract: fmt.Sprintf("C-1%d", i)})
	}
	items := imported(t, provider.ID, ins)
	mem, pg := memory.New(), newStore(t, sharedPool(t))
	postgres.SmallCaps(pg)
	for _, s := range []org.Store{mem, pg} {
		require.NoError(t, s.(org.Importer).Import(ctx, items))
	}
	for _, text := range []string{"r-1", "c-1", "r-", "R-10"} {
		plan, err := search.Compile(provider.ID.String(), search.Query{Text: text, Limit: 3})
		require.NoError(t, err)
		want := pages(t, ctx, mem, plan)
		require.NotEmpty(t, want)
		assert.Equal(t, want, pages(t, ctx, pg, plan), text)
	}
}

// TestSearchSubstringAfterGenericSources pages through a text that is not
// most likely rare, whose sources run on a generic plan and whose
// substring tier runs after them, with a few prefix hits and more
// substring hits than a page holds, created in the opposite order of their
// names.
func TestSearchSubstringAfterGenericSources(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{}
	pg := newStore(t, newPool(t, rec))
	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	var ins []org.CreateInput
	for i := 11; i >= 0; i-- {
		ins = append(ins, org.CreateInput{Name: fmt.Sprintf("x%02d swer", i), ManagedBy: ownership.ServiceProvider, Country: "GB"})
	}
	for _, name := range []string{"wer b", "wer a"} {
		ins = append(ins, org.CreateInput{Name: name, ManagedBy: ownership.ServiceProvider, Country: "GB"})
	}
	items := imported(t, provider.ID, ins)
	mem := memory.New()
	for _, s := range []org.Store{mem, pg} {
		require.NoError(t, s.(org.Importer).Import(ctx, items))
	}
	for _, limit := range []int{3, 5, 13} {
		plan, err := search.Compile(provider.ID.String(), search.Query{Text: "wer", Limit: limit})
		require.NoError(t, err)
		rec.reset()
		assert.Equal(t, pages(t, ctx, mem, plan), pages(t, ctx, pg, plan), "limit %d", limit)
		require.True(t, rec.sent("force_generic_plan"), "the first page runs on a generic plan")
		require.True(t, rec.sent("NOT (o.id = ANY("), "the substring tier runs after the sources")
	}
}

// hook runs f once, before the first statement whose text holds marker.
type hook struct {
	marker string
	once   sync.Once
	f      func()
}

func (h *hook) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.Contains(d.SQL, h.marker) {
		h.once.Do(h.f)
	}
	return ctx
}

func (h *hook) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestSubstringTierAfterARename renames an organization between the
// sources statement and the substring tier's, so that it matches at the
// prefix tier by the time the second statement finds it: the page still
// gives it its better match.
func TestSubstringTierAfterARename(t *testing.T) {
	ctx := context.Background()
	h := &hook{marker: "NOT (o.id = ANY("}
	st := newStore(t, newPool(t, h))
	b := storetest.Setup(t, func(*testing.T) org.Store { return st })
	var ids []uuid.UUID
	for i := range 6 {
		ids = append(ids, b.MustCreate(t, b.Staff1, storetest.ProviderInput(fmt.Sprintf("X%02d Swer", i))).ID())
	}
	renamed := false
	h.f = func() {
		name := "Wer Renamed"
		_, err := b.Service.Update(ctx, b.Staff1, ids[3], org.Update{Name: &name})
		assert.NoError(t, err)
		renamed = true
	}
	q := org.SearchQuery{Text: "wer", Limit: 3}
	got, err := b.Service.Search(ctx, b.Staff1, q)
	require.NoError(t, err)
	require.True(t, renamed, "the substring tier ran after the sources")
	want, err := b.Service.Search(ctx, b.Staff1, q)
	require.NoError(t, err)
	hits := func(res org.SearchResult) (out []string) {
		for _, h := range res.Hits {
			out = append(out, h.Organization.Name()+" "+h.Match.String())
		}
		return out
	}
	assert.Equal(t, hits(want), hits(got))
	assert.Equal(t, "Wer Renamed", got.Hits[0].Organization.Name())
}

// TestWhichSearchesUseRuns checks that rare text of five characters or
// more, and only that, is looked up by its runs.
func TestWhichSearchesUseRuns(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{}
	st := newStore(t, newPool(t, rec))
	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	items := imported(t, provider.ID, []org.CreateInput{{Name: "Acme Telecommunications", ManagedBy: ownership.ServiceProvider, Country: "GB"}})
	require.NoError(t, st.Import(ctx, items))
	byRuns := func(text string) bool {
		t.Helper()
		rec.reset()
		plan, err := search.Compile(provider.ID.String(), search.Query{Text: text, Count: true})
		require.NoError(t, err)
		res, err := st.Search(ctx, plan)
		require.NoError(t, err)
		require.Len(t, res.Hits, 1, text)
		return rec.sent("name_runs @>")
	}
	for _, text := range []string{"telecommunic", "me tel"} { // rare: eight characters or more, a space
		assert.True(t, byRuns(text), text)
	}
	for _, text := range []string{"acme", "lecom", "me t"} { // common
		assert.False(t, byRuns(text), text)
	}
}

// TestWhichSearchesRunOnAGenericPlan checks which searches run on a
// generic plan: a first page without a filter of text with a word of three
// characters or more, but not a number of fewer than 7 digits, on the
// Store's own pool; never in a caller's transaction, which would keep the
// settings.
func TestWhichSearchesRunOnAGenericPlan(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{}
	pool := newPool(t, rec)
	st := newStore(t, pool)
	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	items := imported(t, provider.ID, []org.CreateInput{{Name: "Acme Telecommunications", ManagedBy: ownership.ServiceProvider,
		Country: "GB", CustomerReference: "CR-0001", Numbers: []string{"+442079460001"}}})
	require.NoError(t, st.Import(ctx, items))
	generic := func(s org.Store, q search.Query) bool {
		t.Helper()
		rec.reset()
		plan, err := search.Compile(provider.ID.String(), q)
		require.NoError(t, err)
		res, err := s.Search(ctx, plan)
		require.NoError(t, err)
		require.Len(t, res.Hits, 1, q.Text)
		return rec.sent("force_generic_plan")
	}
	// "acm", "acme" and "lecom" are not rare: their substring tier runs
	// afterwards, planned for them ("lecom" is found only there).
	for _, text := range []string{"CR-0001", "telecommunic", "acme tel", "4420794", "+44 20 7946 0001", "acm", "acme", "lecom"} {
		assert.True(t, generic(st, search.Query{Text: text}), text)
	}
	// Short words only, and numbers of fewer than 7 digits.
	for _, text := range []string{"ac", "me t", "44207", "442"} {
		assert.False(t, generic(st, search.Query{Text: text}), text)
	}
	assert.False(t, generic(st, search.Query{Text: "CR-0001", Filter: search.Filter{Status: []string{"active"}}}))
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	assert.False(t, generic(st.WithTx(tx), search.Query{Text: "CR-0001"}))

	// A pool that does not prepare statements would make the plan again
	// for every search.
	describing := newStore(t, newPool(t, rec, func(c *pgxpool.Config) {
		c.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	}))
	require.NoError(t, describing.Import(ctx, items))
	assert.False(t, generic(describing, search.Query{Text: "CR-0001"}))
}

// pages returns every hit of plan, page after page, as id and match.
func pages(t *testing.T, ctx context.Context, s org.Store, plan search.Plan) []string {
	t.Helper()
	var out []string
	for {
		res, err := s.Search(ctx, plan)
		require.NoError(t, err)
		require.LessOrEqual(t, len(res.Hits), plan.Limit+1)
		for _, h := range res.Hits[:min(len(res.Hits), plan.Limit)] {
			out = append(out, h.Organization.ID().String()+" "+h.Match.String())
		}
		if len(res.Hits) <= plan.Limit {
			return out
		}
		last := res.Hits[plan.Limit-1]
		pos := search.PositionOf(last.Match, last.Organization.SearchKeys().Name, last.Organization.ID().String())
		plan.After = &pos
	}
}

// TestNumberSearchFollowsRename checks that number search, which orders
// numbers by the name kept beside them, sees a rename: the renamed
// organization moves within the page, in both tiers, as in the memory
// store.
func TestNumberSearchFollowsRename(t *testing.T) {
	ctx := context.Background()
	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	var ins []org.CreateInput
	for i, name := range []string{"Bravo", "Charlie", "Delta", "Echo"} {
		ins = append(ins, org.CreateInput{Name: name, ManagedBy: ownership.ServiceProvider, Country: "GB",
			Numbers: []string{fmt.Sprintf("+44207946%04d", 10*i), fmt.Sprintf("+44207946%04d", 10*i+1)}})
	}
	items := imported(t, provider.ID, ins)
	mem, pg := memory.New(), newStore(t, sharedPool(t))
	stores := []org.Store{mem, pg}
	for _, s := range stores {
		require.NoError(t, s.(org.Importer).Import(ctx, items))
	}
	// Echo becomes Alpha, keeping one number and taking a new one.
	echo := items[3].Organization
	for _, s := range stores {
		_, err := s.Update(ctx, provider.ID, echo.ID(), func(cur *org.Organization) (org.Change, error) {
			next, ev, err := changed(cur, func(s org.Snapshot) org.Snapshot {
				s.Name = "Alpha"
				s.Numbers = []string{s.Numbers[0], "+442079460099"}
				return s
			})
			return org.Change{Organization: next, Event: ev}, err
		})
		require.NoError(t, err)
	}
	for _, text := range []string{"4420794600", "442079460030", "+44 20 7946 0099", "44207946"} {
		for _, limit := range []int{1, 2, 10} {
			plan, err := search.Compile(provider.ID.String(), search.Query{Text: text, Limit: limit})
			require.NoError(t, err)
			want := pages(t, ctx, mem, plan)
			require.NotEmpty(t, want, text)
			assert.Equal(t, want, pages(t, ctx, pg, plan), "%q limit %d", text, limit)
			if text == "44207946" {
				assert.Equal(t, echo.ID().String()+" prefix/number", want[0], "the renamed organization comes first")
			}
		}
	}
}

// TestSearchPageAfterExactRowsInPrefixSources pages, one hit at a time,
// past the prefix tier while the name-prefix source still finds the two
// organizations that matched exactly (by reference and by contract) on the
// first pages: the page after the cursor then holds none of the sources'
// rows, and the substring tier is read on its own.
func TestSearchPageAfterExactRowsInPrefixSources(t *testing.T) {
	ctx := context.Background()
	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	ins := []org.CreateInput{
		{Name: "abqz", CustomerReference: "abq"},
		{Name: "abqzz", ExternalContract: "abq"},
		{Name: "abqa"},
		{Name: "x abq"},
		{Name: "y abq"},
	}
	for i := range ins {
		ins[i].ManagedBy, ins[i].Country = ownership.ServiceProvider, "GB"
	}
	items := imported(t, provider.ID, ins)
	mem, pg := memory.New(), newStore(t, sharedPool(t))
	for _, s := range []org.Store{mem, pg} {
		require.NoError(t, s.(org.Importer).Import(ctx, items))
	}
	plan, err := search.Compile(provider.ID.String(), search.Query{Text: "abq", Limit: 1})
	require.NoError(t, err)
	want := pages(t, ctx, mem, plan)
	require.Len(t, want, 5)
	assert.Equal(t, want, pages(t, ctx, pg, plan))
}

// imported makes an organization of the provider for each input, with its
// "imported" event, ready for org.Importer.
func imported(t *testing.T, provider uuid.UUID, ins []org.CreateInput) []org.Imported {
	t.Helper()
	now := time.Now().UTC()
	items := make([]org.Imported, 0, len(ins))
	for _, in := range ins {
		o, err := org.New(provider, in, nil, now)
		require.NoError(t, err, in)
		s := o.Snapshot()
		items = append(items, org.Imported{Organization: o, Event: org.Event{ID: uuid.Must(uuid.NewV7()),
			OrganizationID: o.ID(), ProviderID: provider, Version: 1, Actor: org.ActorRef{Kind: "system", ID: "test"},
			Time: now, Type: org.EventImported, After: &s}})
	}
	return items
}
