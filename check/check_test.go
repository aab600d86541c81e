package check_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/check"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// planted is a provider's walked contents, held in slices so a test can
// damage them by hand.
type planted struct {
	orgs    []org.Snapshot
	entries []org.IndexEntry
	events  []org.Event
}

func (p *planted) Walk(_ context.Context, _ uuid.UUID, v org.Visitor) error {
	for _, s := range p.orgs {
		if err := v.Organization(s); err != nil {
			return err
		}
	}
	for _, e := range p.entries {
		if err := v.Index(e); err != nil {
			return err
		}
	}
	for _, ev := range p.events {
		if err := v.Event(ev); err != nil {
			return err
		}
	}
	return nil
}

// healthy makes a few organizations through the Service and walks them out
// of a memory store.
func healthy(t *testing.T) (*planted, uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	b := storetest.Setup(t, func(*testing.T) org.Store { return memory.New() })
	c := storetest.CustomerInput("Customer", "c@c.example")
	c.CustomerReference, c.ExternalContract, c.Numbers = "REF", "CON", []string{storetest.Number()}
	b.MustCreate(t, b.Staff1, c)
	sp := storetest.ProviderInput("Provider")
	sp.Numbers = []string{storetest.Number()}
	o := b.MustCreate(t, b.Staff1, sp)
	_, err := b.Service.SetBuyerTags(ctx, b.Staff1, o.ID(), []string{"x"})
	require.NoError(t, err)

	p := &planted{}
	require.NoError(t, b.Store.(org.Walker).Walk(ctx, b.P1.ID, org.Visitor{
		Organization: func(s org.Snapshot) error { p.orgs = append(p.orgs, s); return nil },
		Index:        func(e org.IndexEntry) error { p.entries = append(p.entries, e); return nil },
		Event:        func(ev org.Event) error { p.events = append(p.events, ev); return nil },
	}))
	require.Len(t, p.orgs, 2)
	// Index order is the store's; put the Customer-managed one first.
	if p.orgs[0].ManagedBy != ownership.Customer {
		p.orgs[0], p.orgs[1] = p.orgs[1], p.orgs[0]
	}
	return p, b.P1.ID
}

func TestHealthyStoreHasNoFindings(t *testing.T) {
	p, pid := healthy(t)
	r, err := check.Provider(context.Background(), p, pid)
	require.NoError(t, err)
	assert.True(t, r.OK(), "%v", r.Findings)
	assert.Equal(t, 2, r.Organizations)
	assert.Equal(t, 3, r.Events)
	// Reference, contract and two numbers, plus whatever index entries of
	// its own the store keeps.
	assert.GreaterOrEqual(t, r.IndexEntries, 4)
	keyed := 0
	for _, e := range p.entries {
		switch e.Kind {
		case org.FieldCustomerReference, org.FieldExternalContract, org.FieldNumbers:
			keyed++
		}
	}
	assert.Equal(t, 4, keyed)
}

func TestFindsPlantedDamage(t *testing.T) {
	tests := []struct {
		name  string
		plant func(p *planted)
		want  check.Kind
	}{
		{"TwoOwners", func(p *planted) {
			p.orgs[0].Members = append(p.orgs[0].Members, org.Member{ID: uuid.New(), Role: ownership.Owner})
		}, check.BadOwnership},
		{"NoOwner", func(p *planted) { p.orgs[0].Members[0].Role = ownership.Admin }, check.BadOwnership},
		{"OwnerOnServiceProviderManaged", func(p *planted) {
			p.orgs[1].Members = []org.Member{{ID: uuid.New(), Role: ownership.Owner}}
		}, check.BadOwnership},
		{"BillingEmailNotOwners", func(p *planted) {
			b := *p.orgs[0].Billing
			b.Email = "someone@else.example"
			p.orgs[0].Billing = &b
		}, check.BadOwnership},
		{"NumberHeldTwice", func(p *planted) { p.orgs[1].Numbers = p.orgs[0].Numbers }, check.HeldTwice},
		{"ReferenceHeldTwice", func(p *planted) { p.orgs[1].CustomerReference = "ref" }, check.HeldTwice},
		{"ContractHeldTwice", func(p *planted) { p.orgs[1].ExternalContract = "CON" }, check.HeldTwice},
		{"IndexPointsAtNothing", func(p *planted) {
			p.entries = append(p.entries, org.IndexEntry{Kind: org.FieldNumbers, Key: "+14155559999", OrganizationID: uuid.New()})
		}, check.DanglingIndex},
		{"StoreOwnIndexPointsAtNothing", func(p *planted) {
			p.entries = append(p.entries, org.IndexEntry{Kind: "name_trigram", Key: "acm", OrganizationID: uuid.New()})
		}, check.DanglingIndex},
		{"IndexWithStaleKey", func(p *planted) {
			for i, e := range p.entries {
				if e.Kind == org.FieldCustomerReference {
					p.entries[i].Key = "old-ref"
				}
			}
		}, check.DanglingIndex},
		{"OrganizationMissingFromIndex", func(p *planted) {
			for i, e := range p.entries {
				if e.Kind == org.FieldExternalContract {
					p.entries = append(p.entries[:i], p.entries[i+1:]...)
					break
				}
			}
		}, check.MissingIndex},
		{"LastEventBehindVersion", func(p *planted) { p.orgs[1].Version++ }, check.EventMismatch},
		{"NoEvents", func(p *planted) { p.events = nil }, check.EventMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, pid := healthy(t)
			tt.plant(p)
			r, err := check.Provider(context.Background(), p, pid)
			require.NoError(t, err)
			require.False(t, r.OK())
			var kinds []check.Kind
			for _, f := range r.Findings {
				kinds = append(kinds, f.Kind)
				assert.NotContains(t, f.Detail, "@", "findings carry no personal data")
			}
			assert.Contains(t, kinds, tt.want, "%v", r.Findings)
		})
	}
}

func ExampleProvider() {
	ctx := context.Background()
	store := memory.New()
	p := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	svc := org.NewService(store, org.NewProviderSet(p))
	staff := org.Staff(p.ID, "ops", ownership.Admin, true)
	_, _ = svc.Create(ctx, staff, org.CreateInput{Name: "Globex", ManagedBy: ownership.ServiceProvider})

	r, err := check.Provider(ctx, store, p.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Organizations, "organizations,", r.Events, "events, ok:", r.OK())
	// Output: 1 organizations, 1 events, ok: true
}
