package search

import (
	"encoding/base64"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecodeCursorForged builds cursors by hand, with a fingerprint that
// checks out, to reach the checks a random change never gets past.
func TestDecodeCursorForged(t *testing.T) {
	t.Parallel()
	p, err := Compile("provider-1", Query{Text: "acme"})
	require.NoError(t, err)
	good := Position{Tier: TierPrefix, Name: "acme", ID: "3f2504e0-4f89-41d3-9a0c-0305e82c3301"}

	build := func(version byte, pos Position, nameLen uint64, tail []byte) string {
		b := []byte{version}
		b = append(b, p.fingerprint(pos)...)
		b = append(b, byte(pos.Tier))
		b = binary.AppendUvarint(b, nameLen)
		b = append(b, pos.Name...)
		b = binary.AppendUvarint(b, uint64(len(pos.ID)))
		b = append(b, pos.ID...)
		b = append(b, tail...)
		return base64.RawURLEncoding.EncodeToString(b)
	}

	got, err := p.decodeCursor(build(cursorVersion, good, uint64(len(good.Name)), nil))
	require.NoError(t, err)
	assert.Equal(t, good, got)

	bad := good
	bad.Name = "ac\xffme"
	zeroTier, highTier := good, good
	zeroTier.Tier, highTier.Tier = 0, TierSubstring+1
	tooLong := good
	tooLong.Name = strings.Repeat("a", maxCursorBytes)

	for name, c := range map[string]string{
		"Empty":         "",
		"OtherVersion":  build(cursorVersion+1, good, uint64(len(good.Name)), nil),
		"ZeroTier":      build(cursorVersion, zeroTier, uint64(len(good.Name)), nil),
		"UnknownTier":   build(cursorVersion, highTier, uint64(len(good.Name)), nil),
		"InvalidUTF8":   build(cursorVersion, bad, uint64(len(bad.Name)), nil),
		"LengthPastEnd": build(cursorVersion, good, 1<<62, nil),
		"LengthShort":   build(cursorVersion, good, 2, nil),
		"TrailingBytes": build(cursorVersion, good, uint64(len(good.Name)), []byte{0}),
		"OverSize":      build(cursorVersion, tooLong, uint64(len(tooLong.Name)), nil),
		"OnlyHeader":    base64.RawURLEncoding.EncodeToString([]byte{cursorVersion}),
	} {
		_, err := p.decodeCursor(c)
		assert.ErrorIs(t, err, ErrInvalidCursor, name)
	}
}
