package postgres

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"

	"github.com/orgkit/orgkit/search"
)

// The sources statement of a search on a generic plan has one text for
// every search text of its shape, or its plan would not be reused. Building
// that text took 85 to 140 µs of Go per search, most of it squirrel
// rendering nested expressions, against 0.4 ms for the whole of a
// reference search at 1,000,000 organizations. So a Store renders it once
// per shape, as a template whose values are numbered slots. Building the
// expressions again only to collect a later search's values still cost 26
// to 41 µs and 210 to 280 allocations, so each value the builders hand out
// also says how it derives from the search (an arg), and a later search of
// the shape computes its values from the template's args alone.

// slot stands for the value that params handed out under its number.
type slot int

// argKind is how a value of a search statement derives from its inputs.
type argKind uint8

const (
	argProvider  argKind = iota // the provider's id
	argFold                     // the terms' fold key
	argFoldEnd                  // prefixEnd of the fold key
	argDigits                   // the terms' digits
	argDigitsEnd                // prefixEnd of the digits
	argBucket                   // the first numberBucket digits
	argRuns                     // NameRuns of the fold key
	argLikeFold                 // the LIKE pattern of the fold key
	argLikeWord                 // the LIKE pattern of word n (from 0) of longWords(fold key)
	argCount                    // want+n
)

// arg names a value of a search statement by how it derives from the
// search's inputs.
type arg struct {
	kind argKind
	n    int // the word, for argLikeWord; what is added to want, for argCount
}

// inputs are what every value of a sources statement derives from.
type inputs struct {
	pid  uuid.UUID
	t    search.Terms
	want int
}

// value returns the value that a derives from in, or false when in has
// none (a key with no prefix end, digits too short for a bucket, too few
// words).
func (in *inputs) value(a arg) (any, bool) {
	f, d := in.t.Fold, in.t.Digits
	switch a.kind {
	case argProvider:
		return in.pid, true
	case argFold:
		return f, true
	case argFoldEnd:
		return prefixEnd(f)
	case argDigits:
		return d, true
	case argDigitsEnd:
		return prefixEnd(d)
	case argBucket:
		if len(d) < numberBucket {
			return nil, false
		}
		return d[:numberBucket], true
	case argRuns:
		return NameRuns(f), true
	case argLikeFold:
		return likePattern(f), true
	case argLikeWord:
		i := 0
		for w := range longWords(f) {
			if i == a.n {
				return likePattern(w), true
			}
			i++
		}
		return nil, false
	case argCount:
		return in.want + a.n, true
	}
	return nil, false
}

// params collects the values of a statement template in the order its
// builder hands them out, with how each derives from in, the inputs of the
// search it is built for, and stands a slot for each in the statement. A
// nil *params hands values back as they are, for a statement built for
// one search.
type params struct {
	in   inputs
	vals []any
	args []arg
}

// arg hands out v, which derives from p's inputs as kind says.
func (p *params) arg(kind argKind, v any) any { return p.add(arg{kind: kind}, v) }

// word hands out pattern, the LIKE pattern of word n of the fold key.
func (p *params) word(n int, pattern string) any { return p.add(arg{kind: argLikeWord, n: n}, pattern) }

// count hands out n, a number of rows, which must be p.in.want (the want
// the statement is built for) plus a constant. newTemplate cannot check
// that, as want+(n-want) is always n: TestTemplatesMatchFreshStatements
// builds every shape for several limits.
func (p *params) count(n int) any {
	if p == nil {
		return n
	}
	return p.add(arg{kind: argCount, n: n - p.in.want}, n)
}

func (p *params) add(a arg, v any) any {
	if p == nil {
		return v
	}
	p.vals = append(p.vals, v)
	p.args = append(p.args, a)
	return slot(len(p.vals) - 1)
}

// template is a statement's text, with how each of its values derives
// from the inputs of a search, and the tier of each of its sources.
type template struct {
	sql   string
	args  []arg
	tiers []search.Tier
}

// newTemplate renders stmt, whose values must all be slots that p handed
// out: a value passed as it is would be the same for every search of the
// shape. Each slot's arg must give back, from p's inputs, the value that
// was handed out with it.
func newTemplate(stmt sq.Sqlizer, p *params, tiers []search.Tier) (*template, error) {
	sql, vals, err := build(stmt)
	if err != nil {
		return nil, err
	}
	// Clipped: every search of the shape shares the tiers.
	t := &template{sql: sql, args: make([]arg, len(vals)), tiers: slices.Clip(tiers)}
	for i, v := range vals {
		n, ok := v.(slot)
		if !ok || int(n) >= len(p.vals) {
			return nil, fmt.Errorf("postgres: build statement: value $%d of a template is not a slot of its params", i+1)
		}
		a := p.args[n]
		if got, ok := p.in.value(a); !ok || !reflect.DeepEqual(got, p.vals[n]) {
			return nil, fmt.Errorf("postgres: build statement: value $%d of a template does not derive from the search as its arg %v says", i+1, a)
		}
		t.args[i] = a
	}
	return t, nil
}

// values returns the template's arguments for a search of its shape. A
// value that several slots take is derived, and boxed, once.
func (t *template) values(in *inputs) ([]any, error) {
	vals := make([]any, len(t.args))
	type derived struct {
		a arg
		v any
	}
	var done [16]derived
	memo := done[:0]
next:
	for i, a := range t.args {
		for _, d := range memo {
			if d.a == a {
				vals[i] = d.v
				continue next
			}
		}
		v, ok := in.value(a)
		if !ok {
			return nil, fmt.Errorf("postgres: build statement: template of another shape (value $%d, arg %v)", i+1, a)
		}
		vals[i] = v
		memo = append(memo, derived{a, v})
	}
	return encodable(vals), nil
}

// shape holds what the text of a generic sources statement depends on,
// besides the Store: which candidates the matcher makes and how each is
// written. A decision of the builders that is not here would give two
// texts one template; TestTemplatesMatchFreshStatements and
// FuzzTemplates compare every template with a fresh build.
type shape struct {
	digits    int  // length of the digits: 0, 7, 8, or 9 for longer (see numberBucket)
	open      bool // the fold key has no prefix end (see prefixEnd)
	substring bool // names are searched for a substring
	spaced    bool // the fold key holds a space
	words     int  // words of three characters or more
	rare      bool // rareText: the substring tier is part of the statement
	runs      bool // rare, of five characters or more (see substring)
}

// maxTemplateWords bounds the words of a shape that is kept, and so the
// number of templates a Store keeps: longer texts are rare, and each would
// have its own.
const maxTemplateWords = 4

// shapeOf returns the shape of terms on a generic plan (see genericText),
// or false when a template of it is not kept.
func shapeOf(t search.Terms) (shape, bool) {
	if t.ID != "" || t.Empty() || (t.Digits != "" && len(t.Digits) < numberBucket) {
		return shape{}, false
	}
	sh := shape{digits: min(len(t.Digits), numberBucket+2), substring: t.Substring(), spaced: strings.Contains(t.Fold, " ")}
	_, closed := prefixEnd(t.Fold)
	sh.open = !closed
	sh.rare = rareText(t)
	sh.runs = sh.rare && utf8.RuneCountInString(t.Fold) >= runLength
	for range longWords(t.Fold) {
		sh.words++
	}
	return sh, sh.words <= maxTemplateWords
}

// templates holds a Store's templates by shape; the Stores that WithTx
// returns share it.
type templates struct{ m sync.Map }

// get returns the template of the terms of in, whose shape is sh (ok
// false: none is kept), building it once: build returns the statement, with
// its values handed out by p, and its sources' tiers; a nil statement
// (nothing can match) gives a nil template.
func (ts *templates) get(sh shape, ok bool, in inputs, build func(p *params) (sq.Sqlizer, []search.Tier)) (*template, error) {
	if ts != nil && ok {
		if t, hit := ts.m.Load(sh); hit {
			return t.(*template), nil
		}
	}
	p := &params{in: in}
	stmt, tiers := build(p)
	if stmt == nil {
		return nil, nil
	}
	t, err := newTemplate(stmt, p, tiers)
	if err != nil {
		return nil, err
	}
	if ts != nil && ok {
		ts.m.Store(sh, t)
	}
	return t, nil
}
