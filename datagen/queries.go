package datagen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// Kind is a kind of search, as the Sales Hub search box is used.
type Kind uint8

// The kinds of search [Generator.Queries] draws.
const (
	// KindID is a pasted organization UUID.
	KindID Kind = iota + 1
	// KindNumber is a whole purchased number, as E.164 or with spaces.
	KindNumber
	// KindNumberPrefix is the start of a number: country code, the leading
	// digits of its block and two to four more.
	KindNumberPrefix
	// KindNamePrefix is the first three to eight characters of a name.
	KindNamePrefix
	// KindNameSubstring is a word of a name other than its first, or three
	// or more characters from inside it.
	KindNameSubstring
	// KindReference is a whole customer reference, sometimes in lower case.
	KindReference
	// KindContract is a whole external contract, sometimes in lower case.
	KindContract
	// KindTags is empty text filtered by one or two buyer tags.
	KindTags
)

// Kinds lists every Kind, in order.
var Kinds = []Kind{
	KindID, KindNumber, KindNumberPrefix, KindNamePrefix, KindNameSubstring,
	KindReference, KindContract, KindTags,
}

var kindNames = [...]string{
	KindID:            "uuid",
	KindNumber:        "number",
	KindNumberPrefix:  "number_prefix",
	KindNamePrefix:    "name_prefix",
	KindNameSubstring: "name_substring",
	KindReference:     "reference",
	KindContract:      "contract",
	KindTags:          "tags",
}

// String returns a short name for the kind, such as "name_prefix", fit for
// a benchmark name.
func (k Kind) String() string {
	if k >= KindID && k <= KindTags {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Query is search box input drawn from generated data.
type Query struct {
	Kind Kind
	// Text is what is typed in the search box; "" for KindTags.
	Text string
	// Tags is the buyer tag filter of a KindTags query, nil otherwise.
	Tags []string
	// Org is the index of the organization the query was drawn from, which
	// the query finds (when it still exists).
	Org int
}

// Queries draws n queries of the kind from organizations 0 to orgs-1. The
// same generator, kind, n and orgs give the same queries. It panics on an
// unknown kind or when orgs is outside [1, MaxOrganizations].
func (g *Generator) Queries(kind Kind, n, orgs int) []Query {
	if orgs <= 0 || orgs > MaxOrganizations {
		panic(fmt.Sprintf("datagen: %d organizations is outside [1, %d]", orgs, MaxOrganizations))
	}
	if kind < KindID || kind > KindTags {
		panic(fmt.Sprintf("datagen: unknown %v", kind))
	}
	out := make([]Query, 0, n)
	for j := range n {
		r := g.rng(j, streamQueries+uint64(kind)<<8)
		// Some organizations have no reference, contract or tags; draw
		// again until one does (a few tries: most do).
		for {
			i := r.IntN(orgs)
			if q, ok := g.query(r, kind, i); ok {
				out = append(out, q)
				break
			}
		}
	}
	return out
}

func (g *Generator) query(r *rand.Rand, kind Kind, i int) (Query, bool) {
	q := Query{Kind: kind, Org: i}
	switch kind {
	case KindID:
		q.Text = g.ID(i).String()
		if r.IntN(5) == 0 {
			q.Text = strings.ToUpper(q.Text)
		}
		return q, true
	case KindNumber, KindNumberPrefix:
		k := i*NumbersPerOrganization + r.IntN(NumbersPerOrganization)
		p, n := plans[k%len(plans)], g.number(k)
		if kind == KindNumberPrefix {
			n = n[:1+len(p.cc)+len(p.lead)+2+r.IntN(3)]
		}
		switch r.IntN(3) {
		case 0: // as E.164
		case 1: // with a space after the country code
			n = "+" + p.cc + " " + n[1+len(p.cc):]
		default: // digits only
			n = n[1:]
		}
		q.Text = n
		return q, true
	}
	in := g.Input(i)
	switch kind {
	case KindNamePrefix:
		runes := []rune(in.Name)
		k := min(len(runes), 3+r.IntN(6))
		q.Text = strings.TrimSpace(string(runes[:k]))
		return q, utf8.RuneCountInString(q.Text) >= 2
	case KindNameSubstring:
		q.Text = substring(r, in.Name)
		return q, q.Text != ""
	case KindReference:
		q.Text = caseVariant(r, in.CustomerReference)
		return q, q.Text != ""
	case KindContract:
		q.Text = caseVariant(r, in.ExternalContract)
		return q, q.Text != ""
	default: // KindTags
		if len(in.BuyerTags) == 0 {
			return q, false
		}
		q.Tags = []string{pick(r, in.BuyerTags)}
		if len(in.BuyerTags) > 1 && r.IntN(3) == 0 {
			q.Tags = append(q.Tags, pick(r, in.BuyerTags))
		}
		return q, true
	}
}

// substring picks what someone remembers of a name: a later word, whole or
// in part, or for names written without spaces, a run of characters from
// inside. It returns "" when the name has nothing of three characters.
func substring(r *rand.Rand, name string) string {
	words := strings.Fields(strings.ReplaceAll(name, "\u3000", " "))
	var later []string
	for _, w := range words[1:] {
		if utf8.RuneCountInString(w) >= 3 {
			later = append(later, w)
		}
	}
	if len(later) > 0 {
		w := []rune(pick(r, later))
		if len(w) <= 4 || r.IntN(2) == 0 {
			return string(w)
		}
		start := r.IntN(len(w) - 3)
		return string(w[start : start+3+r.IntN(len(w)-start-2)])
	}
	runes := []rune(name)
	if len(runes) < 4 {
		return ""
	}
	start := 1 + r.IntN(len(runes)-3)
	s := strings.TrimSpace(string(runes[start : start+min(len(runes)-start, 3+r.IntN(2))]))
	if utf8.RuneCountInString(s) < 3 {
		return ""
	}
	return s
}

func caseVariant(r *rand.Rand, s string) string {
	if r.IntN(3) == 0 {
		return strings.ToLower(s)
	}
	return s
}
