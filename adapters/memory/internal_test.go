package memory

import (
	"cmp"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/org"
)

// fill sets every field reachable from v to a value that is not zero,
// choosing values from r, so that a field the codec forgets fails the round
// trip.
func fill(t *testing.T, r *rand.Rand, v reflect.Value) {
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		locs := []*time.Location{time.UTC, time.Local, time.FixedZone("XST", 5*3600+1800)}
		v.Set(reflect.ValueOf(time.Unix(r.Int64N(1<<33), r.Int64N(1e9)).In(locs[r.IntN(len(locs))])))
		return
	case reflect.TypeFor[uuid.UUID]():
		v.Set(reflect.ValueOf(uuid.New()))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(strings.Repeat("é", 1+r.IntN(3)) + "x")
	case reflect.Int, reflect.Int64:
		v.SetInt(1 + r.Int64N(1<<40))
	case reflect.Uint8:
		v.SetUint(uint64(1 + r.IntN(2)))
	case reflect.Struct:
		for i := range v.NumField() {
			fill(t, r, v.Field(i))
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, r, s.Index(i))
		}
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, r, p.Elem())
		v.Set(p)
	default:
		t.Fatalf("fill: no rule for %s", v.Type())
	}
}

func TestCodecRoundTripsEveryField(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		var s org.Snapshot
		fill(t, r, reflect.ValueOf(&s).Elem())
		got, err := decodeSnapshot(encodeSnapshot(&s))
		require.NoError(t, err)
		require.Equal(t, s, got)
	}
	var zero org.Snapshot
	got, err := decodeSnapshot(encodeSnapshot(&zero))
	require.NoError(t, err)
	assert.Equal(t, zero, got)

	enc := encodeSnapshot(&zero)
	for i := range len(enc) {
		_, err := decodeSnapshot(enc[:i])
		assert.ErrorIs(t, err, errCorrupt, "truncated at %d", i)
	}
}

func TestNumberKeyOrdersAsDigits(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var ds []string
	for range 2000 {
		ds = append(ds, strings.Repeat("1", r.IntN(3))+digitsN(r, 1+r.IntN(12)))
	}
	ds = append(ds, "12", "120", "1200", "121", "999999999999999", "1")
	slices.Sort(ds)
	ds = slices.Compact(ds)
	var prev uint64
	for i, d := range ds {
		k, ok := numberKey(d)
		require.True(t, ok)
		assert.Equal(t, d, numberDigits(k))
		if i > 0 {
			assert.Greater(t, k, prev, "%s after %s", d, ds[i-1])
		}
		prev = k
	}
	for _, bad := range []string{"", "1234567890123456", "12a"} {
		_, ok := numberKey(bad)
		assert.False(t, ok, bad)
	}
	// A prefix range holds exactly the numbers starting with the prefix.
	for _, p := range []string{"1", "12", "120", "4477", "999999999999999"} {
		lo, hi, ok := numberRange(p)
		require.True(t, ok)
		for _, d := range ds {
			k, _ := numberKey(d)
			in := k >= lo && k < hi && len(d) >= len(p)
			assert.Equal(t, strings.HasPrefix(d, p), in, "%s in range of %s", d, p)
		}
	}
}

func digitsN(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// TestOrdered checks the block list against a sorted slice through random
// inserts and removals, across many block splits and merges.
func TestOrdered(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	l := newOrdered(cmp.Compare[int])
	var want []int
	for step := range 20000 {
		x := r.IntN(5000)
		i, found := slices.BinarySearch(want, x)
		if r.IntN(3) > 0 {
			if !found {
				l.insert(x)
				want = slices.Insert(want, i, x)
			}
		} else {
			assert.Equal(t, found, l.remove(x))
			if found {
				want = slices.Delete(want, i, i+1)
			}
		}
		if step%997 == 0 || step == 19999 {
			var got []int
			l.from(pos{}, func(x int) bool { got = append(got, x); return true })
			require.Equal(t, want, got)
			require.Equal(t, len(want), l.len())
			for _, b := range l.blocks {
				require.NotEmpty(t, b)
				require.LessOrEqual(t, len(b), blockMax)
			}
			// seek finds the first entry not before x.
			x := r.IntN(5000)
			e, ok := l.at(l.seek(func(e int) bool { return e < x }))
			j, _ := slices.BinarySearch(want, x)
			require.Equal(t, j < len(want), ok)
			if ok {
				require.Equal(t, want[j], e)
			}
		}
	}
}
