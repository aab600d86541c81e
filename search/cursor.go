package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"unicode/utf8"
)

// Cursor layout, before base64 (RawURLEncoding):
//
//	version (1 byte) | fingerprint (8 bytes) | tier (1 byte) |
//	uvarint len(name) | name | uvarint len(id) | id
//
// The fingerprint is a SHA-256 of the provider, terms and filter, and of the
// position too, so one check refuses a cursor of another query as well as a
// truncated or altered one. It is not a secret: a forged cursor can only
// move the starting point within results the caller may already see.
const (
	cursorVersion  = 1
	fingerprintLen = 8
	// maxCursorBytes bounds a decoded cursor, so garbage is refused before
	// any work. Fold keys of real names are far shorter.
	maxCursorBytes = 4096
)

var maxCursorChars = base64.RawURLEncoding.EncodedLen(maxCursorBytes)

// Cursor returns the opaque cursor for the page that continues after last,
// the Position of the last hit shown. Pass it back as [Query.Cursor] with the
// same text and filter; [Compile] refuses it for any other query or
// provider.
func (p Plan) Cursor(last Position) string {
	buf := make([]byte, 0, 1+fingerprintLen+1+2*binary.MaxVarintLen64+len(last.Name)+len(last.ID))
	buf = append(buf, cursorVersion)
	buf = append(buf, p.fingerprint(last)...)
	buf = append(buf, byte(last.Tier))
	buf = binary.AppendUvarint(buf, uint64(len(last.Name)))
	buf = append(buf, last.Name...)
	buf = binary.AppendUvarint(buf, uint64(len(last.ID)))
	buf = append(buf, last.ID...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// decodeCursor reads a cursor made by Cursor for a plan with the same
// provider, terms and filter as p.
func (p Plan) decodeCursor(s string) (Position, error) {
	if len(s) > maxCursorChars {
		return Position{}, fmt.Errorf("%w: too long", ErrInvalidCursor)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return Position{}, fmt.Errorf("%w: not base64url", ErrInvalidCursor)
	}
	if len(b) < 1+fingerprintLen+1 || b[0] != cursorVersion {
		return Position{}, fmt.Errorf("%w: unknown format", ErrInvalidCursor)
	}
	sum := b[1 : 1+fingerprintLen]
	b = b[1+fingerprintLen:]
	pos := Position{Tier: Tier(b[0])}
	if pos.Tier < TierExact || pos.Tier > TierSubstring {
		return Position{}, fmt.Errorf("%w: unknown tier", ErrInvalidCursor)
	}
	b = b[1:]
	var ok bool
	if pos.Name, b, ok = readString(b); !ok {
		return Position{}, fmt.Errorf("%w: bad name", ErrInvalidCursor)
	}
	if pos.ID, b, ok = readString(b); !ok {
		return Position{}, fmt.Errorf("%w: bad id", ErrInvalidCursor)
	}
	if len(b) != 0 {
		return Position{}, fmt.Errorf("%w: trailing bytes", ErrInvalidCursor)
	}
	if !bytes.Equal(sum, p.fingerprint(pos)) {
		return Position{}, fmt.Errorf("%w: made for another query or altered", ErrInvalidCursor)
	}
	return pos, nil
}

// readString reads a uvarint length and that many bytes of valid UTF-8.
func readString(b []byte) (string, []byte, bool) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return "", nil, false
	}
	s := b[k : k+int(n)]
	if !utf8.Valid(s) {
		return "", nil, false
	}
	return string(s), b[k+int(n):], true
}

// fingerprint hashes what a cursor is bound to and the position it holds.
// Every part is length prefixed so that no two different inputs hash the
// same bytes.
func (p Plan) fingerprint(pos Position) []byte {
	h := sha256.New()
	var buf []byte
	add := func(s string) {
		buf = binary.AppendUvarint(buf[:0], uint64(len(s)))
		h.Write(buf)
		h.Write([]byte(s))
	}
	addList := func(l []string) {
		buf = binary.AppendUvarint(buf[:0], uint64(len(l)))
		h.Write(buf)
		for _, s := range l {
			add(s)
		}
	}
	add("orgkit/search cursor")
	add(p.ProviderID)
	add(p.Terms.Fold)
	add(p.Terms.ID)
	add(p.Terms.Digits)
	addList(p.Filter.Status)
	addList(p.Filter.ManagedBy)
	addList(p.Filter.Tags)
	h.Write([]byte{byte(pos.Tier)})
	add(pos.Name)
	add(pos.ID)
	return h.Sum(nil)[:fingerprintLen]
}
