package memory

import "slices"

// blockMax is the most entries a block of an ordered list holds. Inserting
// moves at most this many entries, and a list of a million entries has a
// few thousand blocks to search.
const blockMax = 512

// ordered is a sorted list in blocks: a B-tree of height two. It keeps
// entries in the order of cmp, which may read other state (a slot's name,
// say) as long as that state does not change while the entry is listed.
type ordered[T any] struct {
	blocks [][]T
	cmp    func(a, b T) int
	n      int
}

func newOrdered[T any](cmp func(a, b T) int) *ordered[T] { return &ordered[T]{cmp: cmp} }

// pos is a place in an ordered list: a block and an index in it.
type pos struct{ b, i int }

// seek returns the first place whose entry e has before(e) false, where
// before must be true for a prefix of the list and false after it.
func (o *ordered[T]) seek(before func(T) bool) pos {
	b, _ := slices.BinarySearchFunc(o.blocks, 0, func(blk []T, _ int) int {
		if before(blk[len(blk)-1]) {
			return -1
		}
		return 1
	})
	if b == len(o.blocks) {
		return pos{b, 0}
	}
	blk := o.blocks[b]
	i, _ := slices.BinarySearchFunc(blk, 0, func(e T, _ int) int {
		if before(e) {
			return -1
		}
		return 1
	})
	return pos{b, i}
}

// at returns the entry at p and whether p is inside the list.
func (o *ordered[T]) at(p pos) (T, bool) {
	if p.b >= len(o.blocks) {
		var zero T
		return zero, false
	}
	return o.blocks[p.b][p.i], true
}

// from calls yield for each entry from p on, in order, until it returns
// false.
func (o *ordered[T]) from(p pos, yield func(T) bool) {
	for b := p.b; b < len(o.blocks); b++ {
		blk := o.blocks[b]
		i := 0
		if b == p.b {
			i = p.i
		}
		for ; i < len(blk); i++ {
			if !yield(blk[i]) {
				return
			}
		}
	}
}

func (o *ordered[T]) lowerBound(x T) pos {
	return o.seek(func(e T) bool { return o.cmp(e, x) < 0 })
}

// insert adds x; an entry equal to it must not be listed.
func (o *ordered[T]) insert(x T) {
	o.n++
	if len(o.blocks) == 0 {
		// Most trigram lists hold a handful of names: start small.
		o.blocks = [][]T{{x}}
		return
	}
	p := o.lowerBound(x)
	if p.b == len(o.blocks) {
		// After every entry: into the last block.
		p = pos{len(o.blocks) - 1, len(o.blocks[len(o.blocks)-1])}
	}
	blk := slices.Insert(o.blocks[p.b], p.i, x)
	if len(blk) <= blockMax {
		o.blocks[p.b] = blk
		return
	}
	// Split a full block in two halves, each with room to grow.
	half := len(blk) / 2
	left := make([]T, half, blockMax)
	copy(left, blk[:half])
	right := make([]T, len(blk)-half, blockMax)
	copy(right, blk[half:])
	o.blocks[p.b] = left
	o.blocks = slices.Insert(o.blocks, p.b+1, right)
}

// remove deletes the entry equal to x and reports whether it was listed.
func (o *ordered[T]) remove(x T) bool {
	p := o.lowerBound(x)
	e, ok := o.at(p)
	if !ok || o.cmp(e, x) != 0 {
		return false
	}
	o.n--
	blk := slices.Delete(o.blocks[p.b], p.i, p.i+1)
	if len(blk) == 0 {
		o.blocks = slices.Delete(o.blocks, p.b, p.b+1)
		return true
	}
	o.blocks[p.b] = blk
	return true
}

// len returns the number of entries.
func (o *ordered[T]) len() int { return o.n }

// merge adds every entry of xs, none of them listed yet, at once: xs is
// sorted and merged with the list into fresh blocks, three quarters full so
// that later inserts rarely split. It costs one pass over the list, so it
// beats inserting one by one when xs is a sizeable part of it.
func (o *ordered[T]) merge(xs []T) {
	if len(xs) == 0 {
		return
	}
	slices.SortFunc(xs, o.cmp)
	const fill = blockMax * 3 / 4
	var blocks [][]T
	cur := make([]T, 0, min(blockMax, o.n+len(xs)))
	push := func(x T) {
		if len(cur) == fill {
			blocks = append(blocks, cur)
			cur = make([]T, 0, blockMax)
		}
		cur = append(cur, x)
	}
	i := 0
	o.from(pos{}, func(e T) bool {
		for i < len(xs) && o.cmp(xs[i], e) < 0 {
			push(xs[i])
			i++
		}
		push(e)
		return true
	})
	for ; i < len(xs); i++ {
		push(xs[i])
	}
	o.blocks = append(blocks, cur)
	o.n += len(xs)
}
