package redis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// Tuning of search. None of these changes results, only how they are found.
const (
	// metaBatch is how many metas one HMGET reads.
	metaBatch = 1000
	// smallFilter is the largest filter set (a tag, a status) that a listing
	// reads whole instead of walking the name index.
	smallFilter = 2000
)

// Search implements org.Store.
//
// A search by id reads the meta and the organization together, in one
// round trip. A first page with no filter is ranked in Go when two bounded
// reads at one instant are sure of it (rankedPage); any other search
// without a count is one pageScript call that returns just the page (see
// the package documentation). A search with a count reads candidates into
// Go, where search.Terms.Match decides every hit over the keys stored with
// the organization and the matches are counted:
//
//   - reference, contract and number prefixes (exact matches included):
//     ZRANGEBYLEX on their sorted sets, read whole;
//   - name prefix: ZRANGEBYLEX on the name set, already in result order,
//     read only as far as the page and the count need;
//   - name substring: ZINTER of the text's gram sets, then checked;
//   - empty text: the name set in order, or a small filter set read whole.
//
// Either way hits and their order equal the memory store's.
func (s *Store) Search(ctx context.Context, plan search.Plan) (org.SearchResult, error) {
	if err := s.ready(ctx); err != nil {
		return org.SearchResult{}, err
	}
	pid, err := uuid.Parse(plan.ProviderID)
	if err != nil {
		return org.SearchResult{}, fmt.Errorf("redis: provider id: %w", err)
	}
	x := &searcher{s: s, ctx: ctx, plan: plan, ks: s.keyspace(pid)}
	x.filterKeys, x.filterNone = filterSets(x.ks, plan.Filter)
	x.filtered = len(plan.Filter.Status) > 0 || len(plan.Filter.ManagedBy) > 0 || len(plan.Filter.Tags) > 0
	switch {
	case plan.Terms.ID != "":
		return x.byID()
	case x.filterNone:
		return x.finish(nil, 0)
	case !plan.Count:
		return x.page()
	case plan.Terms.Empty():
		return x.listAll()
	}
	return x.byText()
}

type searcher struct {
	s          *Store
	ctx        context.Context
	plan       search.Plan
	ks         keyspace
	filtered   bool
	filterKeys []string // sets an organization must be in to pass the filter
	filterNone bool     // the filter passes nothing
}

// cand is a matching organization that passed the filter.
type cand struct {
	id    string
	match search.Match
	pos   search.Position
}

// filterSets returns the sets whose intersection is what f passes, and
// whether f passes nothing. Statuses and managed-by values each have two
// possible values, so naming both is no constraint.
func filterSets(ks keyspace, f search.Filter) (keys []string, none bool) {
	one := func(values []string, known [2]string, key func(string) string) {
		if len(values) == 0 {
			return
		}
		var in []string
		for _, k := range known {
			if slices.Contains(values, k) {
				in = append(in, k)
			}
		}
		switch len(in) {
		case 0:
			none = true
		case 1:
			keys = append(keys, key(in[0]))
		}
	}
	one(f.Status, [2]string{org.StatusActive.String(), org.StatusSuspended.String()}, ks.status)
	one(f.ManagedBy, [2]string{ownership.Customer.String(), ownership.ServiceProvider.String()}, ks.managedBy)
	for _, t := range f.Tags {
		keys = append(keys, ks.tag(t))
	}
	return keys, none
}

// metas calls fn with the meta of each of ids, skipping those deleted
// meanwhile.
func (x *searcher) metas(ids []string, fn func(id string, m meta) error) error {
	for len(ids) > 0 {
		n := min(len(ids), metaBatch)
		vals, err := x.s.c.HMGet(x.ctx, x.ks.meta(), ids[:n]...).Result()
		if err != nil {
			return translate(err)
		}
		for i, v := range vals {
			str, ok := v.(string)
			if !ok {
				continue
			}
			m, err := decodeMeta(str)
			if err != nil {
				return err
			}
			if err := fn(ids[i], m); err != nil {
				return err
			}
		}
		ids = ids[n:]
	}
	return nil
}

func (x *searcher) accept(m meta) bool {
	return x.plan.Filter.Accept(m.status, m.managedBy, m.tags)
}

// evaluate matches ids (distinct) by their stored keys and filters them.
func (x *searcher) evaluate(ids []string) ([]cand, error) {
	out, _, err := x.evaluatePrefix(ids, "")
	return out, err
}

// evaluatePrefix is evaluate that also counts the ids whose name starts
// with prefix.
func (x *searcher) evaluatePrefix(ids []string, prefix string) ([]cand, int, error) {
	var out []cand
	n := 0
	err := x.metas(ids, func(id string, m meta) error {
		if strings.HasPrefix(m.name, prefix) {
			n++
		}
		match, ok := x.plan.Terms.Match(m.searchKeys(id))
		if ok && x.accept(m) {
			out = append(out, cand{id, match, search.PositionOf(match, m.name, id)})
		}
		return nil
	})
	return out, n, err
}

// byID answers a search by id. The meta decides the match and the filter;
// the organization is read with it in one MULTI/EXEC, so both are of the
// same version and the search costs one round trip.
func (x *searcher) byID() (org.SearchResult, error) {
	id := x.plan.Terms.ID
	var metaCmd, orgCmd *goredis.StringCmd
	_, err := x.s.c.TxPipelined(x.ctx, func(p goredis.Pipeliner) error {
		metaCmd = p.HGet(x.ctx, x.ks.meta(), id)
		orgCmd = p.HGet(x.ctx, x.ks.orgs(), id)
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return org.SearchResult{}, translate(err)
	}
	var cands []cand
	if str, err := metaCmd.Result(); err == nil {
		m, err := decodeMeta(str)
		if err != nil {
			return org.SearchResult{}, err
		}
		if match, ok := x.plan.Terms.Match(m.searchKeys(id)); ok && x.accept(m) {
			cands = append(cands, cand{id, match, search.PositionOf(match, m.name, id)})
		}
	}
	return x.finishWith(cands, len(cands), func([]string) ([]any, error) {
		body, err := orgCmd.Result()
		if errors.Is(err, goredis.Nil) {
			return []any{nil}, nil
		}
		return []any{body}, translate(err)
	})
}

// finish orders the candidates, keeps the page after the cursor and loads
// its organizations.
func (x *searcher) finish(cands []cand, count int) (org.SearchResult, error) {
	return x.finishWith(cands, count, func(ids []string) ([]any, error) {
		vals, err := x.s.c.HMGet(x.ctx, x.ks.orgs(), ids...).Result()
		return vals, translate(err)
	})
}

// finishWith is finish with the organizations of the page's ids read by
// load, a string for each one found.
func (x *searcher) finishWith(cands []cand, count int, load func(ids []string) ([]any, error)) (org.SearchResult, error) {
	var res org.SearchResult
	if x.plan.Count {
		res.Count = new(search.CountOf(count))
	}
	cands = slices.DeleteFunc(cands, func(c cand) bool { return !x.plan.Includes(c.pos) })
	slices.SortFunc(cands, func(a, b cand) int { return a.pos.Compare(b.pos) })
	if len(cands) > x.plan.Limit+1 {
		cands = cands[:x.plan.Limit+1]
	}
	if len(cands) == 0 {
		return res, nil
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	vals, err := load(ids)
	if err != nil {
		return org.SearchResult{}, err
	}
	for i, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue // deleted since it was found
		}
		o, err := decodeOrg([]byte(str))
		if err != nil {
			return org.SearchResult{}, err
		}
		res.Hits = append(res.Hits, org.Hit{Organization: o, Match: cands[i].match})
	}
	return res, nil
}

// nameRange walks the name set from start (a ZRANGEBYLEX bound) to stop, in
// result order, calling fn with each batch of names and ids until fn says
// it has enough.
func (x *searcher) nameRange(start, stop string, batch int, fn func(names, ids []string) (bool, error)) error {
	for {
		ms, err := x.s.c.ZRangeArgs(x.ctx, goredis.ZRangeArgs{Key: x.ks.names(), Start: start, Stop: stop, ByLex: true, Count: int64(batch)}).Result()
		if err != nil {
			return translate(err)
		}
		if len(ms) == 0 {
			return nil
		}
		names, ids := make([]string, len(ms)), make([]string, len(ms))
		for i, m := range ms {
			names[i], ids[i] = splitName(m)
		}
		enough, err := fn(names, ids)
		if err != nil || enough || len(ms) < batch {
			return err
		}
		start = "(" + ms[len(ms)-1]
	}
}

// streamNames collects up to limit+1 hits at tier from the name set between
// start and stop, skipping ids in skip and organizations the filter refuses.
// With counting set it reads the whole range and also returns how many
// passed (capped just past search.CountCap).
func (x *searcher) streamNames(start, stop string, tier search.Tier, skip map[string]bool, counting bool) ([]cand, int, error) {
	want := x.plan.Limit + 1
	batch := max(64, 2*want)
	if counting {
		batch = metaBatch
	}
	var out []cand
	n := 0
	take := func(name, id string) {
		n++
		if len(out) < want {
			m := search.Match{Tier: tier, Field: search.FieldName}
			p := search.PositionOf(m, name, id)
			if x.plan.Includes(p) {
				out = append(out, cand{id, m, p})
			}
		}
	}
	done := func() bool {
		if counting {
			return n > search.CountCap && len(out) >= want
		}
		return len(out) >= want
	}
	err := x.nameRange(start, stop, batch, func(names, ids []string) (bool, error) {
		if !x.filtered {
			for i := range ids {
				if !skip[ids[i]] {
					take(names[i], ids[i])
				}
			}
			return done(), nil
		}
		var keep []string
		byID := make(map[string]string, len(ids))
		for i, id := range ids {
			if !skip[id] {
				keep = append(keep, id)
				byID[id] = names[i]
			}
		}
		err := x.metas(keep, func(id string, m meta) error {
			if x.accept(m) {
				take(byID[id], id)
			}
			return nil
		})
		return done(), err
	})
	return out, n, err
}

// listAll answers empty text: every organization passing the filter, at
// tier exact, field name.
func (x *searcher) listAll() (org.SearchResult, error) {
	c := x.s.c
	if len(x.filterKeys) > 0 {
		cards := make([]*goredis.IntCmd, len(x.filterKeys))
		if _, err := c.Pipelined(x.ctx, func(p goredis.Pipeliner) error {
			for i, k := range x.filterKeys {
				cards[i] = p.SCard(x.ctx, k)
			}
			return nil
		}); err != nil {
			return org.SearchResult{}, translate(err)
		}
		smallest := slices.MinFunc(cards, func(a, b *goredis.IntCmd) int { return int(a.Val() - b.Val()) })
		if smallest.Val() <= smallFilter {
			ids, err := c.SInter(x.ctx, x.filterKeys...).Result()
			if err != nil {
				return org.SearchResult{}, translate(err)
			}
			cands, err := x.evaluate(ids)
			if err != nil {
				return org.SearchResult{}, err
			}
			return x.finish(cands, len(cands))
		}
	}
	start := "-"
	if a := x.plan.After; a != nil {
		if a.Tier > search.TierExact {
			start = "+"
		} else {
			start = afterName(a.Name, a.ID)
		}
	}
	var hits []cand
	var err error
	if start != "+" {
		hits, _, err = x.streamNames(start, "+", search.TierExact, nil, false)
		if err != nil {
			return org.SearchResult{}, err
		}
	}
	count := 0
	if x.plan.Count {
		switch len(x.filterKeys) {
		case 0:
			n, err := c.ZCard(x.ctx, x.ks.names()).Result()
			if err != nil {
				return org.SearchResult{}, translate(err)
			}
			count = int(n)
		default:
			n, err := c.SInterCard(x.ctx, search.CountCap+1, x.filterKeys...).Result()
			if err != nil {
				return org.SearchResult{}, translate(err)
			}
			count = int(n)
		}
	}
	return x.finish(hits, count)
}

// byText answers text that is not an id: exact and prefix matches of every
// key, and name substrings.
func (x *searcher) byText() (org.SearchResult, error) {
	t := x.plan.Terms
	ks := x.ks
	var (
		ranges    []*goredis.StringSliceCmd
		exactName *goredis.StringSliceCmd
		prefixN   *goredis.IntCmd
	)
	cmds, err := x.s.c.TxPipelined(x.ctx, func(p goredis.Pipeliner) error {
		lex := func(key, prefix string) *goredis.StringSliceCmd {
			return p.ZRangeArgs(x.ctx, goredis.ZRangeArgs{Key: key, Start: "[" + prefix, Stop: "(" + prefix + "\xff", ByLex: true})
		}
		ranges = append(ranges, lex(ks.refs(), t.Fold), lex(ks.contracts(), t.Fold))
		if t.Digits != "" {
			ranges = append(ranges, lex(ks.digits(), t.Digits))
		}
		exactName = p.ZRangeArgs(x.ctx, goredis.ZRangeArgs{Key: ks.names(), Start: "[" + t.Fold + sep, Stop: "(" + t.Fold + "\x01", ByLex: true})
		if x.plan.Count && !x.filtered {
			prefixN = p.ZLexCount(x.ctx, ks.names(), "["+t.Fold, "("+t.Fold+"\xff")
		}
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return org.SearchResult{}, translate(err)
	}
	for _, c := range cmds {
		if err := c.Err(); err != nil && !errors.Is(err, goredis.Nil) {
			return org.SearchResult{}, translate(err)
		}
	}
	// Candidates other than name prefixes, read whole.
	seen := make(map[string]bool)
	var ids []string
	addID := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, r := range append(ranges, exactName) {
		for _, m := range r.Val() {
			if r == exactName {
				_, id := splitName(m)
				addID(id)
			} else {
				addID(memberID(m))
			}
		}
	}
	cands, inRange, err := x.evaluatePrefix(ids, t.Fold)
	if err != nil {
		return org.SearchResult{}, err
	}
	// Name prefixes not among them come from the name set, in order.
	start, stop := "["+t.Fold, "("+t.Fold+"\xff"
	if a := x.plan.After; a != nil && a.Tier == search.TierPrefix {
		if after := afterName(a.Name, a.ID); after[1:] >= t.Fold {
			start = after
		}
	} else if a != nil && a.Tier > search.TierPrefix {
		start = ""
	}
	var stream []cand
	count := len(cands)
	counting := x.plan.Count && x.filtered
	if start != "" || counting {
		if counting {
			start = "[" + t.Fold // count the whole range; Includes keeps the page
		}
		var n int
		stream, n, err = x.streamNames(start, stop, search.TierPrefix, seen, counting)
		if err != nil {
			return org.SearchResult{}, err
		}
		if counting {
			count += n
		}
	}
	if prefixN != nil {
		// Every name in the prefix range matches; those also found above are
		// already counted.
		count += max(int(prefixN.Val())-inRange, 0)
	}
	hits := append(cands, stream...)
	// Substrings rank last: read them only when the exact and prefix tiers
	// leave the page short, or for a count.
	if t.Substring() && (x.plan.Count || x.pageShort(hits)) {
		sub, err := x.substrings(seen, stream)
		if err != nil {
			return org.SearchResult{}, err
		}
		count += len(sub)
		hits = append(hits, sub...)
	}
	return x.finish(hits, count)
}

// pageShort reports whether fewer than limit+1 of hits come after the
// cursor.
func (x *searcher) pageShort(hits []cand) bool {
	n := 0
	for _, h := range hits {
		if x.plan.Includes(h.pos) {
			n++
		}
	}
	return n <= x.plan.Limit
}

// substrings returns the name substring matches that are not among the
// organizations already found (seen, or streamed as name prefixes):
// candidates from the intersection of the text's gram sets, checked.
func (x *searcher) substrings(seen map[string]bool, stream []cand) ([]cand, error) {
	gs := textGrams(x.plan.Terms.Fold)
	keys := make([]string, len(gs))
	for i, g := range gs {
		keys[i] = x.ks.gram(g)
	}
	ms, err := x.s.c.ZInter(x.ctx, &goredis.ZStore{Keys: keys}).Result()
	if err != nil {
		return nil, translate(err)
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		_, ids[i] = splitName(m)
	}
	streamed := make(map[string]bool, len(stream))
	for _, c := range stream {
		streamed[c.id] = true
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return seen[id] || streamed[id] })
	cands, err := x.evaluate(ids)
	if err != nil {
		return nil, err
	}
	// Names with the text as a prefix were taken from the name set (or
	// counted there); keep only true substring matches.
	return slices.DeleteFunc(cands, func(c cand) bool { return c.match.Tier != search.TierSubstring }), nil
}
