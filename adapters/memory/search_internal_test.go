package memory

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// reference answers a plan by brute force over every organization, as the
// store did before it had indexes: the semantics the indexes must keep.
func reference(orgs []refOrg, plan search.Plan) ([]org.Hit, int) {
	var hits []search.Hit[*org.Organization]
	total := 0
	for _, ro := range orgs {
		o := ro.o
		m, ok := plan.Terms.Match(ro.keys)
		if !ok || !plan.Filter.Accept(o.Status().String(), o.ManagedBy().String(), ro.tags) {
			continue
		}
		total++
		pos := search.PositionOf(m, ro.keys.Name, ro.keys.ID)
		if plan.Includes(pos) {
			hits = append(hits, search.Hit[*org.Organization]{Value: o, Match: m, Position: pos})
		}
	}
	search.SortHits(hits)
	hits = hits[:min(len(hits), plan.Limit+1)]
	out := make([]org.Hit, len(hits))
	for i, h := range hits {
		out[i] = org.Hit{Organization: h.Value, Match: h.Match}
	}
	return out, total
}

// refOrg is an organization with its keys computed once.
type refOrg struct {
	o    *org.Organization
	keys search.Keys
	tags []string
}

// TestSearchMatchesReference loads generated organizations, changes some
// of them (renames, new tags and numbers, suspensions, deletions, new
// organizations in freed slots) and checks that indexed search returns the
// same hits in the same order, and the same count, as brute force, for
// queries of every kind drawn from the data plus short and odd ones, page
// after page.
func TestSearchMatchesReference(t *testing.T) {
	ctx := context.Background()
	const n = 1500
	provider := org.Provider{ID: uuid.MustParse("0192f0c4-0000-7000-8000-00000000000a"), AdminOrganizationID: uuid.New()}
	g := datagen.New(11, provider.ID)

	st := New()
	require.NoError(t, g.Batches(ctx, n, 500, func(_ int, items []org.Imported) error {
		return st.Import(ctx, items)
	}))
	svc := org.NewService(st, org.NewProviderSet(provider))
	staff := org.Staff(provider.ID, "staff", ownership.Admin, true)
	r := rand.New(rand.NewPCG(7, 8))

	// Change a tenth of the organizations.
	for range n / 10 {
		id := g.ID(r.IntN(n))
		var err error
		switch r.IntN(6) {
		case 0:
			name := fmt.Sprintf("Renamed Organization Holdings %d Straße", r.IntN(100))
			_, err = svc.Update(ctx, staff, id, org.Update{Name: &name})
		case 1:
			_, err = svc.SetBuyerTags(ctx, staff, id, []string{datagen.Tags[r.IntN(len(datagen.Tags))], "Extra"})
		case 2:
			_, err = svc.AssignNumber(ctx, staff, id, fmt.Sprintf("+1415555%04d", r.IntN(10000)))
		case 3:
			_, err = svc.Suspend(ctx, staff, id, "audit")
		case 4:
			err = svc.Delete(ctx, staff, id)
		default:
			ref := fmt.Sprintf("CUST-%04d", r.IntN(10000))
			_, err = svc.Update(ctx, staff, id, org.Update{CustomerReference: &ref})
		}
		if err != nil && !isExpected(err) {
			require.NoError(t, err)
		}
	}
	for k := range 30 {
		_, err := svc.Create(ctx, staff, org.CreateInput{Name: fmt.Sprintf("Neue Straße %d", k), ManagedBy: ownership.ServiceProvider,
			BuyerTags: []string{"VIP"}})
		require.NoError(t, err)
	}

	// Imports left pending in the search indexes until the next
	// search: a merge, then a few linked one by one.
	var items []org.Imported
	for i := n; i < n+200; i++ {
		it, err := g.Imported(i)
		require.NoError(t, err)
		items = append(items, it)
	}
	require.NoError(t, st.Import(ctx, items[:190]))
	_, err := st.Search(ctx, search.Plan{ProviderID: provider.ID.String(), Limit: 1})
	require.NoError(t, err)
	require.NoError(t, st.Import(ctx, items[190:]))

	var orgs []refOrg
	require.NoError(t, st.Walk(ctx, provider.ID, org.Visitor{Organization: func(s org.Snapshot) error {
		o, err := org.Rehydrate(s)
		if err == nil {
			orgs = append(orgs, refOrg{o, o.SearchKeys(), o.TagKeys()})
		}
		return err
	}}))

	var queries []search.Query
	for _, kind := range datagen.Kinds {
		for _, q := range g.Queries(kind, 60, n) {
			queries = append(queries, search.Query{Text: q.Text, Filter: search.Filter{Tags: q.Tags}})
		}
	}
	for _, text := range []string{"", "a", "st", "str", "straße", "strasse", "gmbh", "ltd", "телеком", "通信", "ｓｏｌ",
		"44", "+44 7400", "1", "123", "cust-", "cust", "ec/202", "renamed", "renamed 1", "organization", "anization 1", "holdings 4", "neue", "44 7400 1", "(+49) 151-2", "1415", "+1 41", "+1 (646) 5"} {
		queries = append(queries, search.Query{Text: text})
	}
	statuses := [][]string{nil, {"suspended"}, {"active"}}
	managed := [][]string{nil, {"customer"}, {"service_provider"}}
	for i := range queries {
		if r.IntN(4) == 0 {
			queries[i].Filter.Status = statuses[r.IntN(len(statuses))]
			queries[i].Filter.ManagedBy = managed[r.IntN(len(managed))]
		}
		if r.IntN(8) == 0 {
			queries[i].Filter.Tags = append(queries[i].Filter.Tags, datagen.Tags[r.IntN(len(datagen.Tags))])
		}
	}

	for _, sq := range queries {
		sq.Limit = []int{1, 3, 20, 100}[r.IntN(4)]
		sq.Count = true
		plan, err := search.Compile(provider.ID.String(), sq)
		require.NoError(t, err)
		for page := 0; page < 4; page++ {
			want, wantTotal := reference(orgs, plan)
			got, err := st.Search(ctx, plan)
			require.NoError(t, err)
			require.Equal(t, search.CountOf(wantTotal), *got.Count, "count of %+v", sq)
			require.Equal(t, hitIDs(want), hitIDs(got.Hits), "query %+v page %d", sq, page)
			if len(want) <= plan.Limit {
				break
			}
			last := want[plan.Limit-1]
			after := search.PositionOf(last.Match, last.Organization.NameFold(), last.Organization.ID().String())
			plan.After = &after
		}
	}
}

func isExpected(err error) bool {
	return errors.Is(err, org.ErrDuplicate) || errors.Is(err, org.ErrNotFound) || errors.Is(err, org.ErrInvalid) ||
		errors.Is(err, org.ErrSuspended) || errors.Is(err, org.ErrPermission) || errors.Is(err, org.ErrTransition)
}

func hitIDs(hits []org.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Organization.ID().String() + " " + h.Match.String()
	}
	return slices.Clip(out)
}
