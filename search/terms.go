package search

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// MaxTextBytes bounds search text, after trimming. No name, reference or
// number comes near it; the bound keeps folding and matching cheap.
const MaxTextBytes = 256

// Terms is typed text classified into the keys it can be tried against.
// Make one with [ParseText]; the zero value is empty text.
type Terms struct {
	// Fold is the fold key of the text (see [Fold]). "" means empty text,
	// which matches every organization.
	Fold string
	// ID is the canonical lower-case UUID when the trimmed text is a full
	// 36-character hyphenated UUID, in any case. Then nothing else is tried:
	// someone who pastes an id wants that organization, not names that
	// happen to contain it.
	ID string
	// Digits holds the digits of the text when, after folding, it has only
	// ASCII digits, spaces and "+-()." and at least three digits, so that a
	// number typed as "+1 (555) 010-0199" is found. Full-width digits count,
	// since folding turns them into ASCII. "" when the text is not a number.
	Digits string
}

// Empty reports whether the text was empty (or only white space), so that
// every organization passing the filters is listed.
func (t Terms) Empty() bool { return t.Fold == "" && t.ID == "" }

// Substring reports whether names are also searched for the text as a
// substring: only when the fold key has three or more characters (runes).
func (t Terms) Substring() bool { return utf8.RuneCountInString(t.Fold) >= 3 }

// ParseText classifies search text. It refuses, with an error wrapping
// [ErrInvalidQuery] that says what is wrong, text that is not valid UTF-8,
// that holds control characters other than white space, or that is longer
// than [MaxTextBytes] once trimmed.
func ParseText(text string) (Terms, error) {
	text, err := checkText("text", text)
	if err != nil {
		return Terms{}, err
	}
	if isUUID(text) {
		u, err := uuid.Parse(text)
		if err == nil {
			return Terms{Fold: Fold(text), ID: u.String()}, nil
		}
	}
	t := Terms{Fold: Fold(text)}
	t.Digits = digitsOf(t.Fold)
	return t, nil
}

// checkText trims s and refuses it when it cannot be search input. what
// names the value in the error.
func checkText(what, s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalidQuery, what)
	}
	s = strings.TrimSpace(s)
	if len(s) > MaxTextBytes {
		return "", fmt.Errorf("%w: %s is longer than %d bytes", ErrInvalidQuery, what, MaxTextBytes)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return "", fmt.Errorf("%w: %s holds control character %U", ErrInvalidQuery, what, r)
		}
	}
	return s, nil
}

// isUUID reports whether s has the 8-4-4-4-12 hyphenated shape of a UUID.
// uuid.Parse alone also takes braces, "urn:uuid:" and bare hex, which a
// person would not type as an id.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// digitsOf returns the digits of a fold key that reads as a telephone
// number, or "".
func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			b.WriteByte(c)
		case strings.IndexByte(" +-().", c) >= 0:
		default:
			return ""
		}
	}
	if b.Len() < 3 {
		return ""
	}
	return b.String()
}
