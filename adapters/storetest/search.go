package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// searchFixture is a small provider whose hits for each query are known.
type searchFixture struct {
	*Bundle
	acme, acmeTelecom, fullWidth, beta, strasse, zeta, gamma, uuidNamed *org.Organization
}

func newSearchFixture(t *testing.T, newStore NewStore) *searchFixture {
	ctx := context.Background()
	b := Setup(t, newStore)
	f := &searchFixture{Bundle: b}
	mk := func(name, ref, contract string, numbers ...string) *org.Organization {
		in := ProviderInput(name)
		in.CustomerReference, in.ExternalContract, in.Numbers = ref, contract, numbers
		return b.MustCreate(t, b.Staff1, in)
	}
	f.acmeTelecom = mk("Acme Telecom", "ACME-001", "K-100", "+442079460001")
	f.acme = mk("Acme", "", "", "+442079460002")
	f.fullWidth = mk("ＡＣＭＥ Fullwidth", "", "")
	f.beta = mk("Beta acme Holdings", "", "ACME-001X")
	f.strasse = mk("Straße Networks", "STR-9", "", "+33142685300")
	f.zeta = mk("Zeta", "ZED", "", "+14155552671")
	var err error
	f.zeta, err = b.Service.SetBuyerTags(ctx, b.Staff1, f.zeta.ID(), []string{"vip"})
	require.NoError(t, err)
	f.zeta, err = b.Service.Suspend(ctx, b.Staff1, f.zeta.ID(), "audit")
	require.NoError(t, err)
	gin := CustomerInput("Gamma", "g@gamma.example")
	gin.BuyerTags = []string{"VIP", "Reseller"}
	f.gamma = b.MustCreate(t, b.Staff1, gin)
	f.uuidNamed = mk("Mentions "+f.acme.ID().String(), "", "")
	// Another provider's organizations must never appear.
	b.MustCreate(t, b.Staff2, ProviderInput("Acme"))
	return f
}

type hitWant struct {
	o     *org.Organization
	tier  search.Tier
	field search.Field
}

func (f *searchFixture) expect(t *testing.T, q org.SearchQuery, want ...hitWant) {
	t.Helper()
	q.Count = true
	res, err := f.Service.Search(context.Background(), f.Staff1, q)
	require.NoError(t, err)
	got := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		got[i] = fmt.Sprintf("%s %s/%s", h.Organization.Name(), h.Match.Tier, h.Match.Field)
	}
	exp := make([]string, len(want))
	for i, w := range want {
		exp[i] = fmt.Sprintf("%s %s/%s", w.o.Name(), w.tier, w.field)
	}
	assert.Equal(t, exp, got, "query %q", q.Text)
	require.NotNil(t, res.Count)
	assert.Equal(t, len(want), res.Count.N, "count for %q", q.Text)
}

func testSearch(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	f := newSearchFixture(t, newStore)
	E, P, S := search.TierExact, search.TierPrefix, search.TierSubstring

	t.Run("TiersFieldsAndOrder", func(t *testing.T) {
		// Exact first; within a tier by name fold key; each organization
		// once, at its best match, naming the field that matched.
		f.expect(t, org.SearchQuery{Text: "acme"},
			hitWant{f.acme, E, search.FieldName},
			hitWant{f.fullWidth, P, search.FieldName},
			hitWant{f.acmeTelecom, P, search.FieldCustomerReference},
			hitWant{f.beta, P, search.FieldExternalContract})
	})
	t.Run("FullWidthFoldsLikeASCII", func(t *testing.T) {
		f.expect(t, org.SearchQuery{Text: "ＡＣＭＥ"},
			hitWant{f.acme, E, search.FieldName},
			hitWant{f.fullWidth, P, search.FieldName},
			hitWant{f.acmeTelecom, P, search.FieldCustomerReference},
			hitWant{f.beta, P, search.FieldExternalContract})
	})
	t.Run("FullCaseFolding", func(t *testing.T) {
		f.expect(t, org.SearchQuery{Text: "strasse"}, hitWant{f.strasse, P, search.FieldName})
		f.expect(t, org.SearchQuery{Text: "STRASSE   networks"}, hitWant{f.strasse, E, search.FieldName})
	})
	t.Run("WhiteSpaceCollapses", func(t *testing.T) {
		f.expect(t, org.SearchQuery{Text: "  acme \t  telecom "}, hitWant{f.acmeTelecom, E, search.FieldName})
	})
	t.Run("UUIDIsOnlyAnID", func(t *testing.T) {
		f.expect(t, org.SearchQuery{Text: f.acme.ID().String()}, hitWant{f.acme, E, search.FieldID})
		f.expect(t, org.SearchQuery{Text: "  " + upper(f.acme.ID().String())}, hitWant{f.acme, E, search.FieldID})
		f.expect(t, org.SearchQuery{Text: uuid.NewString()})
		// An id found is still subject to the filters.
		zeta, gamma := f.zeta.ID().String(), f.gamma.ID().String()
		f.expect(t, org.SearchQuery{Text: zeta}, hitWant{f.zeta, E, search.FieldID})
		f.expect(t, org.SearchQuery{Text: zeta, Status: []org.Status{org.StatusActive}})
		f.expect(t, org.SearchQuery{Text: gamma, ManagedBy: []ownership.Type{ownership.Customer}, Tags: []string{"reseller"}},
			hitWant{f.gamma, E, search.FieldID})
		f.expect(t, org.SearchQuery{Text: gamma, ManagedBy: []ownership.Type{ownership.ServiceProvider}})
		f.expect(t, org.SearchQuery{Text: gamma, Tags: []string{"vip", "gold"}})
	})
	t.Run("Numbers", func(t *testing.T) {
		f.expect(t, org.SearchQuery{Text: "+44 (20) 7946-0001"}, hitWant{f.acmeTelecom, E, search.FieldNumber})
		f.expect(t, org.SearchQuery{Text: "4420 7946 000"},
			hitWant{f.acme, P, search.FieldNumber}, hitWant{f.acmeTelecom, P, search.FieldNumber})
		// Spaced, so that no text here is a substring of the random id in
		// uuidNamed's name.
		f.expect(t, org.SearchQuery{Text: "+33"}) // fewer than 3 digits: not a number
		f.expect(t, org.SearchQuery{Text: "33 1"}, hitWant{f.strasse, P, search.FieldNumber})
		f.expect(t, org.SearchQuery{Text: "79 46"}) // digits inside a number do not match
	})
	t.Run("ReferenceAndContract", func(t *testing.T) {
		f.expect(t, org.SearchQuery{Text: "acme-001"},
			hitWant{f.acmeTelecom, E, search.FieldCustomerReference},
			hitWant{f.beta, P, search.FieldExternalContract})
		f.expect(t, org.SearchQuery{Text: "k-100"}, hitWant{f.acmeTelecom, E, search.FieldExternalContract})
		f.expect(t, org.SearchQuery{Text: "str"}, // reference prefix beats name prefix
			hitWant{f.strasse, P, search.FieldCustomerReference})
		f.expect(t, org.SearchQuery{Text: "CME-001"}) // never a substring
	})
	t.Run("NameSubstringNeedsThreeCharacters", func(t *testing.T) {
		f.expect(t, org.SearchQuery{Text: "cm"})
		f.expect(t, org.SearchQuery{Text: "cme"},
			hitWant{f.acme, S, search.FieldName},
			hitWant{f.fullWidth, S, search.FieldName},
			hitWant{f.acmeTelecom, S, search.FieldName},
			hitWant{f.beta, S, search.FieldName})
		f.expect(t, org.SearchQuery{Text: "olding"}, hitWant{f.beta, S, search.FieldName})
	})
	t.Run("EmptyTextListsEverything", func(t *testing.T) {
		f.expect(t, org.SearchQuery{},
			hitWant{f.acme, E, search.FieldName},
			hitWant{f.fullWidth, E, search.FieldName},
			hitWant{f.acmeTelecom, E, search.FieldName},
			hitWant{f.beta, E, search.FieldName},
			hitWant{f.gamma, E, search.FieldName},
			hitWant{f.uuidNamed, E, search.FieldName},
			hitWant{f.strasse, E, search.FieldName},
			hitWant{f.zeta, E, search.FieldName})
	})
	t.Run("Filters", func(t *testing.T) {
		f.expect(t, org.SearchQuery{Status: []org.Status{org.StatusSuspended}}, hitWant{f.zeta, E, search.FieldName})
		f.expect(t, org.SearchQuery{ManagedBy: []ownership.Type{ownership.Customer}}, hitWant{f.gamma, E, search.FieldName})
		f.expect(t, org.SearchQuery{Tags: []string{"Vip"}},
			hitWant{f.gamma, E, search.FieldName}, hitWant{f.zeta, E, search.FieldName})
		f.expect(t, org.SearchQuery{Tags: []string{"vip", "RESELLER"}}, hitWant{f.gamma, E, search.FieldName})
		f.expect(t, org.SearchQuery{Text: "zed", Status: []org.Status{org.StatusActive}})
		f.expect(t, org.SearchQuery{Text: "zed", Status: []org.Status{org.StatusActive, org.StatusSuspended}},
			hitWant{f.zeta, E, search.FieldCustomerReference})
	})
	t.Run("Limits", func(t *testing.T) {
		_, err := f.Service.Search(ctx, f.Staff1, org.SearchQuery{Limit: search.MaxLimit + 1})
		require.ErrorIs(t, err, search.ErrInvalidQuery)
		_, err = f.Service.Search(ctx, f.Staff1, org.SearchQuery{Limit: -1})
		require.ErrorIs(t, err, search.ErrInvalidQuery)
	})
	t.Run("CursorIsBoundToProviderAndQuery", func(t *testing.T) {
		res, err := f.Service.Search(ctx, f.Staff1, org.SearchQuery{Text: "acme", Limit: 1})
		require.NoError(t, err)
		require.NotEmpty(t, res.Next)
		_, err = f.Service.Search(ctx, f.Staff1, org.SearchQuery{Text: "beta", Cursor: res.Next})
		require.ErrorIs(t, err, search.ErrInvalidCursor)
		_, err = f.Service.Search(ctx, f.Staff1, org.SearchQuery{Text: "acme", Tags: []string{"vip"}, Cursor: res.Next})
		require.ErrorIs(t, err, search.ErrInvalidCursor)
		_, err = f.Service.Search(ctx, f.Staff2, org.SearchQuery{Text: "acme", Cursor: res.Next})
		require.ErrorIs(t, err, search.ErrInvalidCursor)
		_, err = f.Service.Search(ctx, f.Staff1, org.SearchQuery{Text: "acme", Cursor: res.Next[:len(res.Next)-2]})
		require.ErrorIs(t, err, search.ErrInvalidCursor)
	})
	t.Run("ChangesAreSearchableAtOnce", func(t *testing.T) {
		b := Setup(t, newStore)
		o := b.MustCreate(t, b.Staff1, ProviderInput("Before Rename"))
		name := "After Rename"
		_, err := b.Service.Update(ctx, b.Staff1, o.ID(), org.Update{Name: &name})
		require.NoError(t, err)
		res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: "after rename"})
		require.NoError(t, err)
		require.Len(t, res.Hits, 1)
		assert.Equal(t, o.ID(), res.Hits[0].Organization.ID())
		res, err = b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: "before"})
		require.NoError(t, err)
		assert.Empty(t, res.Hits)
	})
	t.Run("DefaultLimit", func(t *testing.T) {
		b := Setup(t, newStore)
		for i := range search.DefaultLimit + 3 {
			b.MustCreate(t, b.Staff1, ProviderInput(fmt.Sprintf("Org %02d", i)))
		}
		res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: "org", Count: true})
		require.NoError(t, err)
		assert.Len(t, res.Hits, search.DefaultLimit)
		assert.NotEmpty(t, res.Next)
		assert.Equal(t, search.DefaultLimit+3, res.Count.N)
	})
	t.Run("PagingWhileOthersWrite", func(t *testing.T) { testPaging(t, newStore) })
	t.Run("SpecialCharactersMatchLiterally", func(t *testing.T) { testSpecialCharacters(t, newStore) })
}

// testSpecialCharacters searches for the wildcard and escape characters of
// SQL LIKE, Redis patterns and Lua, which must match only themselves.
func testSpecialCharacters(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	b := Setup(t, newStore)
	names := []string{"100% Fibre", "Under_Score", `Back\Slash`, "Star*Telecom", "[Bracket] Ltd", `Quote's "Co"`,
		"Glob?Net", "Caret^Hat", "Plain Name", "100 Fibre", "UnderXScore", "BackSlash"}
	for _, n := range names {
		in := ProviderInput(n)
		in.CustomerReference = "REF-" + n
		b.MustCreate(t, b.Staff1, in)
	}
	for _, q := range []string{"%", "_", `\`, "*", "[", "]", "'", `"`, "?", "^", "% f", "r_s", `k\s`, "*t", "[b", "ref-%", "ref-*"} {
		res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: q, Limit: 100})
		require.NoError(t, err)
		terms, err := search.ParseText(q)
		require.NoError(t, err)
		var want []string
		for _, n := range names {
			if _, ok := terms.Match(search.Keys{Name: search.Fold(n), CustomerReference: search.Fold("REF-" + n)}); ok {
				want = append(want, n)
			}
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Organization.Name())
		}
		assert.ElementsMatch(t, want, got, "query %q", q)
		for _, h := range res.Hits {
			assert.NotContains(t, []string{"Plain Name", "100 Fibre", "UnderXScore", "BackSlash"}, h.Organization.Name(), "query %q", q)
		}
	}
}

// testPaging pages through a provider while organizations are created,
// renamed and deleted between pages: no organization that kept its name is
// repeated or skipped.
func testPaging(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	b := Setup(t, newStore)
	var stable []uuid.UUID
	for i := range 30 {
		o := b.MustCreate(t, b.Staff1, ProviderInput(fmt.Sprintf("Page %02d", i)))
		stable = append(stable, o.ID())
	}
	mover := b.MustCreate(t, b.Staff1, ProviderInput("Page 15 mover"))
	doomed := b.MustCreate(t, b.Staff1, ProviderInput("Page 25 doomed"))

	seen := map[uuid.UUID]int{}
	var q org.SearchQuery
	q.Text, q.Limit = "page", 4
	for page := 0; ; page++ {
		res, err := b.Service.Search(ctx, b.Staff1, q)
		require.NoError(t, err)
		for _, h := range res.Hits {
			seen[h.Organization.ID()]++
		}
		switch page {
		case 1:
			b.MustCreate(t, b.Staff1, ProviderInput("Page 00 early")) // before the cursor
			b.MustCreate(t, b.Staff1, ProviderInput("Page 99 late"))  // after it
			name := "Page 00 moved back"
			_, err := b.Service.Update(ctx, b.Staff1, mover.ID(), org.Update{Name: &name})
			require.NoError(t, err)
		case 2:
			require.NoError(t, b.Service.Delete(ctx, b.Staff1, doomed.ID()))
		}
		if res.Next == "" {
			break
		}
		q.Cursor = res.Next
	}
	for _, id := range stable {
		assert.Equal(t, 1, seen[id], "every unchanged organization exactly once")
	}
	for id, n := range seen {
		assert.Equal(t, 1, n, "organization %s repeated", id)
	}
	assert.Zero(t, seen[doomed.ID()], "deleted before its page")
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
