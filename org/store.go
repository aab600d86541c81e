package org

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/search"
)

// Store keeps organizations, their search keys and their events. Each
// adapter (adapters/memory, adapters/postgres, adapters/redis) implements it
// and passes the conformance suite in adapters/storetest, so all behave the
// same: same errors, same hits, same order. Methods are safe for concurrent
// use.
//
// A Store checks no permissions and no input rules: the Service does. A store
// owns atomicity and uniqueness: a change, its index entries and its event
// are stored together or not at all.
type Store interface {
	// Create stores a new organization and its creation event. If
	// c.IdempotencyKey was used for the same provider before and is still
	// remembered, nothing is stored and the organization it created is
	// returned as it is now (ErrNotFound if since deleted), or ErrConflict
	// when c.Fingerprint differs from the first request's. A customer
	// reference, external contract or number held by another organization of
	// the provider is a *DuplicateError.
	Create(ctx context.Context, c Creation) (*Organization, error)

	// Get returns the organization with the given id in the provider, or
	// ErrNotFound.
	Get(ctx context.Context, providerID, id uuid.UUID) (*Organization, error)

	// Update loads the organization, calls fn with it and stores what fn
	// returns, in one atomic step: no other change to the organization can
	// come between the load and the store (a store may call fn again after a
	// retryable failure, so fn must have no other effects). An error from fn
	// is returned as it is and nothing is stored. The returned change must
	// hold the next version; a duplicate key is a *DuplicateError. For a
	// deletion, Update returns nil and no error.
	Update(ctx context.Context, providerID, id uuid.UUID, fn UpdateFunc) (*Organization, error)

	// Search answers a compiled query over the organizations of
	// plan.ProviderID: the hits after plan.After, in search order, at most
	// plan.Limit+1 of them (the extra one tells the Service there is a next
	// page), and, when plan.Count, the number of all matches.
	Search(ctx context.Context, plan search.Plan) (SearchResult, error)

	// Events returns events in the order they were stored, after q.After. A
	// cursor never skips an event that is stored late by a change that began
	// earlier.
	Events(ctx context.Context, q EventQuery) (EventPage, error)

	// Close releases what the store holds. It does not close a connection pool
	// or client the caller passed in.
	Close() error
}

// UpdateFunc is the change a Service makes inside a store's atomic step.
type UpdateFunc func(current *Organization) (Change, error)

// Change is what an UpdateFunc asks a store to write.
type Change struct {
	// Organization is the new state, at current's version plus one; nil
	// when Delete is set.
	Organization *Organization
	// Delete removes the organization, its members, tags, numbers and grants
	// from storage and search, frees its numbers, reference and contract, and
	// erases personal data from its events (Event.Redacted).
	Delete bool
	// Event records the change; it is stored in the same step.
	Event Event
}

// Creation is what Store.Create writes.
type Creation struct {
	Organization *Organization
	Event        Event
	// IdempotencyKey, when set, makes a retried create return the first
	// result. Stores remember it per provider at least until KeyExpires.
	IdempotencyKey string
	// Fingerprint identifies the request the key was first used for.
	Fingerprint string
	// KeyExpires is when the key may be forgotten.
	KeyExpires time.Time
}

// Hit is one search result: an organization and how it matched.
type Hit struct {
	Organization *Organization
	Match        search.Match
}

// SearchResult is a page of search hits.
type SearchResult struct {
	Hits []Hit
	// Next is the cursor of the following page, or "" on the last page.
	Next string
	// Count is the number of all matches, when the query asked for it.
	Count *search.Count
}

// Imported is one organization for a bulk import, with its one "imported"
// event.
type Imported struct {
	Organization *Organization
	Event        Event
}

// Importer is an optional Store interface for loaders: many organizations
// stored at once, each with its event. The import is all or nothing, and
// keys must be unique as with Create. Probe for it with a type assertion.
type Importer interface {
	Import(ctx context.Context, items []Imported) error
}

// IndexEntry is one key a store keeps to find an organization.
type IndexEntry struct {
	// Kind is "customer_reference", "external_contract", "numbers",
	// "name" or "idempotency_key", or a store's own kind.
	Kind           string
	Key            string
	OrganizationID uuid.UUID
}

// Walker is an optional Store interface for consistency checks: it visits
// every organization, index entry and event of a provider. Probe for it
// with a type assertion.
type Walker interface {
	// Walk calls the given functions for every organization, index entry and
	// event of the provider (any may be nil), and stops at the first error.
	Walk(ctx context.Context, providerID uuid.UUID, v Visitor) error
}

// Visitor receives what a Walker visits. Organizations arrive as stored
// snapshots, not rebuilt with Rehydrate, so that a checker sees damaged
// state as it is.
type Visitor struct {
	Organization func(Snapshot) error
	Index        func(IndexEntry) error
	Event        func(Event) error
}
