package memory

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/search"
)

// Search implements org.Store from the indexes; see searcher for how each
// kind of text is answered.
func (s *Store) Search(ctx context.Context, plan search.Plan) (org.SearchResult, error) {
	if err := ctx.Err(); err != nil {
		return org.SearchResult{}, err
	}
	providerID, err := uuid.Parse(plan.ProviderID)
	if err != nil {
		return org.SearchResult{}, fmt.Errorf("memory: provider id: %w", err)
	}
	q := searcher{plan: plan, terms: plan.Terms, need: plan.Limit + 1}
	if a := plan.After; a != nil {
		id, err := uuid.Parse(a.ID)
		if err != nil {
			return org.SearchResult{}, fmt.Errorf("%w: cursor id", search.ErrInvalidCursor)
		}
		q.after = &after{tier: a.Tier, name: a.Name, id: id}
	}
	if err := s.flush(providerID); err != nil {
		return org.SearchResult{}, err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return org.SearchResult{}, ErrClosed
	}
	var res org.SearchResult
	t := s.tenant(providerID, false)
	for t != nil && len(t.pending) > 0 {
		// An import came between the flush and the read lock.
		s.mu.RUnlock()
		if err := s.flush(providerID); err != nil {
			return org.SearchResult{}, err
		}
		s.mu.RLock()
		t = s.tenant(providerID, false)
	}
	if t == nil {
		s.mu.RUnlock()
		if plan.Count {
			res.Count = new(search.CountOf(0))
		}
		return res, nil
	}
	q.t = t
	hits := q.hits()
	// Records are copied out under the lock and decoded after it: stored
	// snapshots never change.
	found := make([]record, len(hits))
	for i, h := range hits {
		found[i] = t.recs[h.slot]
	}
	if plan.Count {
		res.Count = new(search.CountOf(q.count()))
	}
	s.mu.RUnlock()
	for i, h := range hits {
		o, err := found[i].organization()
		if err != nil {
			return org.SearchResult{}, err
		}
		res.Hits = append(res.Hits, org.Hit{Organization: o, Match: h.m})
	}
	return res, nil
}

// flush links imported organizations still pending in the provider's
// search indexes, under the write lock; most searches find none pending
// and take only the read lock.
func (s *Store) flush(providerID uuid.UUID) error {
	s.mu.RLock()
	t := s.tenant(providerID, false)
	pending := t != nil && len(t.pending) > 0
	s.mu.RUnlock()
	if !pending {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if t := s.tenant(providerID, false); t != nil && len(t.pending) > 0 {
		t.flush()
	}
	return nil
}

// after is the cursor's position with its id parsed.
type after struct {
	tier search.Tier
	name string
	id   uuid.UUID
}

// cand is a matching organization.
type cand struct {
	slot uint32
	m    search.Match
}

// searcher answers one plan over one tenant, under the read lock.
//
// Hits come tier by tier. Within a tier, every index that can give a match
// of that tier is a source, and an organization is taken only from the
// source of its best match (search.Terms.Match, the reference semantics,
// decides), so it appears once without a set of seen ids. Name sources
// (exact, prefix, a scan for substrings, tag lists for empty text) run in
// result order and stop after Limit+1 hits; the others (numbers,
// references, contracts, trigram candidates) are in their own key order, so
// their matches go through a bounded selection of the Limit+1 first, never a
// sort of all of them.
type searcher struct {
	t     *tenant
	plan  search.Plan
	terms search.Terms
	after *after
	need  int
	// bound is the nameKey of the last hit on a full page of the current
	// tier: an organization whose nameKey is greater cannot make the page.
	bound uint64
	// scratch, reused for each candidate
	keys search.Keys
	tags []string
}

// source is an index walk that yields slots; field is the match it gives.
type source struct {
	field search.Field
	walk  func(yield func(slot uint32) bool)
}

// match returns the best match of the organization in slot, and false when
// it does not match or does not pass the filter.
func (q *searcher) match(slot uint32) (search.Match, bool) {
	r := &q.t.recs[slot]
	q.keys.Name, q.keys.CustomerReference, q.keys.ExternalContract = r.name(), r.ref(), r.contract()
	q.keys.Numbers = split(q.keys.Numbers[:0], r.numbers())
	if q.terms.ID != "" {
		q.keys.ID = r.id.String()
	}
	m, ok := q.terms.Match(q.keys)
	if !ok {
		return m, false
	}
	q.tags = split(q.tags[:0], r.tags())
	return m, q.plan.Filter.Accept(r.status.String(), r.managed.String(), q.tags)
}

// compare orders a match of slot at tier against the cursor position.
func (q *searcher) afterCursor(tier search.Tier, slot uint32) bool {
	a := q.after
	if a == nil || tier > a.tier {
		return true
	}
	if tier < a.tier {
		return false
	}
	r := &q.t.recs[slot]
	if c := strings.Compare(r.name(), a.name); c != 0 {
		return c > 0
	}
	return bytes.Compare(r.id[:], a.id[:]) > 0
}

// beforeCursor reports, for walks in result order, whether slot comes at or
// before the cursor within tier, so a walk can seek past it.
func (q *searcher) beforeCursor(tier search.Tier, slot uint32) bool {
	return q.after != nil && q.after.tier == tier && !q.afterCursor(tier, slot)
}

func (q *searcher) hits() []cand {
	if q.terms.ID != "" {
		id, err := uuid.Parse(q.terms.ID)
		if err != nil {
			return nil
		}
		if slot, ok := q.t.get(id); ok {
			if m, ok := q.match(slot); ok && q.afterCursor(m.Tier, slot) {
				return []cand{{slot, m}}
			}
		}
		return nil
	}
	var out []cand
	for tier := search.TierExact; tier <= search.TierSubstring && len(out) < q.need; tier++ {
		if q.after != nil && q.after.tier > tier {
			continue
		}
		if tier == search.TierSubstring {
			out = append(out, q.substringTier(q.need-len(out))...)
			break
		}
		unordered, ordered := q.sources(tier)
		out = append(out, q.tier(tier, unordered, ordered, q.need-len(out))...)
	}
	return out
}

// tier returns the first need hits of tier after the cursor, in order.
// Matches go through a max-heap of the need first seen so far, so any
// number of them costs no sort; q.bound lets sources skip entries that
// cannot make the page.
func (q *searcher) tier(tier search.Tier, unordered []source, ordered *source, need int) []cand {
	h := candHeap{q: q}
	q.bound = math.MaxUint64
	add := func(c cand) {
		switch {
		case len(h.c) < need:
			h.push(c)
		case q.compareCands(c, h.c[0]) < 0:
			h.c[0] = c
			h.down(0)
		default:
			return
		}
		if len(h.c) == need {
			q.bound = nameKey(q.t.recs[h.c[0].slot].name())
		}
	}
	for _, src := range unordered {
		src.walk(func(slot uint32) bool {
			if m, ok := q.match(slot); ok && m.Tier == tier && m.Field == src.field && q.afterCursor(tier, slot) {
				add(cand{slot, m})
			}
			return true
		})
	}
	if ordered != nil {
		got := 0
		ordered.walk(func(slot uint32) bool {
			if m, ok := q.match(slot); ok && m.Tier == tier && m.Field == ordered.field && q.afterCursor(tier, slot) {
				add(cand{slot, m})
				got++
			}
			return got < need
		})
	}
	slices.SortFunc(h.c, q.compareCands)
	return h.c
}

// candHeap is a max-heap of candidates in result order.
type candHeap struct {
	q *searcher
	c []cand
}

func (h *candHeap) less(i, j int) bool { return h.q.compareCands(h.c[i], h.c[j]) > 0 }

func (h *candHeap) push(c cand) {
	h.c = append(h.c, c)
	for i := len(h.c) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(i, p) {
			break
		}
		h.c[i], h.c[p] = h.c[p], h.c[i]
		i = p
	}
}

func (h *candHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h.c) {
			return
		}
		if r := l + 1; r < len(h.c) && h.less(r, l) {
			l = r
		}
		if !h.less(l, i) {
			return
		}
		h.c[i], h.c[l] = h.c[l], h.c[i]
		i = l
	}
}

func (q *searcher) compareCands(a, b cand) int {
	if a.m.Tier != b.m.Tier {
		return int(a.m.Tier) - int(b.m.Tier)
	}
	return q.t.byName(a.slot, b.slot)
}

// sources returns the index walks that can give matches of tier: those in
// their own order, and at most one in result order.
func (q *searcher) sources(tier search.Tier) (unordered []source, ordered *source) {
	t, fold := q.t, q.terms.Fold
	if q.terms.Empty() {
		if tier != search.TierExact {
			return nil, nil
		}
		return nil, &source{search.FieldName, q.listAll()}
	}
	switch tier {
	case search.TierExact, search.TierPrefix:
		exact := tier == search.TierExact
		if q.terms.Digits != "" {
			unordered = append(unordered, source{search.FieldNumber, q.numberWalk(exact)})
		}
		unordered = append(unordered,
			source{search.FieldCustomerReference, keyWalk(t, t.refs, fold, exact, func(r *record) string { return r.ref() })},
			source{search.FieldExternalContract, keyWalk(t, t.contracts, fold, exact, func(r *record) string { return r.contract() })})
		return unordered, &source{search.FieldName, q.nameWalk(tier, exact)}
	}
	return nil, nil
}

// listAll walks every organization in result order, or, with a tag
// filter, those carrying the rarest tag asked for.
func (q *searcher) listAll() func(func(uint32) bool) {
	l := q.t.names
	for _, tag := range q.plan.Filter.Tags {
		tl := q.t.tags[tag]
		if tl == nil {
			return func(func(uint32) bool) {}
		}
		if tl.len() < l.len() {
			l = tl
		}
	}
	return func(yield func(uint32) bool) {
		l.from(l.seek(func(s uint32) bool { return q.beforeCursor(search.TierExact, s) }), yield)
	}
}

// nameWalk walks the names equal to the text (exact) or starting with it,
// in result order, from the cursor.
func (q *searcher) nameWalk(tier search.Tier, exact bool) func(func(uint32) bool) {
	t, fold := q.t, q.terms.Fold
	return func(yield func(uint32) bool) {
		p := t.names.seek(func(s uint32) bool { return t.recs[s].name() < fold || q.beforeCursor(tier, s) })
		t.names.from(p, func(s uint32) bool {
			name := t.recs[s].name()
			if exact && name != fold || !strings.HasPrefix(name, fold) {
				return false
			}
			return yield(s)
		})
	}
}

// keyWalk walks a unique key index (references, contracts): the one key
// equal to fold, or every key starting with it.
func keyWalk(t *tenant, l *ordered[uint32], fold string, exact bool, key func(*record) string) func(func(uint32) bool) {
	return func(yield func(uint32) bool) {
		l.from(l.seek(func(s uint32) bool { return key(&t.recs[s]) < fold }), func(s uint32) bool {
			k := key(&t.recs[s])
			if exact && k != fold || !strings.HasPrefix(k, fold) {
				return false
			}
			return yield(s)
		})
	}
}

// numberWalk walks the numbers equal to the digits (exact) or starting with
// them. An organization with several such numbers is yielded once, for the
// first of them.
func (q *searcher) numberWalk(exact bool) func(func(uint32) bool) {
	t, digits := q.t, q.terms.Digits
	return func(yield func(uint32) bool) {
		lo, hi, ok := numberRange(digits)
		if !ok {
			return
		}
		if exact {
			if slot, ok := t.numberHolder(digits); ok {
				yield(slot)
			}
			return
		}
		t.numbers.from(t.numbers.seek(func(e numEntry) bool { return e.key < lo }), func(e numEntry) bool {
			if e.key >= hi {
				return false
			}
			if int(e.key&0xf) < len(digits) || e.name > q.bound {
				// Shorter than the digits, or sorts after a full page.
				return true
			}
			// Numbers are kept sorted, so the first that starts with the
			// digits is the lowest key among the organization's matches.
			nums := t.recs[e.slot].numbers()
			for nums != "" {
				n := nums[:strings.IndexByte(nums, 0)]
				if strings.HasPrefix(n, digits) {
					if k, _ := numberKey(n); k != e.key {
						return true // yielded for that one
					}
					break
				}
				nums = nums[len(n)+1:]
			}
			return yield(e.slot)
		})
	}
}
