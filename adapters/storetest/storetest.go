// Package storetest is the conformance suite every org.Store must pass: the
// memory, PostgreSQL and Redis stores run it from their own tests, and so
// should any store written outside orgkit.
//
// It drives the store through an org.Service, as hosts do, and covers every
// rule a store can break: uniqueness of customer reference, external
// contract and numbers within a provider; provider isolation; the ownership
// switch stored whole or not at all; stale versions refused; idempotent
// creates; deletion (gone from search, keys freed, events erased of personal
// data); every search rule; and events stored with their changes and read
// back in order. Optional interfaces (org.Importer, org.Walker) are tested
// when the store has them, and a store that can be walked is checked with
// package check after every scenario.
package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/check"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// NewStore returns a new, empty store for one test. It should register its
// own cleanup with t.Cleanup; the suite closes the store too.
type NewStore func(t *testing.T) org.Store

// Run runs the whole suite. Subtests run in parallel, each on its own store.
func Run(t *testing.T, newStore NewStore) {
	t.Run("Create", func(t *testing.T) { t.Parallel(); testCreate(t, newStore) })
	t.Run("Uniqueness", func(t *testing.T) { t.Parallel(); testUniqueness(t, newStore) })
	t.Run("Isolation", func(t *testing.T) { t.Parallel(); testIsolation(t, newStore) })
	t.Run("Update", func(t *testing.T) { t.Parallel(); testUpdate(t, newStore) })
	t.Run("Switch", func(t *testing.T) { t.Parallel(); testSwitch(t, newStore) })
	t.Run("Idempotency", func(t *testing.T) { t.Parallel(); testIdempotency(t, newStore) })
	t.Run("Delete", func(t *testing.T) { t.Parallel(); testDelete(t, newStore) })
	t.Run("Search", func(t *testing.T) { t.Parallel(); testSearch(t, newStore) })
	t.Run("Events", func(t *testing.T) { t.Parallel(); testEvents(t, newStore) })
	t.Run("Import", func(t *testing.T) { t.Parallel(); testImport(t, newStore) })
	t.Run("Walk", func(t *testing.T) { t.Parallel(); testWalk(t, newStore) })
	t.Run("Race", func(t *testing.T) { t.Parallel(); testRace(t, newStore) })
	t.Run("TenancyProperty", func(t *testing.T) { t.Parallel(); testTenancyProperty(t, newStore) })
}

// Clock is a settable clock for tests; the zero value starts at a fixed
// instant.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Epoch is where a Clock starts.
var Epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// Now returns the clock's time; each call moves it on by a microsecond, so
// changes made one after another get distinct, ordered times.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		c.now = Epoch
	}
	c.now = c.now.Add(time.Microsecond)
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Bundle is what one test works with: a store, a Service over it, two
// providers and actors of each.
type Bundle struct {
	Store   org.Store
	Service *org.Service
	Clock   *Clock
	// P1 and P2 are two providers; nothing of one is visible to the other.
	P1, P2 org.Provider
	// Staff1 and Staff2 are staff with Sales Hub access and role Admin.
	Staff1, Staff2 org.Actor
}

// Setup makes a Bundle on a new store from newStore.
func Setup(t *testing.T, newStore NewStore) *Bundle {
	t.Helper()
	st := newStore(t)
	t.Cleanup(func() { _ = st.Close() })
	p1 := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	p2 := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	clock := &Clock{}
	// After the test, the store must still be whole: every scenario ends
	// with the consistency checker finding nothing.
	t.Cleanup(func() { assertConsistent(t, st, p1.ID, p2.ID) })
	return &Bundle{
		Store:   st,
		Service: org.NewService(st, org.NewProviderSet(p1, p2), org.WithClock(clock.Now)),
		Clock:   clock,
		P1:      p1,
		P2:      p2,
		Staff1:  org.Staff(p1.ID, "staff-1", ownership.Admin, true),
		Staff2:  org.Staff(p2.ID, "staff-2", ownership.Admin, true),
	}
}

// assertConsistent runs the consistency checker over the providers, when
// the store can be walked.
func assertConsistent(t *testing.T, st org.Store, providers ...uuid.UUID) {
	t.Helper()
	w, ok := st.(org.Walker)
	if !ok {
		return
	}
	for _, p := range providers {
		r, err := check.Provider(context.Background(), w, p)
		if assert.NoError(t, err) {
			assert.Empty(t, r.Findings, "consistency check of provider %s", p)
		}
	}
}

var numberSeq atomic.Int64

// Number returns a valid E.164 number not returned before in this process.
func Number() string {
	return fmt.Sprintf("+1415555%04d", numberSeq.Add(1)%10000)
}

// Billing returns valid billing information.
func Billing(email string) *billing.Info {
	return &billing.Info{
		ContactName: "Accounts Payable",
		Email:       email,
		Currency:    "GBP",
		Address:     billing.Address{Line1: "1 Long Lane", City: "London", PostalCode: "EC1A 9HF", Country: "GB"},
	}
}

// CustomerInput returns valid input for a Customer-managed organization.
func CustomerInput(name, ownerEmail string) org.CreateInput {
	return org.CreateInput{
		Name:      name,
		ManagedBy: ownership.Customer,
		Owner:     &org.Person{Name: "Olive Owner", Email: ownerEmail, Phone: "+442079460958"},
		Billing:   Billing(""),
		Country:   "GB",
		TimeZone:  "Europe/London",
	}
}

// ProviderInput returns valid input for a Service-Provider-managed
// organization.
func ProviderInput(name string) org.CreateInput {
	return org.CreateInput{Name: name, ManagedBy: ownership.ServiceProvider}
}

// MustCreate creates an organization or fails the test.
func (b *Bundle) MustCreate(t *testing.T, a org.Actor, in org.CreateInput) *org.Organization {
	t.Helper()
	o, err := b.Service.Create(context.Background(), a, in)
	require.NoError(t, err)
	return o
}

// Events returns every event of an organization (or of the whole provider,
// with uuid.Nil), reading page by page.
func (b *Bundle) Events(t *testing.T, a org.Actor, id uuid.UUID) []org.Event {
	t.Helper()
	var all []org.Event
	after := ""
	for {
		page, err := b.Service.Events(context.Background(), a, org.EventQuery{OrganizationID: id, After: after, Limit: 7})
		require.NoError(t, err)
		all = append(all, page.Events...)
		if len(page.Events) == 0 {
			return all
		}
		after = page.Next
	}
}
