package redis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	goredis "github.com/redis/go-redis/v9"
)

// layout is the version of the index layout this package writes and reads.
//
//	1  name grams: runs of 3 bytes (no layout key was written)
//	2  name grams: runs of 3 characters
//	3  name grams: runs of 3 and of 5 characters
//
// Only gram sets differ between them. A run of three ASCII characters is
// the same key in all three; a run of 3 bytes that is not one is never a
// run of 3 or 5 characters, so every layout's keys can be told apart.
const layout = 3

// layoutGrams returns how names were split into grams in layout n, for
// the layouts this version can reindex from and its own.
func layoutGrams(n int) func(string) []string {
	switch n {
	case 1:
		return byteTrigrams
	case 2:
		return trigrams
	case layout:
		return grams
	}
	panic(fmt.Sprintf("redis: no grams for layout %d", n))
}

// ErrLayout is returned by New when the keys under its prefix were written
// in an index layout that this version does not read: an earlier one, which
// Reindex rewrites, or a later one, written by a newer orgkit.
var ErrLayout = errors.New("redis: index layout")

// layoutKey holds the index layout of every key under the prefix. It has no
// hash tag: it is read when a Store is opened, never by a script.
func layoutKey(prefix string) string { return prefix + "layout" }

// checkLayout returns nil when the keys under prefix are in this version's
// layout, and records the layout when there are none yet.
func checkLayout(ctx context.Context, c goredis.UniversalClient, prefix string) error {
	n, err := storedLayout(ctx, c, prefix)
	if err != nil {
		return err
	}
	switch {
	case n == 0:
		set, err := c.SetNX(ctx, layoutKey(prefix), layout, 0).Result()
		if err != nil {
			return fmt.Errorf("redis: record index layout: %w", translate(err))
		}
		if !set { // another process recorded one first
			v, err := c.Get(ctx, layoutKey(prefix)).Result()
			if err != nil {
				return fmt.Errorf("redis: read index layout: %w", translate(err))
			}
			if v != strconv.Itoa(layout) {
				return fmt.Errorf("%w %s: recorded under prefix %q by another process; this one reads layout %d", ErrLayout, v, prefix, layout)
			}
		}
	case n < layout:
		return fmt.Errorf("%w %d: organizations under prefix %q were indexed by an earlier orgkit; run Reindex once, with every earlier process stopped", ErrLayout, n, prefix)
	case n > layout:
		return fmt.Errorf("%w %d: keys under prefix %q were written by a newer orgkit; this one reads layout %d", ErrLayout, n, prefix, layout)
	}
	return nil
}

// storedLayout returns the layout of the keys under prefix, or 0 when
// nothing is stored there yet.
func storedLayout(ctx context.Context, c goredis.UniversalClient, prefix string) (int, error) {
	v, err := c.Get(ctx, layoutKey(prefix)).Result()
	switch {
	case err == nil:
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("%w: key %s holds %q, not a layout version", ErrLayout, layoutKey(prefix), v)
		}
		return n, nil
	case !errors.Is(err, goredis.Nil):
		return 0, fmt.Errorf("redis: read index layout: %w", translate(err))
	}
	// No layout key: either nothing was stored under the prefix yet, or it
	// was written in layout 1, which kept none.
	metas, err := metaKeys(ctx, c, prefix, 1)
	if err != nil || len(metas) == 0 {
		return 0, err
	}
	return 1, nil
}

// metaKeys returns up to max (0: all) meta hash keys under prefix, one per
// provider, from every master of a cluster.
func metaKeys(ctx context.Context, c goredis.UniversalClient, prefix string, max int) ([]string, error) {
	var mu sync.Mutex
	var keys []string
	pattern := globEscape(prefix) + "{p:*}:k"
	err := forEachMaster(ctx, c, func(ctx context.Context, n goredis.UniversalClient) error {
		it := n.ScanType(ctx, 0, pattern, 1000, "hash").Iterator()
		for it.Next(ctx) {
			mu.Lock()
			keys = append(keys, it.Val())
			full := max > 0 && len(keys) >= max
			mu.Unlock()
			if full {
				return nil
			}
		}
		return it.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("redis: scan for stored organizations: %w", translate(err))
	}
	return keys, nil
}

// globEscape escapes the characters that SCAN's MATCH pattern reads as
// wildcards.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// reindexBatch is how many organizations Reindex rewrites per transaction.
const reindexBatch = 500

// Reindex rewrites the name gram sets of every organization under the
// prefix (DefaultKeyPrefix, or WithKeyPrefix among opts) from an earlier
// layout into the one this version reads, then records the layout, so that
// New accepts the keys again. Organizations, their other index entries and
// their events are left as they are.
//
// Run it once after upgrading from an orgkit that wrote an earlier layout,
// with every process of the earlier version stopped (they would go on
// writing the old grams) and before opening a Store. It works one provider at a time,
// reindexBatch organizations per MULTI/EXEC; if it stops part way, run it
// again: each step removes what is left of the old entries and adds what is
// missing of the new, so a second run finishes the first. It does nothing
// when the layout is already current, and refuses a later one.
func Reindex(ctx context.Context, client goredis.UniversalClient, opts ...Option) error {
	s := &Store{prefix: DefaultKeyPrefix}
	for _, opt := range opts {
		opt(s)
	}
	n, err := storedLayout(ctx, client, s.prefix)
	switch {
	case err != nil:
		return err
	case n == 0 || n == layout:
		return checkLayout(ctx, client, s.prefix)
	case n > layout:
		return fmt.Errorf("%w %d: keys under prefix %q were written by a newer orgkit; this one reads layout %d", ErrLayout, n, s.prefix, layout)
	}
	metas, err := metaKeys(ctx, client, s.prefix, 0)
	if err != nil {
		return err
	}
	for _, k := range metas {
		if err := regram(ctx, client, k, layoutGrams(n), grams); err != nil {
			return err
		}
	}
	if err := client.Set(ctx, layoutKey(s.prefix), layout, 0).Err(); err != nil {
		return fmt.Errorf("redis: record index layout: %w", translate(err))
	}
	return nil
}

// regram moves the organizations of one meta hash from the gram sets of one
// layout (from) to those of another (to).
func regram(ctx context.Context, c goredis.UniversalClient, metaKey string, from, to func(string) []string) error {
	ks := keyspace{base: strings.TrimSuffix(metaKey, "k")}
	it := c.HScan(ctx, metaKey, 0, "", reindexBatch).Iterator()
	var batch [][2]string // id, encoded meta
	flush := func() error {
		_, err := c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			for _, b := range batch {
				m, err := decodeMeta(b[1])
				if err != nil {
					return fmt.Errorf("%w: organization %s in %s", err, b[0], metaKey)
				}
				member := m.name + sep + b[0]
				old, next := from(m.name), to(m.name)
				// A batch is one transaction, so an organization is either
				// wholly moved or not at all: the grams common to both
				// layouts are in place either way.
				for _, g := range old {
					if !slices.Contains(next, g) {
						p.ZRem(ctx, ks.gram(g), member)
					}
				}
				for _, g := range next {
					if !slices.Contains(old, g) {
						p.ZAdd(ctx, ks.gram(g), goredis.Z{Member: member})
					}
				}
			}
			return nil
		})
		batch = batch[:0]
		if err != nil {
			return fmt.Errorf("redis: reindex %s: %w", metaKey, translate(err))
		}
		return nil
	}
	for it.Next(ctx) {
		id := it.Val()
		if !it.Next(ctx) {
			break
		}
		batch = append(batch, [2]string{id, it.Val()})
		if len(batch) == reindexBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := it.Err(); err != nil {
		return fmt.Errorf("redis: reindex %s: %w", metaKey, translate(err))
	}
	if len(batch) > 0 {
		return flush()
	}
	return nil
}
