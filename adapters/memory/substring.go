package memory

import (
	"math"
	"strings"

	"github.com/orgkit/orgkit/search"
)

// Substring matches come from the trigram index: every name holding the
// text holds each of its trigrams (of runes), so the names of the rarest
// trigram of the text are candidates, and each is checked with
// strings.Contains and then search.Terms.Match. The lists are in result
// order (see gramEntry), so the walk stops as soon as it has Limit+1 hits.
// A text whose trigrams are all common but rarely together walks the whole
// rarest list, which bounds the cost.

// rarest returns the shortest trigram list of the text, or nil when some
// trigram is in no name (so no name holds the text).
func (q *searcher) rarest() *ordered[gramEntry] {
	var best *ordered[gramEntry]
	for _, g := range trigrams(q.terms.Fold, nil) {
		l := q.t.grams[g]
		if l == nil {
			return nil
		}
		if best == nil || l.len() < best.len() {
			best = l
		}
	}
	return best
}

// substringWalk calls yield with each name of the rarest list that holds
// the text, in result order from the cursor on, until yield returns false.
func (q *searcher) substringWalk(yield func(slot uint32) bool) {
	l := q.rarest()
	if l == nil {
		return
	}
	const tier = search.TierSubstring
	t, fold := q.t, q.terms.Fold
	var start gramEntry
	if a := q.after; a != nil && a.tier == tier {
		start = newGramEntry(a.name, 0)
	}
	p := l.seek(func(e gramEntry) bool {
		c := compareKeys(e, start)
		return c < 0 || c == 0 && q.beforeCursor(tier, e.slot)
	})
	l.from(p, func(e gramEntry) bool {
		if strings.Contains(t.recs[e.slot].name(), fold) {
			return yield(e.slot)
		}
		return true
	})
}

// substringTier returns the first need substring matches after the cursor.
func (q *searcher) substringTier(need int) []cand {
	if !q.terms.Substring() {
		return nil
	}
	const tier = search.TierSubstring
	var out []cand
	q.substringWalk(func(s uint32) bool {
		if m, ok := q.match(s); ok && m.Tier == tier && q.afterCursor(tier, s) {
			out = append(out, cand{s, m})
		}
		return len(out) < need
	})
	return out[:min(len(out), need)]
}

// count counts the matches of the plan, ignoring the cursor, up to one
// past search.CountCap. Each organization is counted at the source of its
// best match, so once.
func (q *searcher) count() int {
	q.after = nil
	const limit = search.CountCap + 1
	if q.terms.ID != "" {
		return len(q.hits())
	}
	f := q.plan.Filter
	if q.terms.Empty() && f.Status == nil && f.ManagedBy == nil && f.Tags == nil {
		return len(q.t.ids)
	}
	n := 0
	q.bound = math.MaxUint64
	counter := func(tier search.Tier, field search.Field) func(uint32) bool {
		return func(slot uint32) bool {
			if m, ok := q.match(slot); ok && m.Tier == tier && m.Field == field {
				n++
			}
			return n < limit
		}
	}
	for tier := search.TierExact; tier <= search.TierPrefix && n < limit; tier++ {
		unordered, ordered := q.sources(tier)
		if ordered != nil {
			unordered = append(unordered, *ordered)
		}
		for _, src := range unordered {
			if n < limit {
				src.walk(counter(tier, src.field))
			}
		}
	}
	if n < limit && q.terms.Substring() {
		q.substringWalk(counter(search.TierSubstring, search.FieldName))
	}
	return n
}
