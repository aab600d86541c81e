package redis

import (
	"context"

	goredis "github.com/redis/go-redis/v9"
)

// SetSearchTuning makes pageScript weigh walking against reading
// candidates with ratio r (0: walk whenever there are candidates; very
// large: never walk), read batch members at a time, give a walk slack
// times its expected length, walk a substring's smallest gram set whole
// when it has at most whole members, and leave prefix hits out of the
// substring tier by reading each candidate's meta (r 0) or the prefix hits
// by other keys (r > 0), so tests can check that every way of finding a
// page gives the same page. SetSearchTuning(s, 0, 0, 0, 0) restores the
// defaults.
func SetSearchTuning(s *Store, r float64, batch int, slack float64, whole int) {
	if batch == 0 {
		s.tuning = defaultTuning
		return
	}
	s.tuning = tuning{prefixRatio: r, substringRatio: r, listRatio: r, batch: batch, slack: slack, preLimit: 1 << 30, walkWhole: whole}
	if r == 0 {
		s.tuning.preLimit = 0
	}
}

// SetRankLimit sets the most members a range may hold that a page ranked
// in Go must read whole; 0 leaves every page to the page script.
func SetRankLimit(s *Store, n int) { s.tuning.rankLimit = n }

// SetTestHook has s call hook as a search ranks its page in Go: with
// "ranked" before it reads the page's organizations, and "served" when it
// returns the page it ranked rather than leave it to the page script.
func SetTestHook(s *Store, hook func(event string)) { s.testHook = hook }

// GlobEscape escapes a key prefix for SCAN's MATCH.
var GlobEscape = globEscape

// Downgrade turns the keys under prefix back into an earlier index layout,
// as an earlier orgkit wrote them: layout 1 (byte trigrams, no layout key)
// or 2 (character trigrams).
func Downgrade(ctx context.Context, c goredis.UniversalClient, prefix string, to int) error {
	metas, err := metaKeys(ctx, c, prefix, 0)
	if err != nil {
		return err
	}
	for _, k := range metas {
		if err := regram(ctx, c, k, grams, layoutGrams(to)); err != nil {
			return err
		}
	}
	if to == 1 {
		return c.Del(ctx, layoutKey(prefix)).Err()
	}
	return c.Set(ctx, layoutKey(prefix), to, 0).Err()
}
