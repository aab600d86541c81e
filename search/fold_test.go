package search_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/orgkit/orgkit/search"
)

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"Empty", "", ""},
		{"OnlySpace", " \t\n\u3000 ", ""},
		{"ASCIICase", "Acme Corp", "acme corp"},
		{"FullWidthNFKC", "ＡＣＭＥ", "acme"},
		{"FullWidthMatchesASCII", "Ａｃｍｅ", "acme"},
		{"SharpS", "Straße", "strasse"},
		{"CapitalSharpS", "STRASSE", "strasse"},
		{"Ligature", "ﬁnance", "finance"},
		{"GreekFinalSigma", "ΟΔΟΣ", "οδοσ"},
		{"CollapseRuns", "  Acme \t\n  Corp  ", "acme corp"},
		{"IdeographicAndNoBreakSpace", "Acme\u3000\u00a0Corp", "acme corp"},
		{"ComposedAccent", "Cafe\u0301", "café"},
		{"Digits", "+1 (555) 010-0199", "+1 (555) 010-0199"},
		{"FullWidthDigits", "１２３", "123"},
		{"CherokeeCapital", "00000000\u13ea", "00000000\u13ea"},
		{"CherokeeSmallFoldsToCapital", "\uabba\u13f8", "\u13ea\u13f0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := search.Fold(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, got, search.Fold(got), "Fold is idempotent")
		})
	}
}

func TestRuns(t *testing.T) {
	for _, tt := range []struct {
		s    string
		n    int
		want []string
	}{
		{"", 3, nil},
		{"ab", 3, nil},
		{"abc", 0, nil},
		{"aaaa", 3, []string{"aaa"}},
		{"aßbc", 3, []string{"aßb", "ßbc"}}, // characters, not bytes
		{"acme ltd", 5, []string{"acme ", "cme l", "me lt", "e ltd"}},
		{"株式会社", 3, []string{"株式会", "式会社"}},
	} {
		assert.Equal(t, tt.want, search.Runs(tt.s, tt.n), "Runs(%q, %d)", tt.s, tt.n)
	}
}
