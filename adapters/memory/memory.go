// Package memory is orgkit's embedded store: organizations, their search
// keys and their events in the process's memory, behind one lock.
//
// It is the default for tests, demos and hosts that keep their own copy
// elsewhere. It passes the same conformance suite as the PostgreSQL and
// Redis stores (adapters/storetest), so code written against it behaves the
// same on them. Nothing survives the process.
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
	"github.com/orgkit/orgkit/search"
)

// ErrClosed is returned by every method of a closed Store.
var ErrClosed = errors.New("memory: store is closed")

var (
	_ org.Store    = (*Store)(nil)
	_ org.Importer = (*Store)(nil)
	_ org.Walker   = (*Store)(nil)
)

// Store is an in-memory org.Store. It is safe for concurrent use; every
// change holds the write lock for its whole load-change-save step, and
// callers get copies, never the stored values.
type Store struct {
	mu        sync.RWMutex
	closed    bool
	providers map[uuid.UUID]*tenant
	seq       uint64 // last event sequence number, across providers
}

// tenant is one provider's data. Nothing is shared between tenants.
type tenant struct {
	orgs      map[uuid.UUID]*org.Organization
	unique    map[uniqueKey]uuid.UUID // reference, contract and number holders
	idem      map[string]idemEntry
	events    []storedEvent
	orgEvents map[uuid.UUID][]int // indexes into events
}

// uniqueKey is a value that at most one organization of a provider holds.
type uniqueKey struct {
	field string // org.FieldCustomerReference, org.FieldExternalContract, org.FieldNumbers
	value string // fold key for reference and contract, E.164 for numbers
}

type idemEntry struct {
	orgID       uuid.UUID
	fingerprint string
	expires     time.Time
}

type storedEvent struct {
	seq uint64
	ev  org.Event
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
			orgs:      make(map[uuid.UUID]*org.Organization),
			unique:    make(map[uniqueKey]uuid.UUID),
			idem:      make(map[string]idemEntry),
			orgEvents: make(map[uuid.UUID][]int),
		}
		s.providers[providerID] = t
	}
	return t
}

// uniqueKeys lists the values of o that must be unique in its provider.
func uniqueKeys(o *org.Organization) []uniqueKey {
	var keys []uniqueKey
	if r := o.CustomerReference(); r != "" {
		keys = append(keys, uniqueKey{org.FieldCustomerReference, search.Fold(r)})
	}
	if c := o.ExternalContract(); c != "" {
		keys = append(keys, uniqueKey{org.FieldExternalContract, search.Fold(c)})
	}
	for _, n := range o.Numbers() {
		keys = append(keys, uniqueKey{org.FieldNumbers, n})
	}
	return keys
}

// checkUnique reports the first key of o held by another organization.
func (t *tenant) checkUnique(o *org.Organization) error {
	for _, k := range uniqueKeys(o) {
		if holder, ok := t.unique[k]; ok && holder != o.ID() {
			return &org.DuplicateError{Field: k.field, Value: k.value}
		}
	}
	return nil
}

// put stores o (replacing prev, if any) with its keys.
func (t *tenant) put(prev, o *org.Organization) {
	if prev != nil {
		t.drop(prev)
	}
	t.orgs[o.ID()] = o
	for _, k := range uniqueKeys(o) {
		t.unique[k] = o.ID()
	}
}

func (t *tenant) drop(o *org.Organization) {
	delete(t.orgs, o.ID())
	for _, k := range uniqueKeys(o) {
		if t.unique[k] == o.ID() {
			delete(t.unique, k)
		}
	}
}

func (s *Store) appendEvent(t *tenant, ev org.Event) {
	s.seq++
	t.events = append(t.events, storedEvent{seq: s.seq, ev: ev})
	t.orgEvents[ev.OrganizationID] = append(t.orgEvents[ev.OrganizationID], len(t.events)-1)
}

// Create implements org.Store.
func (s *Store) Create(ctx context.Context, c org.Creation) (*org.Organization, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	o := c.Organization
	t := s.tenant(o.ProviderID(), true)
	if c.IdempotencyKey != "" {
		t.expireKeys(c.Event.Time)
		if e, ok := t.idem[c.IdempotencyKey]; ok {
			if e.fingerprint != c.Fingerprint {
				return nil, fmt.Errorf("%w: idempotency key was used for a different request", org.ErrConflict)
			}
			first, ok := t.orgs[e.orgID]
			if !ok {
				return nil, fmt.Errorf("%w: the organization this key created was deleted", org.ErrNotFound)
			}
			return first.Clone(), nil
		}
	}
	if _, ok := t.orgs[o.ID()]; ok {
		return nil, fmt.Errorf("%w: organization %s exists", org.ErrConflict, o.ID())
	}
	if err := t.checkUnique(o); err != nil {
		return nil, err
	}
	t.put(nil, o.Clone())
	s.appendEvent(t, c.Event)
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
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	if t := s.tenant(providerID, false); t != nil {
		if o, ok := t.orgs[id]; ok {
			return o.Clone(), nil
		}
	}
	return nil, org.ErrNotFound
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
	if t == nil || t.orgs[id] == nil {
		return nil, org.ErrNotFound
	}
	cur := t.orgs[id]
	ch, err := fn(cur.Clone())
	if err != nil {
		return nil, err
	}
	if ch.Event.Version != cur.Version()+1 {
		return nil, fmt.Errorf("memory: change to version %d of an organization at %d", ch.Event.Version, cur.Version())
	}
	if ch.Delete {
		t.drop(cur)
		for _, i := range t.orgEvents[id] {
			t.events[i].ev = t.events[i].ev.Redacted()
		}
		s.appendEvent(t, ch.Event.Redacted())
		return nil, nil
	}
	next := ch.Organization
	if next == nil || next.ID() != id || next.ProviderID() != providerID || next.Version() != ch.Event.Version {
		return nil, fmt.Errorf("memory: change does not hold organization %s at version %d", id, ch.Event.Version)
	}
	if err := t.checkUnique(next); err != nil {
		return nil, err
	}
	t.put(cur, next.Clone())
	s.appendEvent(t, ch.Event)
	return next.Clone(), nil
}

// Search implements org.Store. It ranks every organization of the provider.
func (s *Store) Search(ctx context.Context, plan search.Plan) (org.SearchResult, error) {
	if err := ctx.Err(); err != nil {
		return org.SearchResult{}, err
	}
	providerID, err := uuid.Parse(plan.ProviderID)
	if err != nil {
		return org.SearchResult{}, fmt.Errorf("memory: provider id: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return org.SearchResult{}, ErrClosed
	}
	var res org.SearchResult
	t := s.tenant(providerID, false)
	if t == nil {
		if plan.Count {
			res.Count = new(search.CountOf(0))
		}
		return res, nil
	}
	var hits []search.Hit[*org.Organization]
	total := 0
	for _, o := range t.orgs {
		m, ok := plan.Terms.Match(o.SearchKeys())
		if !ok || !plan.Filter.Accept(o.Status().String(), o.ManagedBy().String(), o.TagKeys()) {
			continue
		}
		total++
		pos := search.PositionOf(m, o.NameFold(), o.ID().String())
		if plan.Includes(pos) {
			hits = append(hits, search.Hit[*org.Organization]{Value: o, Match: m, Position: pos})
		}
	}
	search.SortHits(hits)
	if len(hits) > plan.Limit+1 {
		hits = hits[:plan.Limit+1]
	}
	for _, h := range hits {
		res.Hits = append(res.Hits, org.Hit{Organization: h.Value.Clone(), Match: h.Match})
	}
	if plan.Count {
		res.Count = new(search.CountOf(total))
	}
	return res, nil
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
	take := func(e storedEvent) bool {
		if e.seq <= after {
			return true
		}
		page.Events = append(page.Events, e.ev)
		page.Next = strconv.FormatUint(e.seq, 10)
		return len(page.Events) < limit
	}
	if q.OrganizationID == uuid.Nil {
		for _, e := range t.events {
			if !take(e) {
				break
			}
		}
		return page, nil
	}
	for _, i := range t.orgEvents[q.OrganizationID] {
		if !take(t.events[i]) {
			break
		}
	}
	return page, nil
}

// Import implements org.Importer: all of items are stored, or none.
func (s *Store) Import(ctx context.Context, items []org.Imported) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	// Check everything first, including keys repeated within items, so a
	// refused import leaves nothing behind.
	seen := make(map[uuid.UUID]map[uniqueKey]uuid.UUID)
	for _, it := range items {
		o := it.Organization
		if t := s.tenant(o.ProviderID(), false); t != nil {
			if _, ok := t.orgs[o.ID()]; ok {
				return fmt.Errorf("%w: organization %s exists", org.ErrConflict, o.ID())
			}
			if err := t.checkUnique(o); err != nil {
				return err
			}
		}
		keys := seen[o.ProviderID()]
		if keys == nil {
			keys = make(map[uniqueKey]uuid.UUID)
			seen[o.ProviderID()] = keys
		}
		for _, k := range uniqueKeys(o) {
			if holder, ok := keys[k]; ok && holder != o.ID() {
				return &org.DuplicateError{Field: k.field, Value: k.value}
			}
			keys[k] = o.ID()
		}
	}
	for _, it := range items {
		t := s.tenant(it.Organization.ProviderID(), true)
		t.put(nil, it.Organization.Clone())
		s.appendEvent(t, it.Event)
	}
	return nil
}

// Walk implements org.Walker.
func (s *Store) Walk(ctx context.Context, providerID uuid.UUID, v org.Visitor) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	t := s.tenant(providerID, false)
	if t == nil {
		return nil
	}
	for _, o := range t.orgs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if v.Organization != nil {
			if err := v.Organization(o.Snapshot()); err != nil {
				return err
			}
		}
	}
	if v.Index != nil {
		for k, id := range t.unique {
			if err := v.Index(org.IndexEntry{Kind: k.field, Key: k.value, OrganizationID: id}); err != nil {
				return err
			}
		}
		for k, e := range t.idem {
			if err := v.Index(org.IndexEntry{Kind: "idempotency_key", Key: k, OrganizationID: e.orgID}); err != nil {
				return err
			}
		}
	}
	if v.Event != nil {
		for _, e := range t.events {
			if err := v.Event(e.ev); err != nil {
				return err
			}
		}
	}
	return nil
}
