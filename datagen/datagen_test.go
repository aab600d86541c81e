package datagen_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/internal/phone"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

var provider = uuid.MustParse("0192f0c4-0000-7000-8000-000000000001")

func TestSameSeedSameData(t *testing.T) {
	t.Parallel()
	a, b := datagen.New(7, provider), datagen.New(7, provider)
	other := datagen.New(8, provider)
	for _, i := range []int{0, 1, 999, 123456} {
		x, err := a.Imported(i)
		require.NoError(t, err)
		y, err := b.Imported(i)
		require.NoError(t, err)
		assert.Equal(t, x.Organization.Snapshot(), y.Organization.Snapshot())
		assert.Equal(t, x.Event, y.Event)
		z, err := other.Organization(i)
		require.NoError(t, err)
		assert.NotEqual(t, x.Organization.ID(), z.ID(), "another seed gives other ids")
	}
}

// TestData checks a few thousand organizations against every promise of the
// package doc.
func TestData(t *testing.T) {
	t.Parallel()
	const n = 2000
	g := datagen.New(1, provider)
	numbers := map[string]int{}
	refs := map[string]int{}
	contracts := map[string]int{}
	ids := map[uuid.UUID]bool{}
	managed := map[ownership.Type]int{}
	scripts := map[string]int{}
	var prevTime int64
	members, extraMembers, withRef, withContract, withTags := 0, 0, 0, 0, 0
	for i := range n {
		it, err := g.Imported(i)
		require.NoError(t, err)
		o := it.Organization
		assert.Equal(t, provider, o.ProviderID())
		assert.Equal(t, uuid.Version(7), o.ID().Version())
		sec, _ := o.ID().Time().UnixTime()
		assert.Equal(t, o.CreatedAt().Unix(), sec, "the id's timestamp is the creation time")
		assert.Greater(t, o.CreatedAt().UnixNano(), prevTime, "creation times rise with i")
		prevTime = o.CreatedAt().UnixNano()
		assert.Equal(t, g.ID(i), o.ID())
		for _, id := range append([]uuid.UUID{o.ID(), it.Event.ID}, memberIDs(o)...) {
			assert.False(t, ids[id], "id %s made twice", id)
			ids[id] = true
		}

		require.Len(t, o.Numbers(), datagen.NumbersPerOrganization)
		assert.ElementsMatch(t, g.Numbers(i), o.Numbers())
		for _, num := range o.Numbers() {
			e, err := phone.E164(num, "")
			require.NoError(t, err, num)
			assert.Equal(t, num, e)
			if j, ok := numbers[num]; ok {
				t.Fatalf("number %s held by organizations %d and %d", num, j, i)
			}
			numbers[num] = i
		}
		if r := o.CustomerReference(); r != "" {
			withRef++
			k := search.Fold(r)
			require.NotContains(t, refs, k)
			refs[k] = i
		}
		if c := o.ExternalContract(); c != "" {
			withContract++
			k := search.Fold(c)
			require.NotContains(t, contracts, k)
			contracts[k] = i
		}
		if len(o.BuyerTags()) > 0 {
			withTags++
		}
		for _, tag := range o.BuyerTags() {
			assert.Contains(t, datagen.Tags, tag)
		}
		managed[o.ManagedBy()]++
		if o.ManagedBy() == ownership.Customer {
			require.NotNil(t, o.Owner().Member)
			b, ok := o.Billing()
			require.True(t, ok)
			assert.Equal(t, o.Owner().Member.Email, b.Email)
			extraMembers += len(o.Members()) - 1
		} else {
			assert.Nil(t, o.Owner().Member)
			extraMembers += len(o.Members())
		}
		members += len(o.Members())
		for _, s := range scriptsOf(o.Name()) {
			scripts[s]++
		}

		assert.Equal(t, org.EventImported, it.Event.Type)
		assert.Equal(t, datagen.Actor, it.Event.Actor)
		assert.Equal(t, o.ID(), it.Event.OrganizationID)
		assert.Equal(t, int64(1), it.Event.Version)
		require.NotNil(t, it.Event.After)
		assert.Equal(t, o.Snapshot(), *it.Event.After)
		assert.Nil(t, it.Event.Before)
	}
	t.Logf("managed: %v, scripts: %v, members: %d", managed, scripts, members)
	assert.Greater(t, managed[ownership.Customer], n/2)
	assert.Greater(t, managed[ownership.ServiceProvider], n/5)
	assert.Greater(t, extraMembers, n/2)
	assert.Greater(t, withRef, n*7/10)
	assert.Greater(t, withContract, n/2)
	assert.Greater(t, withTags, n/2)
	for _, s := range []string{"latin-diacritic", "sharp-s", "cyrillic", "greek", "han", "kana", "hangul", "arabic", "full-width"} {
		assert.Greater(t, scripts[s], n/200, "names in %s", s)
	}
}

func memberIDs(o *org.Organization) []uuid.UUID {
	var ids []uuid.UUID
	for _, m := range o.Members() {
		ids = append(ids, m.ID)
	}
	return ids
}

func scriptsOf(name string) []string {
	var out []string
	add := func(s string) {
		for _, x := range out {
			if x == s {
				return
			}
		}
		out = append(out, s)
	}
	for _, r := range name {
		switch {
		case r == 'ß':
			add("sharp-s")
		case r >= 0xff01 && r <= 0xff5e:
			add("full-width")
		case r > 0x7f && unicode.Is(unicode.Latin, r):
			add("latin-diacritic")
		case unicode.Is(unicode.Cyrillic, r):
			add("cyrillic")
		case unicode.Is(unicode.Greek, r):
			add("greek")
		case unicode.Is(unicode.Han, r):
			add("han")
		case unicode.Is(unicode.Katakana, r):
			add("kana")
		case unicode.Is(unicode.Hangul, r):
			add("hangul")
		case unicode.Is(unicode.Arabic, r):
			add("arabic")
		}
	}
	return out
}

// TestNumberPlans checks numbers drawn from all over the data set, far
// beyond what TestData makes, against libphonenumber.
func TestNumberPlans(t *testing.T) {
	t.Parallel()
	g := datagen.New(3, provider)
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		i := r.IntN(datagen.MaxOrganizations)
		for _, num := range g.Numbers(i) {
			e, err := phone.E164(num, "")
			require.NoError(t, err, "organization %d: %s", i, num)
			assert.Equal(t, num, e)
		}
	}
}

// TestQueriesFind checks that every drawn query finds the organization it
// was drawn from, by the reference semantics of package search.
func TestQueriesFind(t *testing.T) {
	t.Parallel()
	const orgs = 2000
	g := datagen.New(5, provider)
	for _, kind := range datagen.Kinds {
		t.Run(kind.String(), func(t *testing.T) {
			t.Parallel()
			qs := g.Queries(kind, 150, orgs)
			require.Len(t, qs, 150)
			assert.Equal(t, qs, g.Queries(kind, 150, orgs), "queries are repeatable")
			for _, q := range qs {
				require.Less(t, q.Org, orgs)
				o, err := g.Organization(q.Org)
				require.NoError(t, err)
				plan, err := search.Compile(provider.String(), search.Query{Text: q.Text, Filter: search.Filter{Tags: q.Tags}})
				require.NoError(t, err, "query %q", q.Text)
				m, ok := plan.Terms.Match(o.SearchKeys())
				require.True(t, ok, "query %q does not find %q", q.Text, o.Name())
				assert.True(t, plan.Filter.Accept(o.Status().String(), o.ManagedBy().String(), o.TagKeys()))
				want := map[datagen.Kind]search.Field{
					datagen.KindID: search.FieldID, datagen.KindNumber: search.FieldNumber,
					datagen.KindNumberPrefix: search.FieldNumber, datagen.KindReference: search.FieldCustomerReference,
					datagen.KindContract: search.FieldExternalContract, datagen.KindNamePrefix: search.FieldName,
					datagen.KindNameSubstring: search.FieldName, datagen.KindTags: search.FieldName,
				}[kind]
				assert.Equal(t, want, m.Field, "query %q on %q", q.Text, o.Name())
				if kind == datagen.KindNameSubstring {
					assert.GreaterOrEqual(t, len([]rune(strings.TrimSpace(q.Text))), 3)
				}
			}
		})
	}
}

func TestBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g := datagen.New(9, provider)
	next := 0
	err := g.Batches(ctx, 250, 64, func(first int, items []org.Imported) error {
		require.Equal(t, next, first, "batches arrive in order")
		for k, it := range items {
			want, err := g.Imported(first + k)
			require.NoError(t, err)
			require.Equal(t, want.Organization.Snapshot(), it.Organization.Snapshot())
		}
		next += len(items)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 250, next)

	stop := errors.New("stop")
	calls := 0
	err = g.Batches(ctx, 1000, 10, func(int, []org.Imported) error { calls++; return stop })
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, calls)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	assert.ErrorIs(t, g.Batches(cancelled, 1000, 10, func(int, []org.Imported) error { return nil }), context.Canceled)
	assert.Error(t, g.Batches(ctx, 10, 0, nil))
	assert.Error(t, g.Batches(ctx, datagen.MaxOrganizations+1, 10, nil))
}

func TestKindString(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, k := range datagen.Kinds {
		s := k.String()
		assert.False(t, seen[s] || strings.HasPrefix(s, "Kind("), "%v", k)
		seen[s] = true
	}
	assert.Equal(t, "Kind(0)", fmt.Sprint(datagen.Kind(0)))
}

func BenchmarkImported(b *testing.B) {
	g := datagen.New(1, provider)
	i := 0
	for b.Loop() {
		if _, err := g.Imported(i % datagen.MaxOrganizations); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
