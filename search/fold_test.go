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
