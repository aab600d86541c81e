package redis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// reply is a server error reply, as go-redis returns one.
type reply string

func (r reply) Error() string { return string(r) }
func (reply) RedisError()     {}

var _ goredis.Error = reply("")

func TestTranslate(t *testing.T) {
	require.NoError(t, translate(nil))
	assert.ErrorIs(t, translate(goredis.Nil), org.ErrNotFound)
	assert.ErrorIs(t, translate(fmt.Errorf("wrapped: %w", goredis.Nil)), org.ErrNotFound)

	var de *org.DuplicateError
	require.ErrorAs(t, translate(reply("ORGKIT_DUPLICATE numbers +14155550100")), &de)
	assert.Equal(t, org.DuplicateError{Field: org.FieldNumbers, Value: "+14155550100"}, *de)
	assert.ErrorIs(t, de, org.ErrDuplicate)

	for _, msg := range []string{"ORGKIT_CONFLICT idempotency key was used for a different request", "ORGKIT_EXISTS organization x exists"} {
		err := translate(reply(msg))
		assert.ErrorIs(t, err, org.ErrConflict, msg)
		assert.NotErrorIs(t, err, errVersion, msg)
	}
	err := translate(reply("ORGKIT_VERSION organization x is no longer at version 3"))
	assert.ErrorIs(t, err, errVersion, "Update retries it")
	assert.ErrorIs(t, err, org.ErrConflict, "and reports a conflict when retries run out")

	other := translate(reply("WRONGTYPE Operation against a key holding the wrong kind of value"))
	assert.NotErrorIs(t, other, org.ErrConflict)
	var rerr goredis.Error
	assert.True(t, errors.As(other, &rerr), "the server's error stays inspectable")
	assert.ErrorIs(t, translate(context.Canceled), context.Canceled)
}

func TestMetaRoundTrip(t *testing.T) {
	m := meta{version: 42, status: "active", managedBy: "customer", name: "straße networks", ref: "cr-1",
		numbers: []string{"+14155550100", "+442079460958"}, tags: []string{"gold", "vip"}}
	got, err := decodeMeta(m.encode())
	require.NoError(t, err)
	assert.Equal(t, m, got)
	_, err = decodeMeta(m.encode() + "x")
	assert.ErrorIs(t, err, errBadMeta)
	_, err = decodeMeta("42:active\x1fcustomer")
	assert.ErrorIs(t, err, errBadMeta)
	_, err = decodeMeta("nonsense")
	assert.ErrorIs(t, err, errBadMeta)
}

// A page hit's keys, sent as its name-set member or as its name fold with
// the rest taken from the organization, are the keys the organization
// gives search.
func TestHitKeys(t *testing.T) {
	gen := datagen.New(7, uuid.New())
	bare, err := org.New(uuid.New(), org.CreateInput{Name: "Acme", ManagedBy: ownership.ServiceProvider}, nil, time.Now())
	require.NoError(t, err, "no numbers, reference or contract")
	for i := range 51 {
		o := bare
		if i > 0 {
			o, err = gen.Organization(i)
			require.NoError(t, err)
		}
		id, want := o.ID().String(), o.SearchKeys()
		m := metaOf(o)
		for _, sent := range []string{"n" + m.keysLine(id), "k" + m.name} {
			keys, err := hitKeys(id, sent, o)
			require.NoError(t, err)
			if keys.Numbers == nil {
				keys.Numbers = []string{} // search treats no numbers alike
			}
			assert.Equal(t, want, keys, "%q", sent)
		}
		other := uuid.New().String()
		for _, bad := range []string{"", "m" + m.encode(), "x" + m.name, "n" + m.keysLine(other), "n" + m.name} {
			_, err := hitKeys(id, bad, o)
			assert.ErrorIs(t, err, errBadMeta, "%q", bad)
		}
	}
}

func TestGramsAreCharacters(t *testing.T) {
	assert.Empty(t, trigrams("ab"))
	assert.Empty(t, trigrams("aß"), "two characters, three bytes")
	assert.Equal(t, []string{"aaa"}, trigrams("aaaa"))
	assert.Equal(t, []string{"aßb", "ßbc"}, trigrams("aßbc"))
	assert.Equal(t, []string{"株式会", "式会社"}, trigrams("株式会社"))
	// Layout 3 adds runs of 5 characters.
	assert.Equal(t, []string{"aaa"}, grams("aaaa"))
	assert.Equal(t, []string{"株式会", "式会社", "会社ヒ", "株式会社ヒ"}, grams("株式会社ヒ"))
	assert.Equal(t, []string{"acm", "cme", "me ", "e l", " lt", "ltd", "acme ", "cme l", "me lt", "e ltd"}, grams("acme ltd"))
	// Search intersects a text's longest grams.
	assert.Equal(t, []string{"株式会", "式会社"}, textGrams("株式会社"))
	assert.Equal(t, []string{"株式会社ヒ"}, textGrams("株式会社ヒ"))
	// Layout 1's trigrams, which Reindex removes, were of bytes: a
	// Japanese character was one of them.
	assert.Equal(t, []string{"aß", "ßb"}, byteTrigrams("aßb"))
	assert.Contains(t, byteTrigrams("株式会社"), "式")
}

// Every substring of at least three characters of a name holds only grams
// of that name, so the gram sets of a text never miss a name that holds
// it. And each trigram of the text lies inside one of the grams search
// intersects, so that set is no larger than the trigram's.
func FuzzGramsOfSubstring(f *testing.F) {
	f.Add("株式会社ヒコ", 3, 6)
	f.Add("aßbc d", 0, 4)
	f.Add("acme holdings ltd", 2, 12)
	f.Fuzz(func(t *testing.T, name string, i, j int) {
		if !utf8.ValidString(name) {
			return
		}
		rs := []rune(name)
		if i < 0 || j > len(rs) || j-i < 3 {
			return
		}
		sub := string(rs[i:j])
		all := grams(name)
		gs := textGrams(sub)
		require.NotEmpty(t, gs, "a text of 3 characters has a trigram")
		for _, g := range gs {
			require.Contains(t, all, g)
		}
		for _, tri := range trigrams(sub) {
			require.True(t, slices.ContainsFunc(gs, func(g string) bool { return strings.Contains(g, tri) }),
				"trigram %q of %q is in none of %q", tri, sub, gs)
		}
	})
}

// TestChangeNeedsEvent: a change that would append no event is refused
// before it is sent, since searches ranked in Go rely on every change
// appending one.
func TestChangeNeedsEvent(t *testing.T) {
	p := newProgram()
	p.write("HSET", "k", "f", "v")
	_, err := p.run(context.Background(), nil)
	require.ErrorContains(t, err, "must append an event")
}
