package redis

import (
	"slices"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/search"
)

// rankedPage finds a page without pageScript when a few bounded reads are
// sure to hold it: a search with no filter and no cursor whose exact and
// prefix candidates fill the page, or leave it short with no name holding
// the text elsewhere. Moving a member into a script costs the server about
// twice what sending it does, so on a prefix page ranking in Go costs the
// server about half the script's time or less.
//
// It takes two round trips, each one MULTI/EXEC on the provider's slot:
// the first reads the candidates and the last entry of the provider's
// event stream, the second the page's organizations and that entry again.
// Every change appends an event in the step that makes it, so when the
// entry is the same both reads saw the provider as it was at one instant,
// as the script does. When it is not, or when the reads cannot be sure of
// the page (a range read whole holds more than the tuning's rankLimit
// members, or the page is short and names may hold the text elsewhere),
// it returns ok false and the script finds the page.
func (x *searcher) rankedPage() (res org.SearchResult, ok bool, err error) {
	limit := x.s.tuning.rankLimit
	if limit <= 0 || len(x.filterKeys) > 0 || x.plan.After != nil {
		return res, false, nil
	}
	t, ks, ctx := x.plan.Terms, x.ks, x.ctx
	want := x.plan.Limit + 1
	var (
		ranges  []*rankRange
		last    *goredis.XMessageSliceCmd
		gramsIn *goredis.IntCmd
		grams   []string
	)
	if !t.Empty() && t.Substring() {
		grams = textGrams(t.Fold)
	}
	_, err = x.s.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		last = p.XRevRangeN(ctx, ks.stream(), "+", "-", 1)
		add := func(r *rankRange, key, start, stop string) {
			r.cmd = p.ZRangeArgs(ctx, goredis.ZRangeArgs{Key: key, Start: start, Stop: stop, ByLex: true, Count: int64(r.count)})
			ranges = append(ranges, r)
		}
		if t.Empty() {
			add(&rankRange{count: want, ordered: true, tier: search.TierExact}, ks.names(), "-", "+")
			return nil
		}
		fold := t.Fold
		// References, contracts and exact numbers are read whole, to rank
		// by name; the name and digit-prefix sets are in result order.
		for _, key := range []string{ks.refs(), ks.contracts()} {
			add(&rankRange{count: limit + 1, keyed: true, exactKey: fold, tier: search.TierPrefix}, key, "["+fold, "("+fold+"\xff")
		}
		add(&rankRange{count: want, ordered: true, tier: search.TierExact}, ks.names(), "["+fold+sep, "("+fold+"\x01")
		add(&rankRange{count: want, ordered: true, tier: search.TierPrefix}, ks.names(), "["+fold+"\x01", "("+fold+"\xff")
		if d := t.Digits; d != "" {
			add(&rankRange{count: limit + 1, keyed: true, exactKey: d, tier: search.TierPrefix}, ks.digits(), "["+d+sep, "("+d+"\x01")
			add(&rankRange{count: want, ordered: true, keyed: true, tier: search.TierPrefix}, ks.digitPrefixes(), "["+d+sep, "("+d+"\x01")
		}
		if len(grams) > 0 {
			keys := make([]string, len(grams))
			for i, g := range grams {
				keys[i] = ks.gram(g)
			}
			gramsIn = p.Exists(ctx, keys...)
		}
		return nil
	})
	if err != nil {
		return res, false, translate(err)
	}

	// A range in result order needs no more than a page: its members are
	// that many organizations, each at its place there or better, so the
	// page holds none of the members after them.
	best := make(map[string]rankHit)
	for _, r := range ranges {
		ms := r.cmd.Val()
		if len(ms) == r.count && !r.ordered {
			return res, false, nil // it may hold more
		}
		for _, m := range ms {
			h := r.hit(m)
			if b, ok := best[h.pos.ID]; !ok || h.pos.Tier < b.pos.Tier {
				best[h.pos.ID] = h
			}
		}
	}
	hits := make([]rankHit, 0, len(best))
	for _, h := range best {
		hits = append(hits, h)
	}
	slices.SortFunc(hits, func(a, b rankHit) int { return a.pos.Compare(b.pos) })
	hits = hits[:min(len(hits), want)]
	// Redis deletes an empty set, so when one of the text's gram sets is
	// missing no name holds the text.
	if len(hits) < want && gramsIn != nil && gramsIn.Val() == int64(len(grams)) {
		return res, false, nil
	}
	x.s.hook("ranked")
	if len(hits) == 0 {
		x.s.hook("served")
		return res, true, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.pos.ID
	}
	var bodies *goredis.SliceCmd
	var again *goredis.XMessageSliceCmd
	if _, err := x.s.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		bodies = p.HMGet(ctx, ks.orgs(), ids...)
		again = p.XRevRangeN(ctx, ks.stream(), "+", "-", 1)
		return nil
	}); err != nil {
		return res, false, translate(err)
	}
	if lastID(again) != lastID(last) {
		return res, false, nil // a change came between the two reads
	}
	for i, v := range bodies.Val() {
		body, ok := v.(string)
		if !ok {
			return res, false, nil // unreachable: no change came between
		}
		h, err := x.pageHit(hits[i].pos.Tier, ids[i], hits[i].sent(), body)
		if err != nil {
			return res, false, err
		}
		res.Hits = append(res.Hits, h)
	}
	x.s.hook("served")
	return res, true, nil
}

// lastID returns the id of the stream entry that cmd read, "" for none.
func lastID(cmd *goredis.XMessageSliceCmd) string {
	if ms := cmd.Val(); len(ms) > 0 {
		return ms[0].ID
	}
	return ""
}

// rankRange is a sorted-set range read for rankedPage.
type rankRange struct {
	cmd   *goredis.StringSliceCmd
	count int // the most members read; a range that returns as many may hold more
	// ordered ranges are in result order and may be read in part; the
	// others must be read whole.
	ordered bool
	// keyed ranges hold "<key>\0<name>\0<id>", the others name-set members.
	keyed bool
	// A keyed member whose key is exactKey is an exact hit; every other
	// member is at tier.
	exactKey string
	tier     search.Tier
}

// rankHit is a candidate of rankedPage: its place in the result order,
// and its name-set member when it was found in the name set ("" else).
type rankHit struct {
	pos    search.Position
	member string
}

// sent returns the hit's keys as pageHit takes them (see hitKeys). Only a
// page's hits need them, not every candidate.
func (h rankHit) sent() string {
	if h.member != "" {
		return "n" + h.member
	}
	return "k" + h.pos.Name
}

// hit returns the candidate that member m of the range is.
func (r *rankRange) hit(m string) rankHit {
	tier := r.tier
	if !r.keyed {
		name, id := splitName(m)
		return rankHit{search.Position{Tier: tier, Name: name, ID: id}, m}
	}
	key, rest, _ := strings.Cut(m, sep)
	i := strings.LastIndex(rest, sep)
	name, id := rest[:max(i, 0)], rest[i+1:]
	if key == r.exactKey {
		tier = search.TierExact
	}
	return rankHit{pos: search.Position{Tier: tier, Name: name, ID: id}}
}
