package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/org"
)

// storedPrefix returns how many of organizations 0 to n-1 are already in st.
// The loader stores them in order, a batch at a time and each batch whole,
// so what an earlier run left is organizations 0 to k-1: a binary search
// over Get finds k in about log2(n) reads, on any store.
func storedPrefix(ctx context.Context, st org.Store, gen *datagen.Generator, n int) (int, error) {
	lo, hi := 0, n // organizations below lo are stored, from hi on they are not
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		_, err := st.Get(ctx, gen.ProviderID(), gen.ID(mid))
		switch {
		case err == nil:
			lo = mid + 1
		case errors.Is(err, org.ErrNotFound):
			hi = mid
		default:
			return 0, err
		}
	}
	return lo, nil
}

// fill stores organizations from to n-1 of gen in st, size at a time, and
// calls progress with the number stored so far (from included) after each
// step. It returns that number, also on failure: everything below it is
// stored. Organizations below from are generated but not stored, since the
// generator makes every batch from the first.
func fill(ctx context.Context, st org.Store, gen *datagen.Generator, from, n, size int, progress func(done int)) (int, error) {
	done := from
	imp, bulk := st.(org.Importer)
	err := gen.Batches(ctx, n, size, func(first int, items []org.Imported) error {
		if first+len(items) <= from {
			return nil
		}
		if first < from {
			items, first = items[from-first:], from
		}
		if !bulk {
			// One Create per organization: each is atomic on its own.
			for i, it := range items {
				if _, err := st.Create(ctx, org.Creation{Organization: it.Organization, Event: it.Event}); err != nil {
					return fmt.Errorf("create organization %d: %w", first+i, err)
				}
				done++
			}
			progress(done)
			return nil
		}
		if err := imp.Import(ctx, items); err != nil {
			return fmt.Errorf("import organizations %d to %d: %w", first, first+len(items)-1, err)
		}
		done = first + len(items)
		progress(done)
		return nil
	})
	return done, err
}
