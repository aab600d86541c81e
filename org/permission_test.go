package org_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// The columns of the permission table, plus the two actors that may not
// see the organization at all.
const (
	staffAdmin    = "staff admin"     // staff, Sales Hub access, role Admin
	staffMember   = "staff member"    // staff, Sales Hub access, role Member
	staffNoAccess = "staff no access" // staff without Sales Hub access
	custOwner     = "customer owner"
	custAdmin     = "customer admin"
	custMember    = "customer member"
	otherProvider = "other provider staff"
	otherOrg      = "other org owner" // owner of another organization of the same provider
)

var actorColumns = []string{staffAdmin, staffMember, staffNoAccess, custOwner, custAdmin, custMember, otherProvider, otherOrg}

// Outcomes.
const (
	ok   = "ok"
	perm = "permission"
	nf   = "not found"
	tr   = "transition" // allowed, but the state refuses it
	na   = "n/a"        // the actor does not exist for this target
)

// target is the organization acted on.
type target int

const (
	spManaged       target = iota // Service-Provider-managed, with an admin and a member
	customerNoGrant               // Customer-managed, no remote-access grant
	customerGrant                 // Customer-managed, with an active grant
)

func (t target) String() string {
	return [...]string{"sp-managed", "customer, no grant", "customer, active grant"}[t]
}

// permFixture is a fresh store with the target organization and the actors.
type permFixture struct {
	svc    *org.Service
	id     uuid.UUID
	grant  uuid.UUID // a pending grant, for approve and revoke
	member uuid.UUID // the member with role Member, for member operations
	actors map[string]org.Actor
}

func newPermFixture(t *testing.T, tg target) *permFixture {
	t.Helper()
	ctx := context.Background()
	p1 := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	p2 := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	svc := org.NewService(memory.New(), org.NewProviderSet(p1, p2))
	f := &permFixture{svc: svc, actors: map[string]org.Actor{
		staffAdmin:    org.Staff(p1.ID, "s-admin", ownership.Admin, true),
		staffMember:   org.Staff(p1.ID, "s-member", ownership.Member, true),
		staffNoAccess: org.Staff(p1.ID, "s-none", ownership.Owner, false),
		otherProvider: org.Staff(p2.ID, "s-other", ownership.Owner, true),
	}}
	lead := f.actors[staffAdmin]

	other, err := svc.Create(ctx, lead, storetest.CustomerInput("Other Org", "boss@other.example"))
	require.NoError(t, err)
	f.actors[otherOrg] = org.CustomerMember(p1.ID, other.ID(), "boss@other.example")

	var o *org.Organization
	if tg == spManaged {
		o, err = svc.Create(ctx, lead, storetest.ProviderInput("Target"))
	} else {
		o, err = svc.Create(ctx, lead, storetest.CustomerInput("Target", "owner@target.example"))
		f.actors[custOwner] = org.CustomerMember(p1.ID, o.ID(), "owner@target.example")
	}
	require.NoError(t, err)
	f.id = o.ID()
	owner := f.actors[custOwner]
	editor := lead
	if tg != spManaged {
		editor = owner
	}
	_, err = svc.AddMember(ctx, editor, f.id, org.NewMember{Name: "Ada", Email: "admin@target.example", Role: ownership.Admin})
	require.NoError(t, err)
	o, err = svc.AddMember(ctx, editor, f.id, org.NewMember{Name: "Max", Email: "member@target.example", Role: ownership.Member})
	require.NoError(t, err)
	m, _ := o.MemberByEmail("member@target.example")
	f.member = m.ID
	f.actors[custAdmin] = org.CustomerMember(p1.ID, f.id, "admin@target.example")
	f.actors[custMember] = org.CustomerMember(p1.ID, f.id, "member@target.example")

	if tg != spManaged {
		_, g, err := svc.RequestRemoteAccess(ctx, lead, f.id, org.AccessRequest{})
		require.NoError(t, err)
		if tg == customerGrant {
			_, err = svc.ApproveRemoteAccess(ctx, owner, f.id, g.ID)
			require.NoError(t, err)
			_, g, err = svc.RequestRemoteAccess(ctx, lead, f.id, org.AccessRequest{})
			require.NoError(t, err)
		}
		f.grant = g.ID
	}
	return f
}

func outcome(err error) string {
	switch {
	case err == nil:
		return ok
	case errors.Is(err, org.ErrNotFound):
		return nf
	case errors.Is(err, org.ErrPermission):
		return perm
	case errors.Is(err, org.ErrTransition):
		return tr
	}
	return "error: " + err.Error()
}

type operation struct {
	name string
	do   func(ctx context.Context, f *permFixture, a org.Actor) error
	// want maps a target to the outcome of each column, in actorColumns order.
	want map[target][8]string
}

func same(row [8]string) map[target][8]string {
	return map[target][8]string{spManaged: row, customerNoGrant: row, customerGrant: row}
}

// TestPermissionTable checks every row and column of the permission table
// of package org through the Service, on each kind of target organization.
func TestPermissionTable(t *testing.T) {
	str := func(s string) *string { return &s }
	//                         staffAdmin staffMember noAccess custOwner custAdmin custMember otherProv otherOrg
	readRow := [8]string{ok, ok, perm, ok, ok, ok, nf, nf}
	salesRow := [8]string{ok, ok, perm, perm, perm, perm, nf, nf}
	statusRow := salesRow
	editRow := map[target][8]string{
		spManaged:       {ok, ok, perm, na, perm, perm, nf, nf},
		customerNoGrant: {perm, perm, perm, ok, ok, perm, nf, nf},
		customerGrant:   {ok, ok, perm, ok, ok, perm, nf, nf},
	}
	decideRow := map[target][8]string{
		customerNoGrant: {perm, perm, perm, ok, ok, perm, nf, nf},
		customerGrant:   {perm, perm, perm, ok, ok, perm, nf, nf},
	}
	ops := []operation{
		{"create", func(ctx context.Context, f *permFixture, a org.Actor) error {
			_, err := f.svc.Create(ctx, a, storetest.ProviderInput("New"))
			return err
		}, same([8]string{ok, ok, perm, perm, perm, perm, ok, perm})},
		{"read", func(ctx context.Context, f *permFixture, a org.Actor) error {
			_, err := f.svc.Get(ctx, a, f.id)
			return err
		}, map[target][8]string{
			spManaged:       {ok, ok, perm, na, ok, ok, nf, nf},
			customerNoGrant: readRow, customerGrant: readRow,
		}},
		{"list grants", func(ctx context.Context, f *permFixture, a org.Actor) error {
			_, err := f.svc.RemoteAccessGrants(ctx, a, f.id)
			return err
		}, map[target][8]string{
			spManaged:       {ok, ok, perm, na, ok, ok, nf, nf},
			customerNoGrant: readRow, customerGrant: readRow,
		}},
		{"search finds the target", func(ctx context.Context, f *permFixture, a org.Actor) error {
			res, err := f.svc.Search(ctx, a, org.SearchQuery{Text: f.id.String()})
			if err != nil {
				return err
			}
			if len(res.Hits) == 0 {
				return org.ErrNotFound
			}
			return nil
		}, map[target][8]string{
			spManaged:       {ok, ok, perm, na, ok, ok, nf, nf},
			customerNoGrant: readRow, customerGrant: readRow,
		}},
		{"edit information", func(ctx context.Context, f *permFixture, a org.Actor) error {
			_, err := f.svc.Update(ctx, a, f.id, org.Update{Name: str("Renamed")})
			return err
		}, editRow},
		{"edit billing", func(ctx context.Context, f *permFixture, a org.Actor) error {
			// The owner's email is valid billing for either kind of target.
			_, err := f.svc.UpdateBilling(ctx, a, f.id, storetest.Billing("owner@target.example"))
			return err
		}, editRow},
		{"add member", func(ctx context.Context, f *permFixture, a org.Actor) error {
			_, err := f.svc.AddMember(ctx, a, f.id, org.NewMember{Name: "Neu", Email: "neu@target.example", Role: ownership.Member})
			return err
		}, editRow},
		{"change member role", func(ctx context.Context, f *permFixture, a org.Actor) error {
			r := ownership.Admin
			_, err := f.svc.UpdateMember(ctx, a, f.id, f.member, org.MemberUpdate{Role: &r})
			return err
		}, editRow},
		{"remove member", func(ctx context.Context, f *permFixture, a org.Actor) error {
			_, err := f.svc.RemoveMember(ctx, a, f.id, f.member)
			return err
		}, editRow},
		{"edit sales records", func(ctx context.Context, f *permFixture, a org.Actor) error {
			_, err := f.svc.Update(ctx, a, f.id, org.Update{CustomerReference: str("REF-1"), ExternalContract: str("CON-1")})
			return err
		}, same(salesRow)},
		{"set buyer tags", func(ctx context.Context, f *permFixture, a org.Actor) error {
			_, err := f.svc.SetBuyerTags(ctx, a, f.id, []string{"vip"})
			return err
		}, same(salesRow)},
		{"assign and release a number", func(ctx context.Context, f *permFixture, a org.Actor) error {
			n := storetest.Number()
			if _, err := f.svc.AssignNumber(ctx, a, f.id, n); err != nil {
				return err
			}
			_, err := f.svc.ReleaseNumber(ctx, a, f.id, n)
			return err
		}, same(salesRow)},
		{"switch managed-by", func(ctx context.Context, f *permFixture, a org.Actor) error {
			sw := org.Switch{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin}
			if o, err := f.svc.Get(ctx, f.actors[staffAdmin], f.id); err == nil && o.ManagedBy() == ownership.ServiceProvider {
				sw = org.Switch{To: ownership.Customer, NewOwnerMemberID: f.member, Billing: storetest.Billing("")}
			}
			_, err := f.svc.SwitchManagedBy(ctx, a, f.id, sw)
			return err
		}, map[target][8]string{
			spManaged:       {ok, perm, perm, na, perm, perm, nf, nf},
			customerNoGrant: {perm, perm, perm, perm, perm, perm, nf, nf},
			customerGrant:   {ok, perm, perm, perm, perm, perm, nf, nf},
		}},
		{"suspend and reactivate", func(ctx context.Context, f *permFixture, a org.Actor) error {
			if _, err := f.svc.Suspend(ctx, a, f.id, "overdue"); err != nil {
				return err
			}
			_, err := f.svc.Reactivate(ctx, a, f.id)
			return err
		}, same(statusRow)},
		{"delete", func(ctx context.Context, f *permFixture, a org.Actor) error {
			return f.svc.Delete(ctx, a, f.id)
		}, same(statusRow)},
		{"request remote access", func(ctx context.Context, f *permFixture, a org.Actor) error {
			_, _, err := f.svc.RequestRemoteAccess(ctx, a, f.id, org.AccessRequest{})
			return err
		}, map[target][8]string{
			// A Service-Provider-managed organization needs no grant.
			spManaged:       {tr, tr, perm, na, perm, perm, nf, nf},
			customerNoGrant: salesRow, customerGrant: salesRow,
		}},
		{"approve remote access", func(ctx context.Context, f *permFixture, a org.Actor) error {
			_, err := f.svc.ApproveRemoteAccess(ctx, a, f.id, f.grant)
			return err
		}, decideRow},
		{"revoke remote access", func(ctx context.Context, f *permFixture, a org.Actor) error {
			_, err := f.svc.RevokeRemoteAccess(ctx, a, f.id, f.grant)
			return err
		}, decideRow},
		{"read events", func(ctx context.Context, f *permFixture, a org.Actor) error {
			page, err := f.svc.Events(ctx, a, org.EventQuery{OrganizationID: f.id})
			if err == nil && len(page.Events) == 0 {
				return org.ErrNotFound // sees nothing of it
			}
			return err
		}, map[target][8]string{
			spManaged:       {ok, ok, perm, na, ok, perm, nf, nf},
			customerNoGrant: {ok, ok, perm, ok, ok, perm, nf, nf},
			customerGrant:   {ok, ok, perm, ok, ok, perm, nf, nf},
		}},
	}
	for _, op := range ops {
		for tg, row := range op.want {
			for i, col := range actorColumns {
				want := row[i]
				if want == na {
					continue
				}
				t.Run(fmt.Sprintf("%s/%s/%s", op.name, tg, col), func(t *testing.T) {
					t.Parallel()
					f := newPermFixture(t, tg)
					got := outcome(op.do(context.Background(), f, f.actors[col]))
					require.Equal(t, want, got)
				})
			}
		}
	}
}

// TestProviderFeedIsStaffOnly checks the provider-wide event feed: staff
// with Sales Hub access read it; customer members read only their own
// organization's trail.
func TestProviderFeedIsStaffOnly(t *testing.T) {
	ctx := context.Background()
	f := newPermFixture(t, customerNoGrant)
	_, err := f.svc.Events(ctx, f.actors[staffMember], org.EventQuery{})
	require.NoError(t, err)
	_, err = f.svc.Events(ctx, f.actors[staffNoAccess], org.EventQuery{})
	require.ErrorIs(t, err, org.ErrPermission)
	_, err = f.svc.Events(ctx, f.actors[custOwner], org.EventQuery{})
	require.ErrorIs(t, err, org.ErrNotFound)
}
