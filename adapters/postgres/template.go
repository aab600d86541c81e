package postgres

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	sq "github.com/Masterminds/squirrel"

	"github.com/orgkit/orgkit/search"
)

// The sources statement of a search on a generic plan has one text for
// every search text of its shape, or its plan would not be reused. Building
// that text took 85 to 140 µs of Go per search, most of it squirrel
// rendering nested expressions, against 0.4 ms for the whole of a
// reference search at 1,000,000 organizations. So a Store renders it once
// per shape, as a template whose values are numbered slots, and for each
// later search of that shape only builds the expressions again to collect
// their values, in the same order, into the template's arguments.

// slot stands for the value that params handed out under its number.
type slot int

// params collects the values of a statement template in the order its
// builder hands them out, and stands a slot for each in the statement. A
// nil *params hands values back as they are, for a statement built for
// one search.
type params struct{ vals []any }

func (p *params) arg(v any) any {
	if p == nil {
		return v
	}
	p.vals = append(p.vals, v)
	return slot(len(p.vals) - 1)
}

// template is a statement's text, with the slot that each of its
// placeholders takes its value from.
type template struct {
	sql   string
	slots []int
}

// newTemplate renders stmt, whose values must all be slots: a value passed
// as it is would be the same for every search of the shape.
func newTemplate(stmt sq.Sqlizer) (*template, error) {
	sql, args, err := build(stmt)
	if err != nil {
		return nil, err
	}
	t := &template{sql: sql, slots: make([]int, len(args))}
	for i, a := range args {
		n, ok := a.(slot)
		if !ok {
			return nil, fmt.Errorf("postgres: build statement: value $%d of a template is not a slot", i+1)
		}
		t.slots[i] = int(n)
	}
	return t, nil
}

// args returns the template's arguments for the values of p, which an
// identical build collected.
func (t *template) args(p *params) ([]any, error) {
	args := make([]any, len(t.slots))
	for i, n := range t.slots {
		if n >= len(p.vals) {
			return nil, fmt.Errorf("postgres: build statement: template of another shape (slot %d of %d values)", n, len(p.vals))
		}
		args[i] = p.vals[n]
	}
	return encodable(args), nil
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
	for _, w := range strings.Split(t.Fold, " ") {
		if utf8.RuneCountInString(w) >= 3 {
			sh.words++
		}
	}
	return sh, sh.words <= maxTemplateWords
}

// templates holds a Store's templates by shape; the Stores that WithTx
// returns share it.
type templates struct{ m sync.Map }

// get returns the template of stmt, whose terms have shape sh (ok false:
// none is kept), rendering it once.
func (ts *templates) get(sh shape, ok bool, stmt sq.Sqlizer) (*template, error) {
	if ts != nil && ok {
		if t, hit := ts.m.Load(sh); hit {
			return t.(*template), nil
		}
	}
	t, err := newTemplate(stmt)
	if err != nil {
		return nil, err
	}
	if ts != nil && ok {
		ts.m.Store(sh, t)
	}
	return t, nil
}
