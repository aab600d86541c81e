package search_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/search"
)

const (
	idA = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
	idB = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
)

func TestParseText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want search.Terms
	}{
		{"Empty", "", search.Terms{}},
		{"Blank", " \t ", search.Terms{}},
		{"Name", "  Acme  Corp ", search.Terms{Fold: "acme corp"}},
		{"UUIDLower", idA, search.Terms{Fold: idA, ID: idA}},
		{"UUIDUpperIsCanonicalized", " " + strings.ToUpper(idA) + " ", search.Terms{Fold: idA, ID: idA}},
		{"UUIDDigitsOnlyIsStillOnlyID", "12345678-1234-1234-1234-123456789012",
			search.Terms{Fold: "12345678-1234-1234-1234-123456789012", ID: "12345678-1234-1234-1234-123456789012"}},
		{"UUIDWithoutHyphensIsNotID", strings.ReplaceAll(idA, "-", ""), search.Terms{Fold: strings.ReplaceAll(idA, "-", "")}},
		{"UUIDInBracesIsNotID", "{" + idA + "}", search.Terms{Fold: "{" + idA + "}"}},
		{"UUIDURNIsNotID", "urn:uuid:" + idA, search.Terms{Fold: "urn:uuid:" + idA}},
		{"PartialUUIDIsNotID", idA[:20], search.Terms{Fold: idA[:20]}},
		{"NumberE164", "+15550100199", search.Terms{Fold: "+15550100199", Digits: "15550100199"}},
		{"NumberPunctuated", "+1 (555) 010-0199", search.Terms{Fold: "+1 (555) 010-0199", Digits: "15550100199"}},
		{"NumberDots", "555.010", search.Terms{Fold: "555.010", Digits: "555010"}},
		{"NumberThreeDigits", "123", search.Terms{Fold: "123", Digits: "123"}},
		{"NumberThreeDigitsSpread", "(1) 2-3", search.Terms{Fold: "(1) 2-3", Digits: "123"}},
		{"TwoDigitsIsNotNumber", "12", search.Terms{Fold: "12"}},
		{"TwoDigitsWithPunctuationIsNotNumber", "+1-2", search.Terms{Fold: "+1-2"}},
		{"LettersMakeItNotNumber", "555 ext 12", search.Terms{Fold: "555 ext 12"}},
		{"OtherPunctuationIsNotNumber", "555/0100", search.Terms{Fold: "555/0100"}},
		{"FullWidthDigitsAreNumber", "５５５０１", search.Terms{Fold: "55501", Digits: "55501"}},
		{"TabsInNumberCollapse", "555\t0100", search.Terms{Fold: "555 0100", Digits: "5550100"}},
		{"AtMaxBytes", strings.Repeat("a", search.MaxTextBytes), search.Terms{Fold: strings.Repeat("a", search.MaxTextBytes)}},
		{"MaxBytesCountsAfterTrim", "  " + strings.Repeat("a", search.MaxTextBytes) + "  ", search.Terms{Fold: strings.Repeat("a", search.MaxTextBytes)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := search.ParseText(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseTextRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, says string
	}{
		{"InvalidUTF8", "acme\xff", "UTF-8"},
		{"TruncatedRune", "acm\xe2\x82", "UTF-8"},
		{"NUL", "acme\x00corp", "control"},
		{"Escape", "\x1b[31macme", "control"},
		{"Delete", "acme\x7f", "control"},
		{"C1Control", "acme\u0090", "control"},
		{"TooLong", strings.Repeat("a", search.MaxTextBytes+1), "longer than 256 bytes"},
		{"TooLongMultibyte", strings.Repeat("ß", search.MaxTextBytes/2+1), "longer than 256 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := search.ParseText(tt.in)
			require.ErrorIs(t, err, search.ErrInvalidQuery)
			assert.NotErrorIs(t, err, search.ErrInvalidCursor)
			assert.Contains(t, err.Error(), tt.says)
		})
	}
}

func TestTermsEmptyAndSubstring(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in               string
		empty, substring bool
	}{
		{"", true, false},
		{"a", false, false},
		{"ab", false, false},
		{"abc", false, true},
		{"ßa", false, true}, // folds to "ssa": three characters
		{"日本", false, false},
		{"日本語", false, true},
		{idA, false, true},
	}
	for _, tt := range tests {
		terms, err := search.ParseText(tt.in)
		require.NoError(t, err)
		assert.Equal(t, tt.empty, terms.Empty(), "Empty(%q)", tt.in)
		assert.Equal(t, tt.substring, terms.Substring(), "Substring(%q)", tt.in)
	}
}
