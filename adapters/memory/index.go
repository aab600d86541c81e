package memory

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/internal/phone"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// record is one stored organization: its search keys and its encoded
// snapshot in one string, with the offsets where each part ends. One
// allocation and one pointer per organization keep the heap small and
// quick for the garbage collector to scan.
type record struct {
	id        uuid.UUID
	data      string    // name, ref, contract, tags, numbers, snapshot
	ends      [5]uint32 // where name, ref, contract, tags and numbers end
	lastEvent int32     // the organization's latest event in tenant.events
	status    org.Status
	managed   ownership.Type
}

// name returns the fold key of the name.
func (r *record) name() string { return r.data[:r.ends[0]] }

// ref returns the fold key of the customer reference, or "".
func (r *record) ref() string { return r.data[r.ends[0]:r.ends[1]] }

// contract returns the fold key of the external contract, or "".
func (r *record) contract() string { return r.data[r.ends[1]:r.ends[2]] }

// tags returns the fold keys of the buyer tags, each followed by sep.
func (r *record) tags() string { return r.data[r.ends[2]:r.ends[3]] }

// numbers returns the digits of the numbers, sorted, each followed by sep.
func (r *record) numbers() string { return r.data[r.ends[3]:r.ends[4]] }

// snap returns the encoded snapshot (encodeSnapshot).
func (r *record) snap() string { return r.data[r.ends[4]:] }

// sep ends each item of record.tags and record.numbers. Stored text holds no
// control characters, so it cannot appear in a key.
const sep = "\x00"

// newRecord encodes o and computes its keys.
func newRecord(o *org.Organization) (record, error) {
	s := o.Snapshot()
	var b strings.Builder
	r := record{id: s.ID, lastEvent: -1, status: s.Status, managed: s.ManagedBy}
	b.WriteString(search.Fold(s.Name))
	r.ends[0] = uint32(b.Len())
	b.WriteString(search.Fold(s.CustomerReference))
	r.ends[1] = uint32(b.Len())
	b.WriteString(search.Fold(s.ExternalContract))
	r.ends[2] = uint32(b.Len())
	for _, t := range s.BuyerTags {
		b.WriteString(search.Fold(t))
		b.WriteString(sep)
	}
	r.ends[3] = uint32(b.Len())
	for _, n := range s.Numbers {
		d := phone.Digits(n)
		if _, ok := numberKey(d); !ok || "+"+d != n {
			return record{}, fmt.Errorf("memory: number %q of organization %s is not in E.164", n, s.ID)
		}
		b.WriteString(d)
		b.WriteString(sep)
	}
	r.ends[4] = uint32(b.Len())
	b.WriteString(encodeSnapshot(&s))
	r.data = b.String()
	return r, nil
}

// organization decodes the record into a new organization.
func (r *record) organization() (*org.Organization, error) {
	s, err := decodeSnapshot(r.snap())
	if err != nil {
		return nil, fmt.Errorf("%w: organization %s", err, r.id)
	}
	return org.Rehydrate(s)
}

// split appends the items of a sep-terminated list to dst.
func split(dst []string, list string) []string {
	for list != "" {
		i := strings.IndexByte(list, 0)
		dst = append(dst, list[:i])
		list = list[i+1:]
	}
	return dst
}

// maxDigits is the most digits an E.164 number has.
const maxDigits = 15

// numberKey packs the digits of a number into an integer that sorts as the
// digits do: the digits padded with zeros to maxDigits, then the length, so
// that "12" < "120" < "121".
func numberKey(digits string) (uint64, bool) {
	if digits == "" || len(digits) > maxDigits {
		return 0, false
	}
	var v uint64
	for i := 0; i < maxDigits; i++ {
		v *= 10
		if i < len(digits) {
			c := digits[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v += uint64(c - '0')
		}
	}
	return v<<4 | uint64(len(digits)), true
}

// numberRange returns the keys of the numbers that start with digits: those
// in [lo, hi) whose length is at least len(digits).
func numberRange(digits string) (lo, hi uint64, ok bool) {
	k, ok := numberKey(digits)
	if !ok {
		return 0, 0, false
	}
	pad := uint64(1)
	for range maxDigits - len(digits) {
		pad *= 10
	}
	lo = k &^ 0xf
	return lo, lo + pad<<4, true
}

// numEntry is one number in the numbers index. It carries the nameKey of
// its organization, so that a prefix search can pass over numbers whose
// organization sorts too late for the page without reading the record.
type numEntry struct {
	key  uint64
	name uint64
	slot uint32
}

// Index parts, so that an update touches only the indexes whose keys
// changed.
type parts uint8

const (
	partName parts = 1 << iota // names and trigrams
	partTags                   // tag lists (ordered by name, so also when the name changes)
	partRef
	partContract
	partNumbers
	partAll = partName | partTags | partRef | partContract | partNumbers
)

// changed returns the parts whose keys differ between a and b.
func changed(a, b *record) parts {
	var p parts
	if a.name() != b.name() {
		p |= partName | partTags | partNumbers
	}
	if a.tags() != b.tags() {
		p |= partTags
	}
	if a.ref() != b.ref() {
		p |= partRef
	}
	if a.contract() != b.contract() {
		p |= partContract
	}
	if a.numbers() != b.numbers() {
		p |= partNumbers
	}
	return p
}

// byName orders slots as search results are: name fold key, then id.
func (t *tenant) byName(a, b uint32) int {
	ra, rb := &t.recs[a], &t.recs[b]
	if c := strings.Compare(ra.name(), rb.name()); c != 0 {
		return c
	}
	return bytes.Compare(ra.id[:], rb.id[:])
}

// searchOnly are the parts no uniqueness check reads, which an import may
// defer (see tenant.pending).
const searchOnly = partName | partTags

// link adds the record in slot to the given indexes.
func (t *tenant) link(slot uint32, p parts) {
	if p&searchOnly != 0 && len(t.pending) > 0 {
		t.flush()
	}
	r := &t.recs[slot]
	if p&partName != 0 {
		t.names.insert(slot)
		e := newGramEntry(r.name(), slot)
		for _, g := range trigrams(r.name(), nil) {
			l := t.grams[g]
			if l == nil {
				l = newOrdered(t.compareGrams)
				t.grams[g] = l
			}
			l.insert(e)
		}
	}
	if p&partTags != 0 {
		for _, tag := range split(nil, r.tags()) {
			l := t.tags[tag]
			if l == nil {
				l = newOrdered(t.byName)
				t.tags[tag] = l
			}
			l.insert(slot)
		}
	}
	if p&partRef != 0 && r.ref() != "" {
		t.refs.insert(slot)
	}
	if p&partContract != 0 && r.contract() != "" {
		t.contracts.insert(slot)
	}
	if p&partNumbers != 0 {
		name := nameKey(r.name())
		for _, d := range split(nil, r.numbers()) {
			k, _ := numberKey(d)
			t.numbers.insert(numEntry{k, name, slot})
		}
	}
}

// unlink removes the record in slot from the given indexes. It must run
// while the slot still holds the record as it was linked.
func (t *tenant) unlink(slot uint32, p parts) {
	if p&searchOnly != 0 && len(t.pending) > 0 {
		t.flush()
	}
	r := &t.recs[slot]
	if p&partName != 0 {
		t.names.remove(slot)
		e := newGramEntry(r.name(), slot)
		for _, g := range trigrams(r.name(), nil) {
			if l := t.grams[g]; l != nil {
				l.remove(e)
				if l.len() == 0 {
					delete(t.grams, g)
				}
			}
		}
	}
	if p&partTags != 0 {
		for _, tag := range split(nil, r.tags()) {
			if l := t.tags[tag]; l != nil {
				l.remove(slot)
				if l.len() == 0 {
					delete(t.tags, tag)
				}
			}
		}
	}
	if p&partRef != 0 && r.ref() != "" {
		t.refs.remove(slot)
	}
	if p&partContract != 0 && r.contract() != "" {
		t.contracts.remove(slot)
	}
	if p&partNumbers != 0 {
		for _, d := range split(nil, r.numbers()) {
			k, _ := numberKey(d)
			t.numbers.remove(numEntry{key: k, slot: slot})
		}
	}
}

// flush links the records of t.pending to the search-only indexes. A
// few are inserted one by one; many are merged into each index in one pass,
// which is what makes loading a million organizations fast.
func (t *tenant) flush() {
	pending := t.pending
	t.pending = nil
	if len(pending)*32 < t.names.len() {
		for _, slot := range pending {
			t.link(slot, searchOnly)
		}
		return
	}
	t.names.merge(slices.Clone(pending))
	tags := map[string][]uint32{}
	grams := map[uint64][]gramEntry{}
	var buf []uint64
	var tagBuf []string
	for _, slot := range pending {
		r := &t.recs[slot]
		tagBuf = split(tagBuf[:0], r.tags())
		for _, tag := range tagBuf {
			tags[tag] = append(tags[tag], slot)
		}
		e := newGramEntry(r.name(), slot)
		buf = trigrams(r.name(), buf[:0])
		for _, g := range buf {
			grams[g] = append(grams[g], e)
		}
	}
	for tag, slots := range tags {
		l := t.tags[tag]
		if l == nil {
			l = newOrdered(t.byName)
			t.tags[tag] = l
		}
		l.merge(slots)
	}
	for g, es := range grams {
		l := t.grams[g]
		if l == nil {
			l = newOrdered(t.compareGrams)
			t.grams[g] = l
		}
		if len(es)*32 < l.len() {
			for _, e := range es {
				l.insert(e)
			}
			continue
		}
		l.merge(es)
	}
}

// trigrams appends the distinct trigrams of s, three runes each packed
// into an integer, to dst, sorted. A text of three or more runes that s
// contains has all its trigrams in s. Runes rather than bytes, so that a
// Greek, Cyrillic or CJK trigram is as selective as a Latin one instead of
// being shared by every word of its script.
func trigrams(s string, dst []uint64) []uint64 {
	start := len(dst)
	var a, b rune = -1, -1
	for _, c := range s {
		if a >= 0 {
			dst = append(dst, uint64(a)<<42|uint64(b)<<21|uint64(c))
		}
		a, b = b, c
	}
	slices.Sort(dst[start:])
	return slices.Compact(dst)
}

// gramEntry is a name in a trigram list. Lists are in result order: by
// the first 24 bytes of the name's fold key, which the entry holds, and
// only for names that share them by the record's name and id. So inserts
// and searches rarely read a record, yet a walk meets names exactly in
// result order and stops once it has a page. 24 bytes, because legal forms
// that lead names ("주식회사 ", "株式会社", "ооо «") make long shared
// prefixes common.
type gramEntry struct {
	key  [3]uint64 // nameKey of the fold key's bytes 0-8, 8-16 and 16-24
	slot uint32
}

func newGramEntry(fold string, slot uint32) gramEntry {
	e := gramEntry{slot: slot}
	for k := range e.key {
		if len(fold) > 8*k {
			e.key[k] = nameKey(fold[8*k:])
		}
	}
	return e
}

// compareGrams orders trigram list entries in result order.
func (t *tenant) compareGrams(a, b gramEntry) int {
	if c := compareKeys(a, b); c != 0 {
		return c
	}
	return t.byName(a.slot, b.slot)
}

// compareKeys compares the name bytes two entries hold.
func compareKeys(a, b gramEntry) int {
	for k := range a.key {
		if a.key[k] != b.key[k] {
			if a.key[k] < b.key[k] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// nameKey is the first eight bytes of a fold key, big-endian, padded with
// zeros. Fold keys hold no NUL, so a < b implies nameKey(a) <= nameKey(b).
func nameKey(fold string) uint64 {
	var k uint64
	for i := range 8 {
		k <<= 8
		if i < len(fold) {
			k |= uint64(fold[i])
		}
	}
	return k
}

// holders: the slots holding a reference, contract or number.

func (t *tenant) refHolder(fold string) (uint32, bool) {
	return holderIn(t.refs, fold, func(r *record) string { return r.ref() }, t)
}

func (t *tenant) contractHolder(fold string) (uint32, bool) {
	return holderIn(t.contracts, fold, func(r *record) string { return r.contract() }, t)
}

func holderIn(l *ordered[uint32], fold string, key func(*record) string, t *tenant) (uint32, bool) {
	p := l.seek(func(s uint32) bool { return key(&t.recs[s]) < fold })
	s, ok := l.at(p)
	if !ok || key(&t.recs[s]) != fold {
		return 0, false
	}
	return s, true
}

func (t *tenant) numberHolder(digits string) (uint32, bool) {
	k, ok := numberKey(digits)
	if !ok {
		return 0, false
	}
	p := t.numbers.seek(func(e numEntry) bool { return e.key < k })
	e, ok := t.numbers.at(p)
	if !ok || e.key != k {
		return 0, false
	}
	return e.slot, true
}

// checkUnique reports the first key of r that another organization holds.
func (t *tenant) checkUnique(r *record) error {
	if r.ref() != "" {
		if s, ok := t.refHolder(r.ref()); ok && t.recs[s].id != r.id {
			return &org.DuplicateError{Field: org.FieldCustomerReference, Value: r.ref()}
		}
	}
	if r.contract() != "" {
		if s, ok := t.contractHolder(r.contract()); ok && t.recs[s].id != r.id {
			return &org.DuplicateError{Field: org.FieldExternalContract, Value: r.contract()}
		}
	}
	for _, d := range split(nil, r.numbers()) {
		if s, ok := t.numberHolder(d); ok && t.recs[s].id != r.id {
			return &org.DuplicateError{Field: org.FieldNumbers, Value: "+" + d}
		}
	}
	return nil
}
