package search

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// foldASCII must give the key foldUnicode gives, for every ASCII text.
func TestFoldASCIIEqualsUnicode(t *testing.T) {
	check := func(s string) {
		t.Helper()
		got, ok := foldASCII(s)
		if !ok {
			t.Fatalf("foldASCII(%q) refused ASCII text", s)
		}
		if want := foldUnicode(s); got != want {
			t.Fatalf("foldASCII(%q) = %q, foldUnicode gives %q", s, got, want)
		}
	}
	check("")
	// Every text of up to two bytes, then many longer ones.
	for a := range utf8.RuneSelf {
		check(string(rune(a)))
		for b := range utf8.RuneSelf {
			check(string([]byte{byte(a), byte(b)}))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte(" \t\n\v\f\r\x00\x1f\x7fAZaz09@[`{~-_.")
	for range 200_000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			if rng.IntN(2) == 0 {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[i] = byte(rng.IntN(utf8.RuneSelf))
			}
		}
		check(string(b))
	}
}

func TestFoldASCIIKeepsAKey(t *testing.T) {
	key := "cust-000123456 acme"
	if n := testing.AllocsPerRun(100, func() { _ = Fold(key) }); n != 0 {
		t.Errorf("Fold of a fold key allocated %v times", n)
	}
	if got := Fold(key); got != key {
		t.Errorf("Fold(%q) = %q", key, got)
	}
}

func TestFoldASCIIRefusesOtherText(t *testing.T) {
	for _, s := range []string{"é", "Acme\u00a0Corp", "a\u0085b", "\xff"} {
		if _, ok := foldASCII(s); ok {
			t.Errorf("foldASCII(%q) took text that is not ASCII", s)
		}
	}
}

func FuzzFoldASCII(f *testing.F) {
	for _, s := range []string{"", " ", "Acme  Corp ", "CUST-000123456", "\tA\r\nB\v", "straße"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := foldASCII(s); ok {
			if want := foldUnicode(s); got != want {
				t.Fatalf("foldASCII(%q) = %q, foldUnicode gives %q", s, got, want)
			}
		}
	})
}

// BenchmarkFold compares Fold with the Unicode path it skips for ASCII
// text.
func BenchmarkFold(b *testing.B) {
	for _, in := range []struct{ name, s string }{
		{"reference", "CUST-000123456"},
		{"folded", "cust-000123456"},
		{"name", "Northwind Telecom Holdings Ltd"},
		{"name-non-ascii", "Müller Telekommunikation GmbH"},
	} {
		b.Run(in.name+"/Fold", func(b *testing.B) {
			for b.Loop() {
				_ = Fold(in.s)
			}
		})
		b.Run(in.name+"/unicode", func(b *testing.B) {
			for b.Loop() {
				_ = foldUnicode(in.s)
			}
		})
	}
}
