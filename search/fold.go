package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Fold returns the fold key of s, the form in which names, customer
// references, external contracts, tags and search text are compared.
//
// s is trimmed, normalized to Unicode NFKC, case folded in full as
// golang.org/x/text/cases.Fold does it, and every run of Unicode white space
// becomes one ASCII space, with none left at either end. So "ＡＣＭＥ" folds
// like "acme" and "Straße" like "strasse". Case folding can leave text that
// is no longer in NFKC, so NFKC is applied once more after it: that keeps the
// key stable, Fold(Fold(s)) == Fold(s), which stores rely on when they fold
// stored keys and typed text at different times.
//
// Every store keeps the fold key computed by this function, never by its
// database, so all stores compare and order the same bytes.
func Fold(s string) string {
	if f, ok := foldASCII(s); ok {
		return f
	}
	return foldUnicode(s)
}

// foldASCII returns Fold(s) when s is all ASCII, and false otherwise. On
// ASCII, NFKC changes nothing and case folding maps only A to Z, so the
// key is s lowered with its white space collapsed: one pass, and no
// allocation when s is a key already. Most references, contracts and many
// names are ASCII, and stores fold them on every write and on some reads.
func foldASCII(s string) (string, bool) {
	folded, space := true, true // space: the byte before was white space, or there was none
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return "", false
		}
		sp := asciiSpace(c)
		if 'A' <= c && c <= 'Z' || sp && (space || c != ' ') {
			folded = false
		}
		space = sp
	}
	if folded && !(space && s != "") {
		return s, true
	}
	b := make([]byte, 0, len(s))
	space = false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if asciiSpace(c) {
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b), true
}

// asciiSpace tells whether c is one of the ASCII bytes unicode.IsSpace
// reports as white space.
func asciiSpace(c byte) bool { return c == ' ' || '\t' <= c && c <= '\r' }

// foldUnicode is Fold for any text.
func foldUnicode(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	s = norm.NFKC.String(s)
	// A Caser keeps state, so each call makes its own to stay safe for
	// concurrent use.
	s = cases.Fold().String(s)
	s = norm.NFKC.String(s)
	return collapseSpace(s)
}

// cherokeeFold maps a Cherokee letter to its case fold, the capital. Unicode
// folds Cherokee to capitals (its small letters came later), but
// golang.org/x/text/cases.Fold swaps the two cases instead, so that folding
// twice gave back the other case: "Ꮺ" and "ꮺ" had different keys, each
// the other's.
func cherokeeFold(r rune) rune {
	if unicode.Is(unicode.Cherokee, r) {
		return unicode.ToUpper(r)
	}
	return r
}

// collapseSpace turns each run of white space into one ASCII space and
// drops it at both ends, and folds Cherokee letters (see cherokeeFold).
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(cherokeeFold(r))
	}
	return b.String()
}

// Runs returns the distinct runs of n consecutive characters (Unicode code
// points) of s, in the order they first occur, and none when s is shorter.
// A valid UTF-8 text matches a valid UTF-8 name only at character
// boundaries, so a name that holds a text holds each of the text's runs:
// stores index names by their runs and look a text up by its own. Runs
// count characters, not bytes, so that a run of a Japanese or Cyrillic
// name is as rare as one of a Latin name.
func Runs(s string, n int) []string {
	starts := make([]int, 0, len(s)+1) // where each character starts, then the end
	for i := range s {
		starts = append(starts, i)
	}
	chars := len(starts)
	starts = append(starts, len(s))
	if n <= 0 || chars < n {
		return nil
	}
	out := make([]string, 0, chars-n+1)
	seen := make(map[string]struct{}, chars-n+1)
	for k := 0; k+n <= chars; k++ {
		r := s[starts[k]:starts[k+n]]
		if _, ok := seen[r]; !ok {
			seen[r] = struct{}{}
			out = append(out, r)
		}
	}
	return out
}
