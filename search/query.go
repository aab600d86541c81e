package search

import (
	"fmt"
	"slices"
	"strings"
)

// Limits on a page of results and on counting.
const (
	// DefaultLimit is the page size when a query gives none.
	DefaultLimit = 20
	// MaxLimit is the largest page a query may ask for.
	MaxLimit = 100
	// CountCap is how far matches are counted exactly; beyond it a count is
	// reported as "10,000 or more", so that counting stays cheap.
	CountCap = 10000
)

// Position is a place in the result order: by tier, then by the name's fold
// key (bytes), then by id (bytes). Ordering on stored fold keys and ids,
// never on collation, lets every store return the same order, and the id
// makes every position unique so paging neither repeats nor skips.
type Position struct {
	Tier Tier
	Name string // fold key of the organization name
	ID   string // canonical lower-case UUID
}

// PositionOf returns the position of an organization that matched as m,
// with the given name fold key and id.
func PositionOf(m Match, nameFold, id string) Position {
	return Position{Tier: m.Tier, Name: nameFold, ID: id}
}

// Compare returns -1 when p comes before q, +1 when after, and 0 when they
// are the same position.
func (p Position) Compare(q Position) int {
	switch {
	case p.Tier < q.Tier:
		return -1
	case p.Tier > q.Tier:
		return 1
	}
	if c := strings.Compare(p.Name, q.Name); c != 0 {
		return c
	}
	return strings.Compare(p.ID, q.ID)
}

// Filter narrows results beyond the text. Its values are opaque here: the
// org package defines status and managed-by values, validates them and
// applies its defaults (such as listing only Active and Suspended
// organizations) before compiling a query.
type Filter struct {
	Status    []string // empty: any status; otherwise one of these
	ManagedBy []string // empty: any; otherwise one of these
	Tags      []string // fold keys; an organization must carry every one
}

// Accept reports whether an organization with the given status, managed-by
// value and tag fold keys passes f. Tags are compared as they are, so use it
// on a compiled filter ([Plan.Filter]), whose tags are fold keys.
func (f Filter) Accept(status, managedBy string, tagFolds []string) bool {
	if len(f.Status) > 0 && !slices.Contains(f.Status, status) {
		return false
	}
	if len(f.ManagedBy) > 0 && !slices.Contains(f.ManagedBy, managedBy) {
		return false
	}
	for _, t := range f.Tags {
		if !slices.Contains(tagFolds, t) {
			return false
		}
	}
	return true
}

// normalize folds tags and sorts and deduplicates every list, so that two
// filters that select the same organizations compare equal and bind the
// same cursors. Empty lists become nil.
func (f Filter) normalize() (Filter, error) {
	var tags []string
	for _, t := range f.Tags {
		t, err := checkText("tag", t)
		if err != nil {
			return Filter{}, err
		}
		if t = Fold(t); t == "" {
			return Filter{}, fmt.Errorf("%w: tag is empty", ErrInvalidQuery)
		}
		tags = append(tags, t)
	}
	return Filter{
		Status:    sortedSet(f.Status),
		ManagedBy: sortedSet(f.ManagedBy),
		Tags:      sortedSet(tags),
	}, nil
}

func sortedSet(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// Query is a search as a host receives it, before it is checked.
type Query struct {
	Text   string // what was typed in the search box; "" lists everything
	Filter Filter
	Limit  int    // page size; 0 means DefaultLimit, at most MaxLimit
	Cursor string // from Plan.Cursor for the previous page; "" for the first
	Count  bool   // also count all matches
}

// Plan is a compiled query that a store answers. The store returns the hits
// that match Terms and pass Filter and whose Position comes after After, in
// Position order, at most Limit+1 of them: the extra one tells that there is
// a next page and is not shown. When Count is set it also counts all matches
// (ignoring After); it may stop counting at CountCap+1.
type Plan struct {
	ProviderID string
	Terms      Terms
	// Filter is normalized: tags folded, every list deduplicated and
	// sorted, empty lists nil.
	Filter Filter
	After  *Position // nil on the first page
	Limit  int       // between 1 and MaxLimit
	Count  bool
}

// Compile checks q for the given provider and turns it into a [Plan].
//
// It parses the text ([ParseText]), normalizes the filter, applies
// [DefaultLimit] to a zero limit and refuses a negative one or one over
// [MaxLimit]. These errors wrap [ErrInvalidQuery]. A cursor is decoded and
// refused with [ErrInvalidCursor] when it is malformed or was made for
// another provider or another query, meaning other terms or another filter;
// the limit and Count may change between pages.
func Compile(providerID string, q Query) (Plan, error) {
	if providerID == "" {
		return Plan{}, fmt.Errorf("%w: provider id is empty", ErrInvalidQuery)
	}
	limit := q.Limit
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit < 0 || limit > MaxLimit:
		return Plan{}, fmt.Errorf("%w: limit %d is not between 1 and %d", ErrInvalidQuery, q.Limit, MaxLimit)
	}
	terms, err := ParseText(q.Text)
	if err != nil {
		return Plan{}, err
	}
	filter, err := q.Filter.normalize()
	if err != nil {
		return Plan{}, err
	}
	p := Plan{ProviderID: providerID, Terms: terms, Filter: filter, Limit: limit, Count: q.Count}
	if q.Cursor != "" {
		pos, err := p.decodeCursor(q.Cursor)
		if err != nil {
			return Plan{}, err
		}
		p.After = &pos
	}
	return p, nil
}

// Includes reports whether pos comes after the plan's cursor position, so
// belongs on this page or a later one. Without a cursor every position does.
func (p Plan) Includes(pos Position) bool {
	return p.After == nil || pos.Compare(*p.After) > 0
}

// Hit pairs a store's value (an organization, a row id) with how it matched
// and its place in the result order.
type Hit[T any] struct {
	Value    T
	Match    Match
	Position Position
}

// SortHits sorts hits into result order by Position, for stores that rank
// in memory.
func SortHits[T any](hits []Hit[T]) {
	slices.SortFunc(hits, func(a, b Hit[T]) int { return a.Position.Compare(b.Position) })
}
