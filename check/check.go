// Package check finds broken invariants in a store: the damage that a bug,
// a crash half way through a write or a hand-made edit of the database could
// leave behind. Operators run it against a live store; orgkit's own tests
// run it after every scenario.
//
// It reads through the optional org.Walker interface, which every store in
// orgkit implements, and reports what it finds without changing anything.
package check

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/search"
)

// Kind names a broken invariant.
type Kind string

// The invariants the checker tests.
const (
	// BadOwnership: a Customer-managed organization without exactly one
	// member with role Owner who is its owner, or whose billing email is not
	// the owner's; or a Service-Provider-managed one with an Owner member.
	BadOwnership Kind = "ownership"
	// HeldTwice: a number, customer reference or external contract held by
	// two organizations of the provider.
	HeldTwice Kind = "held_twice"
	// DanglingIndex: an index entry that points at no organization, or at
	// one that does not hold its key.
	DanglingIndex Kind = "dangling_index"
	// MissingIndex: an organization whose number, reference or contract has
	// no index entry pointing at it.
	MissingIndex Kind = "missing_index"
	// EventMismatch: an organization whose last event does not record its
	// current version and state, or that has no event at all.
	EventMismatch Kind = "event_mismatch"
)

// Finding is one broken invariant.
type Finding struct {
	Kind           Kind
	OrganizationID uuid.UUID
	// Detail says what is wrong; it names fields and ids, never personal
	// data.
	Detail string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: organization %s: %s", f.Kind, f.OrganizationID, f.Detail)
}

// Report is what Provider found; an empty report means the store is whole.
type Report struct {
	Organizations int
	IndexEntries  int
	Events        int
	Findings      []Finding
}

// OK reports whether nothing was found.
func (r Report) OK() bool { return len(r.Findings) == 0 }

// keyed lists the index kinds every store keeps with values the checker can
// recompute; entries of other kinds (a store's own, such as name n-grams)
// must only point at organizations that exist.
var keyed = []string{org.FieldCustomerReference, org.FieldExternalContract, org.FieldNumbers}

// unowned index kinds may point at deleted organizations by design.
var unowned = []string{"idempotency_key"}

type key struct{ kind, value string }

// Provider walks every organization, index entry and event of one provider
// and reports every broken invariant. It returns an error only when the walk
// itself fails.
func Provider(ctx context.Context, w org.Walker, providerID uuid.UUID) (Report, error) {
	var r Report
	orgs := map[uuid.UUID]org.Snapshot{}
	indexed := map[key][]uuid.UUID{}
	lastEvent := map[uuid.UUID]org.Event{}
	add := func(k Kind, id uuid.UUID, format string, args ...any) {
		r.Findings = append(r.Findings, Finding{Kind: k, OrganizationID: id, Detail: fmt.Sprintf(format, args...)})
	}
	var entries []org.IndexEntry
	err := w.Walk(ctx, providerID, org.Visitor{
		Organization: func(s org.Snapshot) error {
			orgs[s.ID] = s
			return nil
		},
		Index: func(e org.IndexEntry) error {
			entries = append(entries, e)
			return nil
		},
		Event: func(ev org.Event) error {
			r.Events++
			if prev, ok := lastEvent[ev.OrganizationID]; !ok || ev.Version >= prev.Version {
				lastEvent[ev.OrganizationID] = ev
			}
			return nil
		},
	})
	if err != nil {
		return r, fmt.Errorf("check: walk provider %s: %w", providerID, err)
	}
	r.Organizations, r.IndexEntries = len(orgs), len(entries)

	holders := map[key][]uuid.UUID{}
	for _, id := range sortedIDs(orgs) {
		s := orgs[id]
		if s.ProviderID != providerID {
			add(DanglingIndex, id, "organization of provider %s walked as provider %s", s.ProviderID, providerID)
		}
		checkOwnership(s, add)
		for _, k := range keysOf(s) {
			holders[k] = append(holders[k], id)
		}
		ev, ok := lastEvent[id]
		switch {
		case !ok:
			add(EventMismatch, id, "no event recorded")
		case ev.Version != s.Version:
			add(EventMismatch, id, "last event is version %d, organization is at %d", ev.Version, s.Version)
		case ev.After == nil || ev.After.Version != s.Version:
			add(EventMismatch, id, "last event (%s) does not hold the current state", ev.Type)
		}
	}
	for k, ids := range holders {
		if len(ids) > 1 {
			slices.SortFunc(ids, compareUUID)
			add(HeldTwice, ids[0], "%s held by %d organizations", k.kind, len(ids))
		}
	}

	for _, e := range entries {
		if slices.Contains(unowned, e.Kind) {
			continue
		}
		s, ok := orgs[e.OrganizationID]
		if !ok {
			add(DanglingIndex, e.OrganizationID, "%s index entry points at no organization", e.Kind)
			continue
		}
		if slices.Contains(keyed, e.Kind) {
			k := key{e.Kind, e.Key}
			indexed[k] = append(indexed[k], e.OrganizationID)
			if !slices.Contains(keysOf(s), k) {
				add(DanglingIndex, e.OrganizationID, "%s index entry holds a key the organization does not have", e.Kind)
			}
		}
	}
	for k, ids := range holders {
		for _, id := range ids {
			if !slices.Contains(indexed[k], id) {
				add(MissingIndex, id, "%s has no index entry", k.kind)
			}
		}
	}
	slices.SortFunc(r.Findings, func(a, b Finding) int {
		if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
			return c
		}
		if c := compareUUID(a.OrganizationID, b.OrganizationID); c != 0 {
			return c
		}
		return strings.Compare(a.Detail, b.Detail)
	})
	return r, nil
}

// keysOf returns the unique keys of an organization, as stores index them.
func keysOf(s org.Snapshot) []key {
	var keys []key
	if s.CustomerReference != "" {
		keys = append(keys, key{org.FieldCustomerReference, search.Fold(s.CustomerReference)})
	}
	if s.ExternalContract != "" {
		keys = append(keys, key{org.FieldExternalContract, search.Fold(s.ExternalContract)})
	}
	for _, n := range s.Numbers {
		keys = append(keys, key{org.FieldNumbers, n})
	}
	return keys
}

func checkOwnership(s org.Snapshot, add func(Kind, uuid.UUID, string, ...any)) {
	o, err := org.Rehydrate(s)
	if err != nil {
		add(BadOwnership, s.ID, "%v", strings.TrimPrefix(err.Error(), "orgkit: rehydrate "+s.ID.String()+": "))
		return
	}
	if m := o.Owner().Member; m != nil {
		if b, ok := o.Billing(); !ok || !strings.EqualFold(b.Email, m.Email) {
			add(BadOwnership, s.ID, "billing email is not the owner's")
		}
	}
}

func sortedIDs(m map[uuid.UUID]org.Snapshot) []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, compareUUID)
	return ids
}

func compareUUID(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) }
