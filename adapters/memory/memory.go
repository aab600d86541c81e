// Package memory is orgkit's embedded store: organizations, their search
// indexes and their events in the process's memory, behind one lock.
//
// It is the default for tests, demos and hosts that keep their own copy
// elsewhere. It passes the same conformance suite as the PostgreSQL and
// Redis stores (adapters/storetest), so code written against it behaves the
// same on them. Nothing survives the process.
//
// # At a million organizations
//
// Each organization is kept as one compact, pointer-free string (its
// snapshot in a binary form plus its search keys), and every kind of search
// is answered from an index rather than by scanning the provider: ids by
// hash; numbers by their digits in a sorted index, so that a prefix is a
// range; customer references and external contracts by fold key, likewise;
// names by fold key in result order, so that exact and prefix matches come
// out already ordered; name substrings by a trigram index; and buyer tags by
// lists in result order. The package benchmarks (go test -bench) load a
// million organizations from package datagen and report per-kind latency
// percentiles and the heap per organization; README.md in this directory
// has the figures and the command that reproduces them.
package memory

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/org"
)

// ErrClosed is returned by every method of a closed Store.
var ErrClosed = errors.New("memory: store is closed")

var (
	_ org.Store    = (*Store)(nil)
	_ org.Importer = (*Store)(nil)
	_ org.Walker   = (*Store)(nil)
)

// Store is an in-memory org.Store. It is safe for concurrent use; every
// change holds the write lock for its whole load-change-save step, indexes
// included, and callers get copies, never the stored values.
type Store struct {
	mu        sync.RWMutex
	closed    bool
	providers map[uuid.UUID]*tenant
	seq       uint64 // last event sequence number, across providers
}

// tenant is one provider's data. Nothing is shared between tenants.
type tenant struct {
	recs []record             // by slot; a free slot holds the zero record
	free []uint32             // free slots, reused first
	ids  map[uuid.UUID]uint32 // organization id to slot

	names     *ordered[uint32]               // slots by name fold key, then id: result order
	refs      *ordered[uint32]               // slots with a reference, by its fold key
	contracts *ordered[uint32]               // slots with a contract, by its fold key
	numbers   *ordered[numEntry]             // numbers by digits
	tags      map[string]*ordered[uint32]    // tag fold key to slots, in result order
	grams     map[uint64]*ordered[gramEntry] // name trigram to names, nearly in result order

	// pending are slots imported but not yet in the search-only indexes
	// (names, tags, trigrams): they are linked in bulk before the next
	// search or change, so that a large import costs a merge, not a
	// million inserts.
	pending []uint32

	idem   map[string]idemEntry
	events []storedEvent
	// gone holds the latest event of each deleted organization, whose
	// events stay readable.
	gone map[uuid.UUID]int32
}

type idemEntry struct {
	orgID       uuid.UUID
	fingerprint string
	expires     time.Time
}

// New returns an empty Store.
func New() *Store {
	return &Store{providers: make(map[uuid.UUID]*tenant)}
}

// Close makes every later call fail with ErrClosed and drops the data.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.providers = nil
	return nil
}

func (s *Store) tenant(providerID uuid.UUID, create bool) *tenant {
	t := s.providers[providerID]
	if t == nil && create {
		t = &tenant{
			ids:   make(map[uuid.UUID]uint32),
			tags:  make(map[string]*ordered[uint32]),
			grams: make(map[uint64]*ordered[gramEntry]),
			idem:  make(map[string]idemEntry),
			gone:  make(map[uuid.UUID]int32),
		}
		t.names = newOrdered(t.byName)
		t.refs = newOrdered(func(a, b uint32) int { return compareStrings(t.recs[a].ref(), t.recs[b].ref()) })
		t.contracts = newOrdered(func(a, b uint32) int { return compareStrings(t.recs[a].contract(), t.recs[b].contract()) })
		t.numbers = newOrdered(func(a, b numEntry) int {
			switch {
			case a.key < b.key:
				return -1
			case a.key > b.key:
				return 1
			}
			return int(a.slot) - int(b.slot)
		})
		s.providers[providerID] = t
	}
	return t
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// get returns the slot of an organization.
func (t *tenant) get(id uuid.UUID) (uint32, bool) {
	if t == nil {
		return 0, false
	}
	slot, ok := t.ids[id]
	return slot, ok
}

// insert stores a new record with its indexes; deferred leaves the
// search-only ones to tenant.flush.
func (t *tenant) insert(r record, deferred bool) uint32 {
	if last, ok := t.gone[r.id]; ok {
		// An id that comes back continues its trail.
		r.lastEvent = last
		delete(t.gone, r.id)
	}
	var slot uint32
	if n := len(t.free); n > 0 {
		slot = t.free[n-1]
		t.free = t.free[:n-1]
		t.recs[slot] = r
	} else {
		slot = uint32(len(t.recs))
		t.recs = append(t.recs, r)
	}
	t.ids[r.id] = slot
	if deferred {
		t.link(slot, partAll&^searchOnly)
		t.pending = append(t.pending, slot)
	} else {
		t.link(slot, partAll)
	}
	return slot
}

// replace swaps the record in slot for r, moving only the index entries
// whose keys changed.
func (t *tenant) replace(slot uint32, r record) {
	r.lastEvent = t.recs[slot].lastEvent
	p := changed(&t.recs[slot], &r)
	t.unlink(slot, p)
	t.recs[slot] = r
	t.link(slot, p)
}

// remove deletes the record in slot and its index entries.
func (t *tenant) remove(slot uint32) {
	r := &t.recs[slot]
	t.unlink(slot, partAll)
	delete(t.ids, r.id)
	t.gone[r.id] = r.lastEvent
	t.recs[slot] = record{}
	t.free = append(t.free, slot)
}

// Create implements org.Store.
func (s *Store) Create(ctx context.Context, c org.Creation) (*org.Organization, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o := c.Organization
	r, err := newRecord(o)
	if err != nil {
		return nil, err
	}
	ev, err := encodeEvent(c.Event, nil, &r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	t := s.tenant(o.ProviderID(), true)
	if c.IdempotencyKey != "" {
		t.expireKeys(c.Event.Time)
		if e, ok := t.idem[c.IdempotencyKey]; ok {
			if e.fingerprint != c.Fingerprint {
				return nil, fmt.Errorf("%w: idempotency key was used for a different request", org.ErrConflict)
			}
			slot, ok := t.get(e.orgID)
			if !ok {
				return nil, fmt.Errorf("%w: the organization this key created was deleted", org.ErrNotFound)
			}
			return t.recs[slot].organization()
		}
	}
	if _, ok := t.ids[o.ID()]; ok {
		return nil, fmt.Errorf("%w: organization %s exists", org.ErrConflict, o.ID())
	}
	if err := t.checkUnique(&r); err != nil {
		return nil, err
	}
	slot := t.insert(r, false)
	s.appendEvent(t, slot, ev)
	if c.IdempotencyKey != "" {
		t.idem[c.IdempotencyKey] = idemEntry{orgID: o.ID(), fingerprint: c.Fingerprint, expires: c.KeyExpires}
	}
	return o.Clone(), nil
}

// expireKeys forgets idempotency keys past their time. Keys are few next to
// organizations, so a sweep on each keyed create costs little.
func (t *tenant) expireKeys(now time.Time) {
	for k, e := range t.idem {
		if now.After(e.expires) {
			delete(t.idem, k)
		}
	}
}

// Get implements org.Store.
func (s *Store) Get(ctx context.Context, providerID, id uuid.UUID) (*org.Organization, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, ErrClosed
	}
	t := s.tenant(providerID, false)
	slot, ok := t.get(id)
	if !ok {
		s.mu.RUnlock()
		return nil, org.ErrNotFound
	}
	// The encoded snapshot never changes once stored, so it is decoded
	// outside the lock.
	r := t.recs[slot]
	s.mu.RUnlock()
	return r.organization()
}

// Update implements org.Store.
func (s *Store) Update(ctx context.Context, providerID, id uuid.UUID, fn org.UpdateFunc) (*org.Organization, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	t := s.tenant(providerID, false)
	slot, ok := t.get(id)
	if !ok {
		return nil, org.ErrNotFound
	}
	cur := &t.recs[slot]
	o, err := cur.organization()
	if err != nil {
		return nil, err
	}
	ch, err := fn(o)
	if err != nil {
		return nil, err
	}
	if ch.Event.Version != o.Version()+1 {
		return nil, fmt.Errorf("memory: change to version %d of an organization at %d", ch.Event.Version, o.Version())
	}
	if ch.Delete {
		ev, err := encodeEvent(ch.Event.Redacted(), cur, nil)
		if err != nil {
			return nil, err
		}
		// Encode every redacted event before changing anything, so that a
		// failure leaves the store as it was.
		redacted := map[int32]storedEvent{}
		for i := cur.lastEvent; i >= 0; i = t.events[i].prev {
			e, err := t.events[i].redacted()
			if err != nil {
				return nil, err
			}
			redacted[i] = e
		}
		for i, e := range redacted {
			t.events[i] = e
		}
		s.appendEvent(t, slot, ev)
		t.remove(slot)
		return nil, nil
	}
	next := ch.Organization
	if next == nil || next.ID() != id || next.ProviderID() != providerID || next.Version() != ch.Event.Version {
		return nil, fmt.Errorf("memory: change does not hold organization %s at version %d", id, ch.Event.Version)
	}
	r, err := newRecord(next)
	if err != nil {
		return nil, err
	}
	if err := t.checkUnique(&r); err != nil {
		return nil, err
	}
	ev, err := encodeEvent(ch.Event, cur, &r)
	if err != nil {
		return nil, err
	}
	t.replace(slot, r)
	s.appendEvent(t, slot, ev)
	return next.Clone(), nil
}

// Events implements org.Store. The cursor is the sequence number of the last
// event read; sequence numbers are given under the write lock in the order
// changes are stored, so no event can appear behind a cursor.
func (s *Store) Events(ctx context.Context, q org.EventQuery) (org.EventPage, error) {
	if err := ctx.Err(); err != nil {
		return org.EventPage{}, err
	}
	var after uint64
	if q.After != "" {
		n, err := strconv.ParseUint(q.After, 10, 64)
		if err != nil {
			return org.EventPage{}, fmt.Errorf("%w: malformed event cursor", org.ErrInvalid)
		}
		after = n
	}
	limit := q.Limit
	if limit <= 0 {
		limit = org.DefaultEventLimit
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return org.EventPage{}, ErrClosed
	}
	page := org.EventPage{Next: q.After}
	t := s.tenant(q.ProviderID, false)
	if t == nil {
		return page, nil
	}
	var picked []*storedEvent
	if q.OrganizationID == uuid.Nil {
		// Sequence numbers rise along the slice: find the first after the
		// cursor by binary search.
		lo, hi := 0, len(t.events)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if t.events[m].seq <= after {
				lo = m + 1
			} else {
				hi = m
			}
		}
		for i := lo; i < len(t.events) && len(picked) < limit; i++ {
			picked = append(picked, &t.events[i])
		}
	} else {
		last := int32(-1)
		if slot, ok := t.get(q.OrganizationID); ok {
			last = t.recs[slot].lastEvent
		} else if l, ok := t.gone[q.OrganizationID]; ok {
			last = l
		}
		// The organization's events are chained newest first.
		for i := last; i >= 0 && t.events[i].seq > after; i = t.events[i].prev {
			picked = append(picked, &t.events[i])
		}
		for l, r := 0, len(picked)-1; l < r; l, r = l+1, r-1 {
			picked[l], picked[r] = picked[r], picked[l]
		}
		if len(picked) > limit {
			picked = picked[:limit]
		}
	}
	for _, e := range picked {
		ev, err := e.event()
		if err != nil {
			return org.EventPage{}, err
		}
		page.Events = append(page.Events, ev)
		page.Next = strconv.FormatUint(e.seq, 10)
	}
	return page, nil
}

// Import implements org.Importer: all of items are stored, or none.
func (s *Store) Import(ctx context.Context, items []org.Imported) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// Encoding needs no lock; it is most of the work.
	recs := make([]record, len(items))
	evs := make([]storedEvent, len(items))
	for i, it := range items {
		r, err := newRecord(it.Organization)
		if err != nil {
			return err
		}
		if evs[i], err = encodeEvent(it.Event, nil, &r); err != nil {
			return err
		}
		recs[i] = r
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	// Check everything first, including keys repeated within items, so a
	// refused import leaves nothing behind.
	type key struct {
		provider uuid.UUID
		field    string
		value    string
	}
	seen := make(map[key]uuid.UUID)
	ids := make(map[uuid.UUID]bool, len(items))
	for i, it := range items {
		o, r := it.Organization, &recs[i]
		if t := s.tenant(o.ProviderID(), false); t != nil {
			if _, ok := t.ids[o.ID()]; ok {
				return fmt.Errorf("%w: organization %s exists", org.ErrConflict, o.ID())
			}
			if err := t.checkUnique(r); err != nil {
				return err
			}
		}
		if ids[o.ID()] {
			return fmt.Errorf("%w: organization %s is imported twice", org.ErrConflict, o.ID())
		}
		ids[o.ID()] = true
		keys := []key{}
		if r.ref() != "" {
			keys = append(keys, key{o.ProviderID(), org.FieldCustomerReference, r.ref()})
		}
		if r.contract() != "" {
			keys = append(keys, key{o.ProviderID(), org.FieldExternalContract, r.contract()})
		}
		for _, d := range split(nil, r.numbers()) {
			keys = append(keys, key{o.ProviderID(), org.FieldNumbers, "+" + d})
		}
		for _, k := range keys {
			if holder, ok := seen[k]; ok && holder != o.ID() {
				return &org.DuplicateError{Field: k.field, Value: k.value}
			}
			seen[k] = o.ID()
		}
	}
	for i, it := range items {
		t := s.tenant(it.Organization.ProviderID(), true)
		slot := t.insert(recs[i], true)
		s.appendEvent(t, slot, evs[i])
	}
	return nil
}

// Walk implements org.Walker.
func (s *Store) Walk(ctx context.Context, providerID uuid.UUID, v org.Visitor) error {
	// The name index is walked too, so pending imports are linked first.
	if err := s.flush(providerID); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	t := s.tenant(providerID, false)
	if t == nil {
		return nil
	}
	if v.Organization != nil {
		for _, slot := range t.ids {
			if err := ctx.Err(); err != nil {
				return err
			}
			snap, err := decodeSnapshot(t.recs[slot].snap())
			if err != nil {
				return err
			}
			if err := v.Organization(snap); err != nil {
				return err
			}
		}
	}
	if v.Index != nil {
		if err := t.walkIndex(v.Index); err != nil {
			return err
		}
		for k, e := range t.idem {
			if err := v.Index(org.IndexEntry{Kind: "idempotency_key", Key: k, OrganizationID: e.orgID}); err != nil {
				return err
			}
		}
	}
	if v.Event != nil {
		for i := range t.events {
			ev, err := t.events[i].event()
			if err != nil {
				return err
			}
			if err := v.Event(ev); err != nil {
				return err
			}
		}
	}
	return nil
}

// walkIndex visits the unique keys as the indexes hold them, so that the
// consistency checker sees what search and uniqueness checks rely on.
func (t *tenant) walkIndex(visit func(org.IndexEntry) error) error {
	var err error
	each := func(l *ordered[uint32], kind string, key func(*record) string) {
		l.from(pos{}, func(slot uint32) bool {
			r := &t.recs[slot]
			err = visit(org.IndexEntry{Kind: kind, Key: key(r), OrganizationID: r.id})
			return err == nil
		})
	}
	each(t.refs, org.FieldCustomerReference, func(r *record) string { return r.ref() })
	if err != nil {
		return err
	}
	each(t.contracts, org.FieldExternalContract, func(r *record) string { return r.contract() })
	if err != nil {
		return err
	}
	each(t.names, "name", func(r *record) string { return r.name() })
	if err != nil {
		return err
	}
	t.numbers.from(pos{}, func(e numEntry) bool {
		r := &t.recs[e.slot]
		err = visit(org.IndexEntry{Kind: org.FieldNumbers, Key: "+" + numberDigits(e.key), OrganizationID: r.id})
		return err == nil
	})
	return err
}

// numberDigits turns a numberKey back into the digits.
func numberDigits(k uint64) string {
	n := int(k & 0xf)
	s := strconv.FormatUint(k>>4, 10)
	for len(s) < maxDigits {
		s = "0" + s
	}
	return s[:n]
}
