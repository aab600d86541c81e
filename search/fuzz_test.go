package search_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/search"
)

// hostile is seed input for every fuzz target: injection attempts against
// the stores' query languages, broken encodings, control characters,
// oversized input and look-alike Unicode.
var hostile = []string{
	"",
	"acme",
	"Straße",
	"ＡＣＭＥ",
	"+1 (555) 010-0199",
	"１２３",
	idA,
	strings.ToUpper(idA),
	"' OR 1=1 --",
	"'; DROP TABLE organizations; --",
	"%_\\",
	"acme%' ESCAPE '\\",
	"\"]]) redis.call('FLUSHALL') --[[",
	"*\r\n$8\r\nFLUSHALL\r\n",
	"{a}:*",
	"acme\xff\xfe",
	"\xc3\x28",
	"acme\x00corp",
	"\x1b[2J",
	"\u0085\u2028\u2029\u200b\ufeff",
	"аcme", // Cyrillic а
	"ﬁ\u0301ß\u0130\u0345\u03a3",
	"ǅ\u1e9e\u2126\uff21\u3000",
	"e\u0301\u0327\u0300",
	strings.Repeat("a", search.MaxTextBytes+1),
	strings.Repeat("ﷺ", 200),
	strings.Repeat(" ", 10000),
}

func FuzzParseText(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		folded := search.Fold(text)
		require.Equal(t, folded, search.Fold(folded), "Fold is idempotent")
		require.True(t, utf8.ValidString(folded))
		require.Equal(t, strings.TrimSpace(folded), folded)
		require.NotContains(t, folded, "  ")

		terms, err := search.ParseText(text)
		if err != nil {
			require.ErrorIs(t, err, search.ErrInvalidQuery)
			require.Equal(t, search.Terms{}, terms)
			return
		}
		require.LessOrEqual(t, len(strings.TrimSpace(text)), search.MaxTextBytes)
		require.Equal(t, folded, terms.Fold)
		require.Equal(t, terms.Fold == "", terms.Empty())
		if terms.ID != "" {
			require.Len(t, terms.ID, 36)
			require.Equal(t, strings.ToLower(terms.ID), terms.ID)
			require.Empty(t, terms.Digits)
		}
		if terms.Digits != "" {
			require.GreaterOrEqual(t, len(terms.Digits), 3)
			require.Equal(t, strings.Trim(terms.Digits, "0123456789"), "")
		}

		// Text always finds an organization whose keys are that text.
		k := search.Keys{ID: idA, Name: terms.Fold, CustomerReference: terms.Fold, ExternalContract: terms.Fold}
		if terms.ID != "" {
			k.ID = terms.ID
		}
		m, ok := terms.Match(k)
		require.True(t, ok)
		require.Equal(t, search.TierExact, m.Tier)

		// And the text parses the same way once folded, unless it was a UUID
		// or folding made it too long.
		again, err := search.ParseText(folded)
		if err == nil && terms.ID == "" {
			assert.Equal(t, terms, again)
		}
	})
}

func FuzzCompileCursor(f *testing.F) {
	plan, err := search.Compile(provider, search.Query{Text: "acme"})
	require.NoError(f, err)
	f.Add("acme", "gold", plan.Cursor(search.Position{Tier: search.TierPrefix, Name: "acme", ID: idA}))
	for _, s := range hostile {
		f.Add(s, s, s)
	}
	f.Fuzz(func(t *testing.T, text, tag, cursor string) {
		q := search.Query{Text: text, Filter: search.Filter{Tags: []string{tag}, Status: []string{tag}}, Cursor: cursor}
		p, err := search.Compile(provider, q)
		if err != nil {
			require.ErrorIs(t, err, search.ErrInvalidQuery)
			return
		}
		require.Equal(t, search.DefaultLimit, p.Limit)

		// A cursor of this plan round trips, and no other provider takes it.
		pos := search.Position{Tier: search.TierSubstring, Name: search.Fold(text), ID: tag}
		if !utf8.ValidString(tag) {
			pos.ID = idA
		}
		q.Cursor = p.Cursor(pos)
		next, err := search.Compile(provider, q)
		require.NoError(t, err)
		require.NotNil(t, next.After)
		require.Equal(t, pos, *next.After)
		require.False(t, next.Includes(pos))

		_, err = search.Compile(provider+"x", q)
		require.ErrorIs(t, err, search.ErrInvalidCursor)
	})
}
