package redis_test

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/search"
)

// handPage is how many hits a hand-written search finds: a page of 20 and
// one more, to know whether there is a next page, as the store does.
const handPage = 21

// handHit is a hit of the hand-written search: its tier (1 exact, 2
// prefix, 3 substring), fold name and id.
type handHit struct {
	tier     int
	name, id string
}

// handSearch is the search a developer would write by hand to find the
// same page as the store, on the same keys: one pipeline reads the exact
// and prefix candidates of every key (those in result order only as far
// as a page, the others whole), a second round trip intersects the text's
// gram sets only when they leave the page short, Go ranks the candidates
// by tier, name and id, and one HMGET reads and decodes the page's
// organizations. A range in result order is read again, further on, only
// when hits of a better tier or the filter left its first page short. It
// returns the page's ids in order.
func handSearch(ctx context.Context, e *benchEnv, q datagen.Query) ([]string, error) {
	plan, err := search.Compile(e.provider.String(), search.Query{Text: q.Text, Filter: search.Filter{Tags: q.Tags}})
	if err != nil {
		return nil, err
	}
	t, base := plan.Terms, e.keys()
	if t.ID != "" {
		return []string{t.ID}, e.loadIDs(ctx, []string{t.ID})
	}
	var pass map[string]bool // nil: no filter
	if len(q.Tags) > 0 {
		var keys []string
		for _, tag := range q.Tags {
			keys = append(keys, base+"t:"+search.Fold(tag))
		}
		ids, err := e.c.SInter(ctx, keys...).Result()
		if err != nil {
			return nil, err
		}
		if t.Empty() {
			return e.handList(ctx, ids)
		}
		pass = make(map[string]bool, len(ids))
		for _, id := range ids {
			pass[id] = true
		}
	}
	passes := func(id string) bool { return pass == nil || pass[id] }
	if t.Empty() {
		r := handRange{key: base + "zn", start: "-", stop: "+", place: nameOf}
		if err := r.read(ctx, e.c); err != nil {
			return nil, err
		}
		hits, err := r.rest(ctx, e.c, 1, passes)
		if err != nil {
			return nil, err
		}
		return e.handLoad(ctx, hits)
	}

	// Round one: every key's candidates.
	whole := func(p goredis.Pipeliner, key, start, stop string) *goredis.StringSliceCmd {
		return p.ZRangeArgs(ctx, goredis.ZRangeArgs{Key: key, Start: start, Stop: stop, ByLex: true})
	}
	exactName := handRange{key: base + "zn", start: "[" + t.Fold + "\x00", stop: "(" + t.Fold + "\x01", place: nameOf}
	prefixName := handRange{key: base + "zn", start: "[" + t.Fold + "\x01", stop: "(" + t.Fold + "\xff", place: nameOf}
	prefixDigits := handRange{key: base + "zp", start: "[" + t.Digits + "\x00", stop: "(" + t.Digits + "\x01", place: keyedOf}
	var keyed []*goredis.StringSliceCmd // members "<key>\0<name>\0<id>"
	var keyOf []string                  // the text each is matched against
	if _, err := e.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		exactName.first(ctx, p)
		prefixName.first(ctx, p)
		keyed = append(keyed,
			whole(p, base+"zr", "["+t.Fold, "("+t.Fold+"\xff"),
			whole(p, base+"zc", "["+t.Fold, "("+t.Fold+"\xff"))
		keyOf = append(keyOf, t.Fold, t.Fold)
		if t.Digits != "" {
			keyed = append(keyed, whole(p, base+"zd", "["+t.Digits+"\x00", "("+t.Digits+"\x01"))
			keyOf = append(keyOf, t.Digits)
			prefixDigits.first(ctx, p)
		}
		return nil
	}); err != nil && !errors.Is(err, goredis.Nil) {
		return nil, err
	}

	// Rank: each organization at its best tier.
	best := make(map[string]handHit)
	offer := func(h handHit) {
		if b, ok := best[h.id]; (!ok || h.tier < b.tier) && passes(h.id) {
			best[h.id] = h
		}
	}
	for i, c := range keyed {
		for _, m := range c.Val() {
			name, id := keyedOf(m)
			tier := 2
			if k, _, _ := strings.Cut(m, "\x00"); k == keyOf[i] {
				tier = 1
			}
			offer(handHit{tier, name, id})
		}
	}
	exact, err := exactName.rest(ctx, e.c, 1, passes)
	if err != nil {
		return nil, err
	}
	for _, h := range exact {
		offer(h)
	}
	// Ranges in prefix order need a page of organizations no exact key
	// took.
	notExact := func(id string) bool { b, ok := best[id]; return passes(id) && (!ok || b.tier > 1) }
	ranges := []*handRange{&prefixName}
	if t.Digits != "" {
		ranges = append(ranges, &prefixDigits)
	}
	var prefix []handHit
	for _, r := range ranges {
		hs, err := r.rest(ctx, e.c, 2, notExact)
		if err != nil {
			return nil, err
		}
		prefix = append(prefix, hs...)
	}
	for _, h := range prefix {
		offer(h)
	}
	// Names that hold the text elsewhere, when the better tiers leave the
	// page short: ZINTER of the text's runs of 5 characters (of 3 when it
	// is shorter) is every name that holds them, in name order.
	if len(best) < handPage && t.Substring() {
		runs := charRuns(t.Fold, 5)
		if len(runs) == 0 {
			runs = charRuns(t.Fold, 3)
		}
		keys := make([]string, len(runs))
		for i, r := range runs {
			keys[i] = base + "g:" + r
		}
		names, err := e.c.ZInter(ctx, &goredis.ZStore{Keys: keys}).Result()
		if err != nil {
			return nil, err
		}
		for _, m := range names {
			name, id := nameOf(m)
			if strings.Contains(name, t.Fold) && !strings.HasPrefix(name, t.Fold) {
				offer(handHit{3, name, id})
			}
		}
	}
	hits := make([]handHit, 0, len(best))
	for _, h := range best {
		hits = append(hits, h)
	}
	return e.handLoad(ctx, hits)
}

// handList lists the organizations with the given ids by name: their
// names are in their metas.
func (e *benchEnv) handList(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	metas, err := e.c.HMGet(ctx, e.keys()+"k", ids...).Result()
	if err != nil {
		return nil, err
	}
	hits := make([]handHit, 0, len(ids))
	for i, v := range metas {
		if s, ok := v.(string); ok {
			// version:status \x1f managed by \x1f tags \x1f name \0 ...
			f := strings.SplitN(s, "\x1f", 4)
			if len(f) == 4 {
				name, _, _ := strings.Cut(f[3], "\x00")
				hits = append(hits, handHit{1, name, ids[i]})
			}
		}
	}
	return e.handLoad(ctx, hits)
}

// handLoad orders hits, reads the organizations of the first handPage and
// returns their ids.
func (e *benchEnv) handLoad(ctx context.Context, hits []handHit) ([]string, error) {
	slices.SortFunc(hits, func(a, b handHit) int {
		return cmp.Or(cmp.Compare(a.tier, b.tier), strings.Compare(a.name, b.name), strings.Compare(a.id, b.id))
	})
	ids := make([]string, 0, handPage)
	for _, h := range hits[:min(len(hits), handPage)] {
		ids = append(ids, h.id)
	}
	return ids, e.loadIDs(ctx, ids)
}

// handRange is a sorted-set range whose members are in result order, read
// a page at a time.
type handRange struct {
	key, start, stop string
	place            func(m string) (name, id string)
	cmd              *goredis.StringSliceCmd
}

func (r *handRange) args(start string) goredis.ZRangeArgs {
	return goredis.ZRangeArgs{Key: r.key, Start: start, Stop: r.stop, ByLex: true, Count: handPage}
}

// first queues the range's first page.
func (r *handRange) first(ctx context.Context, p goredis.Pipeliner) {
	r.cmd = p.ZRangeArgs(ctx, r.args(r.start))
}

// read reads the range's first page on its own.
func (r *handRange) read(ctx context.Context, c goredis.UniversalClient) error {
	r.cmd = c.ZRangeArgs(ctx, r.args(r.start))
	return r.cmd.Err()
}

// rest returns the first handPage members of the range that keep accepts,
// at tier, from the first page on, reading further pages as needed.
func (r *handRange) rest(ctx context.Context, c goredis.UniversalClient, tier int, keep func(id string) bool) ([]handHit, error) {
	var out []handHit
	ms, err := r.cmd.Result()
	for err == nil {
		for _, m := range ms {
			name, id := r.place(m)
			if keep(id) {
				out = append(out, handHit{tier, name, id})
				if len(out) == handPage {
					return out, nil
				}
			}
		}
		if len(ms) < handPage {
			return out, nil
		}
		ms, err = c.ZRangeArgs(ctx, r.args("("+ms[len(ms)-1])).Result()
	}
	return nil, err
}

// nameOf returns the name and id that start a name-set or gram-set member.
func nameOf(m string) (name, id string) {
	name, rest, _ := strings.Cut(m, "\x00")
	id, _, _ = strings.Cut(rest, "\x00")
	return name, id
}

// keyedOf returns the name and id of a "<key>\0<name>\0<id>" member.
func keyedOf(m string) (name, id string) {
	_, rest, _ := strings.Cut(m, "\x00")
	i := strings.LastIndexByte(rest, 0)
	return rest[:i], rest[i+1:]
}
