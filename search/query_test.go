package search_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/search"
)

const provider = "provider-1"

func TestPositionCompare(t *testing.T) {
	t.Parallel()
	// In result order: tier, then name fold key bytes, then id bytes.
	order := []search.Position{
		{Tier: search.TierExact, Name: "", ID: idA},
		{Tier: search.TierExact, Name: "acme", ID: idA},
		{Tier: search.TierExact, Name: "acme", ID: idB},
		{Tier: search.TierExact, Name: "acme corp", ID: idA},
		{Tier: search.TierExact, Name: "zeta", ID: idA},
		{Tier: search.TierExact, Name: "ångström", ID: idA}, // bytes, not collation: "å" > "z"
		{Tier: search.TierPrefix, Name: "aardvark", ID: idA},
		{Tier: search.TierSubstring, Name: "", ID: idA},
	}
	for i, p := range order {
		assert.Equal(t, 0, p.Compare(p))
		for _, q := range order[i+1:] {
			assert.Equal(t, -1, p.Compare(q), "%v before %v", p, q)
			assert.Equal(t, 1, q.Compare(p), "%v after %v", q, p)
		}
	}
	assert.Equal(t, search.Position{Tier: search.TierPrefix, Name: "acme", ID: idA},
		search.PositionOf(prefix(search.FieldNumber), "acme", idA))
}

func TestSortHits(t *testing.T) {
	t.Parallel()
	hits := []search.Hit[string]{
		{Value: "c", Position: search.Position{Tier: search.TierSubstring, Name: "a", ID: idA}},
		{Value: "b", Position: search.Position{Tier: search.TierExact, Name: "b", ID: idA}},
		{Value: "a2", Position: search.Position{Tier: search.TierExact, Name: "a", ID: idB}},
		{Value: "a1", Position: search.Position{Tier: search.TierExact, Name: "a", ID: idA}},
	}
	search.SortHits(hits)
	var got []string
	for _, h := range hits {
		got = append(got, h.Value)
	}
	assert.Equal(t, []string{"a1", "a2", "b", "c"}, got)
}

func TestFilterAccept(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		f         search.Filter
		status    string
		managedBy string
		tags      []string
		want      bool
	}{
		{"ZeroAcceptsAll", search.Filter{}, "closed", "customer", nil, true},
		{"StatusIn", search.Filter{Status: []string{"active", "suspended"}}, "suspended", "sp", nil, true},
		{"StatusOut", search.Filter{Status: []string{"active", "suspended"}}, "closed", "sp", nil, false},
		{"ManagedByIn", search.Filter{ManagedBy: []string{"sp"}}, "active", "sp", nil, true},
		{"ManagedByOut", search.Filter{ManagedBy: []string{"sp"}}, "active", "customer", nil, false},
		{"AllTagsCarried", search.Filter{Tags: []string{"gold", "emea"}}, "active", "sp", []string{"emea", "vip", "gold"}, true},
		{"OneTagMissing", search.Filter{Tags: []string{"gold", "emea"}}, "active", "sp", []string{"gold"}, false},
		{"NoTagsCarried", search.Filter{Tags: []string{"gold"}}, "active", "sp", nil, false},
		{"AllConditions", search.Filter{Status: []string{"active"}, ManagedBy: []string{"sp"}, Tags: []string{"gold"}}, "active", "sp", []string{"gold"}, true},
		{"AllButStatus", search.Filter{Status: []string{"active"}, ManagedBy: []string{"sp"}, Tags: []string{"gold"}}, "closed", "sp", []string{"gold"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.f.Accept(tt.status, tt.managedBy, tt.tags))
		})
	}
}

func TestCompile(t *testing.T) {
	t.Parallel()

	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		p, err := search.Compile(provider, search.Query{})
		require.NoError(t, err)
		assert.Equal(t, search.Plan{ProviderID: provider, Limit: search.DefaultLimit}, p)
		assert.True(t, p.Terms.Empty())
		assert.Nil(t, p.After)
	})

	t.Run("Limit", func(t *testing.T) {
		t.Parallel()
		for in, want := range map[int]int{0: search.DefaultLimit, 1: 1, 50: 50, search.MaxLimit: search.MaxLimit} {
			p, err := search.Compile(provider, search.Query{Limit: in})
			require.NoError(t, err)
			assert.Equal(t, want, p.Limit)
		}
		for _, bad := range []int{-1, search.MaxLimit + 1, 1 << 40} {
			_, err := search.Compile(provider, search.Query{Limit: bad})
			require.ErrorIs(t, err, search.ErrInvalidQuery)
			assert.Contains(t, err.Error(), "limit")
		}
	})

	t.Run("FilterNormalized", func(t *testing.T) {
		t.Parallel()
		p, err := search.Compile(provider, search.Query{Filter: search.Filter{
			Status:    []string{"suspended", "active", "suspended"},
			ManagedBy: []string{"sp", "sp"},
			Tags:      []string{" VIP ", "ＧＯＬＤ", "vip", "Straße"},
		}})
		require.NoError(t, err)
		assert.Equal(t, search.Filter{
			Status:    []string{"active", "suspended"},
			ManagedBy: []string{"sp"},
			Tags:      []string{"gold", "strasse", "vip"},
		}, p.Filter)
	})

	t.Run("FilterDoesNotAliasQuery", func(t *testing.T) {
		t.Parallel()
		status := []string{"b", "a"}
		_, err := search.Compile(provider, search.Query{Filter: search.Filter{Status: status}})
		require.NoError(t, err)
		assert.Equal(t, []string{"b", "a"}, status)
	})

	t.Run("Refuses", func(t *testing.T) {
		t.Parallel()
		for name, tc := range map[string]struct {
			provider string
			q        search.Query
		}{
			"NoProvider":   {"", search.Query{}},
			"BadText":      {provider, search.Query{Text: "a\x00"}},
			"LongText":     {provider, search.Query{Text: strings.Repeat("x", 300)}},
			"EmptyTag":     {provider, search.Query{Filter: search.Filter{Tags: []string{"  "}}}},
			"BadTag":       {provider, search.Query{Filter: search.Filter{Tags: []string{"\xff"}}}},
			"ControlInTag": {provider, search.Query{Filter: search.Filter{Tags: []string{"a\x1b"}}}},
		} {
			_, err := search.Compile(tc.provider, tc.q)
			require.ErrorIs(t, err, search.ErrInvalidQuery, name)
			assert.NotErrorIs(t, err, search.ErrInvalidCursor, name)
		}
	})

	t.Run("Count", func(t *testing.T) {
		t.Parallel()
		p, err := search.Compile(provider, search.Query{Count: true})
		require.NoError(t, err)
		assert.True(t, p.Count)
	})
}

func TestCursor(t *testing.T) {
	t.Parallel()
	q := search.Query{
		Text:   "Acme",
		Filter: search.Filter{Status: []string{"active", "suspended"}, Tags: []string{"Gold"}},
		Limit:  10,
	}
	first, err := search.Compile(provider, q)
	require.NoError(t, err)
	assert.True(t, first.Includes(search.Position{Tier: search.TierExact}))

	last := search.Position{Tier: search.TierPrefix, Name: "acme straße", ID: idA}
	cursor := first.Cursor(last)
	assert.NotContains(t, cursor, "acme", "cursor is opaque")

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		next := q
		next.Cursor = cursor
		p, err := search.Compile(provider, next)
		require.NoError(t, err)
		require.NotNil(t, p.After)
		assert.Equal(t, last, *p.After)
		assert.False(t, p.Includes(last), "the last hit shown is not repeated")
		assert.False(t, p.Includes(search.Position{Tier: search.TierExact, Name: "zzz", ID: idB}))
		assert.False(t, p.Includes(search.Position{Tier: search.TierPrefix, Name: "acme", ID: idB}))
		assert.True(t, p.Includes(search.Position{Tier: search.TierPrefix, Name: "acme straße", ID: idB}))
		assert.True(t, p.Includes(search.Position{Tier: search.TierPrefix, Name: "acme z", ID: idA}))
		assert.True(t, p.Includes(search.Position{Tier: search.TierSubstring, Name: "", ID: ""}))
	})

	t.Run("SameQueryWrittenDifferently", func(t *testing.T) {
		t.Parallel()
		// Same fold key, same filter after normalization; limit and count differ.
		next := search.Query{
			Text:   "  ACME ",
			Filter: search.Filter{Status: []string{"suspended", "active"}, Tags: []string{"GOLD", "gold"}},
			Limit:  50,
			Count:  true,
			Cursor: cursor,
		}
		p, err := search.Compile(provider, next)
		require.NoError(t, err)
		assert.Equal(t, last, *p.After)
	})

	t.Run("AllPositions", func(t *testing.T) {
		t.Parallel()
		for _, pos := range []search.Position{
			{Tier: search.TierExact},
			{Tier: search.TierSubstring, Name: strings.Repeat("ß", 500), ID: idB},
			{Tier: search.TierPrefix, Name: "日本語 名前", ID: idB},
		} {
			p, err := search.Compile(provider, search.Query{Text: q.Text, Filter: q.Filter, Cursor: first.Cursor(pos)})
			require.NoError(t, err)
			assert.Equal(t, pos, *p.After)
		}
	})

	refused := map[string]struct {
		provider string
		q        search.Query
	}{
		"OtherProvider": {"provider-2", q},
		"OtherText":     {provider, search.Query{Text: "Acme Corp", Filter: q.Filter}},
		"EmptyText":     {provider, search.Query{Filter: q.Filter}},
		"OtherStatus":   {provider, search.Query{Text: q.Text, Filter: search.Filter{Status: []string{"active"}, Tags: q.Filter.Tags}}},
		"OtherManagedBy": {provider, search.Query{Text: q.Text, Filter: search.Filter{
			Status: q.Filter.Status, ManagedBy: []string{"sp"}, Tags: q.Filter.Tags}}},
		"OtherTags":  {provider, search.Query{Text: q.Text, Filter: search.Filter{Status: q.Filter.Status, Tags: []string{"gold", "vip"}}}},
		"NoTags":     {provider, search.Query{Text: q.Text, Filter: search.Filter{Status: q.Filter.Status}}},
		"ListsMoved": {provider, search.Query{Text: q.Text, Filter: search.Filter{ManagedBy: q.Filter.Status, Tags: q.Filter.Tags}}},
	}
	for name, tc := range refused {
		t.Run("Refused"+name, func(t *testing.T) {
			t.Parallel()
			tc.q.Cursor = cursor
			_, err := search.Compile(tc.provider, tc.q)
			require.ErrorIs(t, err, search.ErrInvalidCursor)
			require.ErrorIs(t, err, search.ErrInvalidQuery)
		})
	}

	garbage := map[string]string{
		"NotBase64":     "!!!not-a-cursor!!!",
		"StdBase64":     strings.ReplaceAll(strings.ReplaceAll(cursor, "-", "+"), "_", "/") + "==",
		"Truncated":     cursor[:len(cursor)-3],
		"TruncatedHead": cursor[:6],
		"Extended":      cursor + "AAAA",
		"Huge":          strings.Repeat("A", 1<<20),
		"SQL":           "'; DROP TABLE organizations; --",
		"Lua":           "\"]]) redis.call('FLUSHALL') --",
		"Spaces":        " " + cursor,
	}
	for i := range cursor {
		// Change one character at a time: every change is refused, even in
		// the spare bits of the last character.
		b := []byte(cursor)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		garbage[fmt.Sprintf("Tampered%02d", i)] = string(b)
	}
	for name, c := range garbage {
		t.Run("Garbage"+name, func(t *testing.T) {
			t.Parallel()
			next := q
			next.Cursor = c
			_, err := search.Compile(provider, next)
			require.ErrorIs(t, err, search.ErrInvalidCursor)
		})
	}
}

func TestCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int
		want search.Count
		text string
	}{
		{0, search.Count{N: 0}, "0"},
		{42, search.Count{N: 42}, "42"},
		{999, search.Count{N: 999}, "999"},
		{1234, search.Count{N: 1234}, "1,234"},
		{search.CountCap, search.Count{N: search.CountCap}, "10,000"},
		{search.CountCap + 1, search.Count{N: search.CountCap, AtLeast: true}, "10,000 or more"},
		{1 << 40, search.Count{N: search.CountCap, AtLeast: true}, "10,000 or more"},
		{-5, search.Count{}, "0"},
	}
	for _, tt := range tests {
		got := search.CountOf(tt.n)
		assert.Equal(t, tt.want, got, "CountOf(%d)", tt.n)
		assert.Equal(t, tt.text, got.String(), "CountOf(%d)", tt.n)
	}
	assert.Equal(t, "1,000,000", search.Count{N: 1000000}.String())
}
