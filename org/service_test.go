package org_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

type env struct {
	svc   *org.Service
	clock *storetest.Clock
	p     org.Provider
	staff org.Actor // Owner role, Sales Hub access
}

func newEnv(t testing.TB, opts ...org.Option) *env {
	t.Helper()
	p := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	clock := &storetest.Clock{}
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	return &env{
		svc:   org.NewService(st, org.NewProviderSet(p), append([]org.Option{org.WithClock(clock.Now)}, opts...)...),
		clock: clock,
		p:     p,
		staff: org.Staff(p.ID, "lead", ownership.Owner, true),
	}
}

func (e *env) create(t *testing.T, in org.CreateInput) *org.Organization {
	t.Helper()
	o, err := e.svc.Create(context.Background(), e.staff, in)
	require.NoError(t, err)
	return o
}

func fields(t *testing.T, err error) []string {
	t.Helper()
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, org.ErrInvalid)
	require.Equal(t, "Organization is invalid.", err.Error())
	var out []string
	for _, f := range ve.Fields {
		require.NotEmpty(t, f.Rule, f.Field)
		require.NotEmpty(t, f.Message, f.Field)
		out = append(out, f.Field)
	}
	return out
}

func TestCreateValidation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	long := strings.Repeat("x", org.MaxNameRunes+1)
	tests := []struct {
		name   string
		in     org.CreateInput
		fields []string
	}{
		{"CustomerNeedsOwnerAndBilling", org.CreateInput{Name: "A", ManagedBy: ownership.Customer}, []string{"owner", "billing"}},
		{"ServiceProviderTakesNoOwner", org.CreateInput{Name: "A", ManagedBy: ownership.ServiceProvider,
			Owner: &org.Person{Name: "O", Email: "o@a.example"}}, []string{"owner"}},
		{"ManagedByRequired", org.CreateInput{Name: "A"}, []string{"managed_by"}},
		{"NameRules", org.CreateInput{Name: "  \t ", ManagedBy: ownership.ServiceProvider}, []string{"name"}},
		{"NameTooLong", org.CreateInput{Name: long, ManagedBy: ownership.ServiceProvider}, []string{"name"}},
		{"NameControlCharacter", org.CreateInput{Name: "Bad\x07Name", ManagedBy: ownership.ServiceProvider}, []string{"name"}},
		{"EveryFieldListed", org.CreateInput{
			Name: "", ManagedBy: ownership.Customer, Country: "XX", TimeZone: "Mars/Olympus",
			Owner:     &org.Person{Name: "O", Email: "nope", Phone: "12"},
			Billing:   &billing.Info{ContactName: "C", Currency: "ZZZ", Address: billing.Address{Line1: "1", City: "L", Country: "GB"}},
			BuyerTags: []string{"ok", ""}, Numbers: []string{"+14155550000", "not a number", "+1 415 555 0000"},
		}, []string{"name", "country", "time_zone", "buyer_tags[1]", "numbers[1]", "numbers[2]",
			"owner.email", "owner.phone", "billing.currency", "billing.address.postal_code"}},
		{"BillingEmailMustBeOwners", func() org.CreateInput {
			in := storetest.CustomerInput("A", "owner@a.example")
			in.Billing = storetest.Billing("someone@else.example")
			return in
		}(), []string{"billing.email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Create(ctx, e.staff, tt.in)
			got := fields(t, err)
			for _, f := range tt.fields {
				assert.Contains(t, got, f)
			}
		})
	}
	res, err := e.svc.Search(ctx, e.staff, org.SearchQuery{Count: true})
	require.NoError(t, err)
	assert.Equal(t, 0, res.Count.N, "nothing stored")
}

func TestCreateNormalizes(t *testing.T) {
	e := newEnv(t)
	in := storetest.CustomerInput("  Acme  ", "Owner@Acme.example")
	in.Owner.Phone = "020 7946 0958" // national, read in the organization's country
	in.Numbers = []string{"+1 (415) 555-0101"}
	in.BuyerTags = []string{"VIP", "vip", " Gold "}
	in.Country = "gb"
	o := e.create(t, in)
	assert.Equal(t, "Acme", o.Name())
	assert.Equal(t, "GB", o.Country())
	assert.Equal(t, "+442079460958", o.Owner().Member.Phone)
	assert.Equal(t, []string{"+14155550101"}, o.Numbers())
	assert.Equal(t, []string{"VIP", "Gold"}, o.BuyerTags())
	b, ok := o.Billing()
	require.True(t, ok)
	assert.Equal(t, "Owner@acme.example", o.Owner().Member.Email, "the domain is lower-cased")
	assert.Equal(t, "Owner@acme.example", b.Email, "billing email derived from the owner")
	assert.Len(t, o.Members(), 1)
	assert.Equal(t, ownership.Owner, o.Members()[0].Role)
	assert.Equal(t, uuid.Version(7), o.ID().Version())

	sp := e.create(t, storetest.ProviderInput("Managed"))
	assert.Nil(t, sp.Owner().Member)
	assert.Equal(t, e.p.AdminOrganizationID, sp.Owner().AdminOrganizationID, "owner defaults to the Admin Organization")
	_, hasBilling := sp.Billing()
	assert.False(t, hasBilling, "billing is optional")
}

func TestSuspendedRefusesChanges(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	o := e.create(t, storetest.ProviderInput("Paused"))
	_, err := e.svc.Suspend(ctx, e.staff, o.ID(), "")
	assert.Contains(t, fields(t, err), "reason")
	s, err := e.svc.Suspend(ctx, e.staff, o.ID(), "unpaid")
	require.NoError(t, err)
	assert.Equal(t, org.StatusSuspended, s.Status())
	assert.Equal(t, "unpaid", s.SuspendReason())

	_, err = e.svc.Suspend(ctx, e.staff, o.ID(), "again")
	require.ErrorIs(t, err, org.ErrTransition)
	name := "X"
	_, err = e.svc.Update(ctx, e.staff, o.ID(), org.Update{Name: &name})
	require.ErrorIs(t, err, org.ErrSuspended)
	_, err = e.svc.SetBuyerTags(ctx, e.staff, o.ID(), []string{"x"})
	require.ErrorIs(t, err, org.ErrSuspended)
	_, err = e.svc.AssignNumber(ctx, e.staff, o.ID(), storetest.Number())
	require.ErrorIs(t, err, org.ErrSuspended)
	_, err = e.svc.SwitchManagedBy(ctx, e.staff, o.ID(), org.Switch{To: ownership.Customer,
		NewOwner: &org.Person{Name: "N", Email: "n@x.example"}, Billing: storetest.Billing("")})
	require.ErrorIs(t, err, org.ErrSuspended)

	r, err := e.svc.Reactivate(ctx, e.staff, o.ID())
	require.NoError(t, err)
	assert.Equal(t, org.StatusActive, r.Status())
	assert.Equal(t, int64(3), r.Version())
	_, err = e.svc.Reactivate(ctx, e.staff, o.ID())
	require.ErrorIs(t, err, org.ErrTransition)

	_, err = e.svc.Suspend(ctx, e.staff, o.ID(), "again")
	require.NoError(t, err)
	require.NoError(t, e.svc.Delete(ctx, e.staff, o.ID()), "delete works while suspended")
}

func TestSwitchManagedBy(t *testing.T) {
	ctx := context.Background()

	t.Run("SameTypeIsRefusedTransition", func(t *testing.T) {
		e := newEnv(t)
		o := e.create(t, storetest.ProviderInput("Same"))
		_, err := e.svc.SwitchManagedBy(ctx, e.staff, o.ID(), org.Switch{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin})
		require.ErrorIs(t, err, org.ErrTransition)
		require.ErrorIs(t, err, ownership.ErrSameType)
	})
	t.Run("InvalidRequestsNameTheField", func(t *testing.T) {
		e := newEnv(t)
		sp := e.create(t, storetest.ProviderInput("SP"))
		_, err := e.svc.SwitchManagedBy(ctx, e.staff, sp.ID(), org.Switch{To: ownership.Customer, Billing: storetest.Billing("")})
		assert.Equal(t, []string{"new_owner"}, fields(t, err))
		_, err = e.svc.SwitchManagedBy(ctx, e.staff, sp.ID(), org.Switch{To: ownership.Customer, NewOwnerMemberID: uuid.New()})
		assert.Equal(t, []string{"new_owner.member_id"}, fields(t, err))

		c := e.create(t, storetest.CustomerInput("C", "c@c.example"))
		owner := org.CustomerMember(e.p.ID, c.ID(), "c@c.example")
		_, g, err := e.svc.RequestRemoteAccess(ctx, e.staff, c.ID(), org.AccessRequest{})
		require.NoError(t, err)
		_, err = e.svc.ApproveRemoteAccess(ctx, owner, c.ID(), g.ID)
		require.NoError(t, err)
		_, err = e.svc.SwitchManagedBy(ctx, e.staff, c.ID(), org.Switch{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Owner})
		assert.Equal(t, []string{"former_owner_role"}, fields(t, err))
		_, err = e.svc.SwitchManagedBy(ctx, e.staff, c.ID(), org.Switch{To: ownership.ServiceProvider})
		assert.Equal(t, []string{"former_owner_role"}, fields(t, err))
	})
	t.Run("ExistingBillingFollowsTheNewOwner", func(t *testing.T) {
		e := newEnv(t)
		in := storetest.ProviderInput("Billed")
		in.Billing = storetest.Billing("ap@billed.example")
		o := e.create(t, in)
		o, err := e.svc.AddMember(ctx, e.staff, o.ID(), org.NewMember{Name: "Mia", Email: "mia@billed.example", Role: ownership.Member})
		require.NoError(t, err)
		mia, _ := o.MemberByEmail("mia@billed.example")
		c, err := e.svc.SwitchManagedBy(ctx, e.staff, o.ID(), org.Switch{To: ownership.Customer, NewOwnerMemberID: mia.ID})
		require.NoError(t, err)
		assert.Equal(t, mia.ID, c.Owner().Member.ID)
		assert.Equal(t, ownership.Owner, c.Owner().Member.Role)
		b, _ := c.Billing()
		assert.Equal(t, "mia@billed.example", b.Email)
		assert.Equal(t, "Accounts Payable", b.ContactName)
	})
	t.Run("NewOwnerEmailMustBeNew", func(t *testing.T) {
		e := newEnv(t)
		o := e.create(t, storetest.ProviderInput("Dup"))
		_, err := e.svc.AddMember(ctx, e.staff, o.ID(), org.NewMember{Name: "Mia", Email: "mia@dup.example", Role: ownership.Member})
		require.NoError(t, err)
		_, err = e.svc.SwitchManagedBy(ctx, e.staff, o.ID(), org.Switch{To: ownership.Customer,
			NewOwner: &org.Person{Name: "Mia", Email: "MIA@dup.example"}, Billing: storetest.Billing("")})
		assert.Contains(t, fields(t, err), "new_owner.email")
	})
}

func TestMembers(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	o := e.create(t, storetest.CustomerInput("Team", "owner@team.example"))
	owner := org.CustomerMember(e.p.ID, o.ID(), "owner@team.example")
	ownerID := o.Owner().Member.ID

	_, err := e.svc.AddMember(ctx, owner, o.ID(), org.NewMember{Name: "Dup", Email: "OWNER@team.example", Role: ownership.Admin})
	assert.Equal(t, []string{"email"}, fields(t, err))
	_, err = e.svc.AddMember(ctx, owner, o.ID(), org.NewMember{Name: "Two", Email: "two@team.example", Role: ownership.Owner})
	assert.Equal(t, []string{"role"}, fields(t, err), "exactly one owner")
	_, err = e.svc.RemoveMember(ctx, owner, o.ID(), ownerID)
	assert.Equal(t, []string{"member_id"}, fields(t, err))
	admin := ownership.Admin
	_, err = e.svc.UpdateMember(ctx, owner, o.ID(), ownerID, org.MemberUpdate{Role: &admin})
	assert.Equal(t, []string{"role"}, fields(t, err))
	_, err = e.svc.RemoveMember(ctx, owner, o.ID(), uuid.New())
	require.ErrorIs(t, err, org.ErrNotFound)

	t.Run("OwnerEmailChangeMovesBillingEmail", func(t *testing.T) {
		email := "new-owner@team.example"
		o2, err := e.svc.UpdateMember(ctx, owner, o.ID(), ownerID, org.MemberUpdate{Email: &email})
		require.NoError(t, err)
		b, _ := o2.Billing()
		assert.Equal(t, email, b.Email)
	})
	t.Run("RoleIsReadFromTheStoredOrganization", func(t *testing.T) {
		boss := org.CustomerMember(e.p.ID, o.ID(), "new-owner@team.example")
		o3, err := e.svc.AddMember(ctx, boss, o.ID(), org.NewMember{Name: "Ada", Email: "ada@team.example", Role: ownership.Admin})
		require.NoError(t, err)
		ada, _ := o3.MemberByEmail("ada@team.example")
		adaActor := org.CustomerMember(e.p.ID, o.ID(), "ada@team.example")
		tags := "Renamed by Ada"
		_, err = e.svc.Update(ctx, adaActor, o.ID(), org.Update{Name: &tags})
		require.NoError(t, err)
		member := ownership.Member
		_, err = e.svc.UpdateMember(ctx, boss, o.ID(), ada.ID, org.MemberUpdate{Role: &member})
		require.NoError(t, err)
		_, err = e.svc.Update(ctx, adaActor, o.ID(), org.Update{Name: &tags})
		require.ErrorIs(t, err, org.ErrPermission, "demoted at once")

		// Events record customer members by member id, never by email.
		page, err := e.svc.Events(ctx, e.staff, org.EventQuery{OrganizationID: o.ID()})
		require.NoError(t, err)
		var byAda int
		for _, ev := range page.Events {
			assert.NotContains(t, ev.Actor.ID, "@")
			if ev.Actor == (org.ActorRef{Kind: "member", ID: ada.ID.String()}) {
				byAda++
			}
		}
		assert.Equal(t, 1, byAda)
	})
	t.Run("StrangerIsNotFound", func(t *testing.T) {
		stranger := org.CustomerMember(e.p.ID, o.ID(), "nobody@team.example")
		_, err := e.svc.Get(ctx, stranger, o.ID())
		require.ErrorIs(t, err, org.ErrNotFound)
	})
}

func TestRemoteAccessGrants(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	o := e.create(t, storetest.CustomerInput("Guarded", "owner@guarded.example"))
	owner := org.CustomerMember(e.p.ID, o.ID(), "owner@guarded.example")
	name := "Changed by staff"
	edit := func() error { _, err := e.svc.Update(ctx, e.staff, o.ID(), org.Update{Name: &name}); return err }

	require.ErrorIs(t, edit(), org.ErrPermission, "no grant yet")
	_, g, err := e.svc.RequestRemoteAccess(ctx, e.staff, o.ID(), org.AccessRequest{Reason: "port numbers"})
	require.NoError(t, err)
	assert.Equal(t, org.GrantPending, g.State(e.clock.Now()))
	require.ErrorIs(t, edit(), org.ErrPermission, "pending grants give nothing")

	o2, err := e.svc.ApproveRemoteAccess(ctx, owner, o.ID(), g.ID)
	require.NoError(t, err)
	approved := o2.Grants()[0]
	assert.Equal(t, org.DefaultGrantDuration, approved.ExpiresAt.Sub(approved.ApprovedAt))
	assert.Equal(t, o2.Owner().Member.ID, approved.ApprovedBy)
	require.NoError(t, edit())
	_, err = e.svc.ApproveRemoteAccess(ctx, owner, o.ID(), g.ID)
	require.ErrorIs(t, err, org.ErrTransition)

	// Expiry is not a change: the version stays, the grant is just inactive.
	before, err := e.svc.Get(ctx, e.staff, o.ID())
	require.NoError(t, err)
	e.clock.Advance(org.DefaultGrantDuration)
	after, err := e.svc.Get(ctx, e.staff, o.ID())
	require.NoError(t, err)
	assert.Equal(t, before.Version(), after.Version())
	assert.Equal(t, org.GrantExpired, after.Grants()[0].State(e.clock.Now()))
	require.ErrorIs(t, edit(), org.ErrPermission, "expired")
	_, err = e.svc.RevokeRemoteAccess(ctx, owner, o.ID(), g.ID)
	require.ErrorIs(t, err, org.ErrTransition, "an expired grant cannot be revoked")

	// Revocation ends an active grant at once.
	_, g2, err := e.svc.RequestRemoteAccess(ctx, e.staff, o.ID(), org.AccessRequest{Duration: 30 * 24 * time.Hour})
	require.NoError(t, err)
	_, err = e.svc.ApproveRemoteAccess(ctx, owner, o.ID(), g2.ID)
	require.NoError(t, err)
	require.NoError(t, edit())
	_, err = e.svc.RevokeRemoteAccess(ctx, owner, o.ID(), g2.ID)
	require.NoError(t, err)
	require.ErrorIs(t, edit(), org.ErrPermission, "revoked")

	_, _, err = e.svc.RequestRemoteAccess(ctx, e.staff, o.ID(), org.AccessRequest{Duration: org.MaxGrantDuration + time.Second})
	assert.Equal(t, []string{"duration"}, fields(t, err))
	grants, err := e.svc.RemoteAccessGrants(ctx, owner, o.ID())
	require.NoError(t, err)
	assert.Len(t, grants, 2)
}

func TestUpdateIsOneVersion(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	o := e.create(t, storetest.ProviderInput("Info"))
	name, country, tz, ref, con := "Info Ltd", "fr", "Europe/Paris", "R-1", "C-1"
	u, err := e.svc.Update(ctx, e.staff, o.ID(), org.Update{Name: &name, Country: &country, TimeZone: &tz, CustomerReference: &ref, ExternalContract: &con})
	require.NoError(t, err)
	assert.Equal(t, int64(2), u.Version())
	assert.Equal(t, "FR", u.Country())
	assert.Equal(t, "R-1", u.CustomerReference())
	_, err = e.svc.Update(ctx, e.staff, o.ID(), org.Update{})
	assert.Equal(t, []string{"update"}, fields(t, err))
	bad := "Nowhere/City"
	_, err = e.svc.Update(ctx, e.staff, o.ID(), org.Update{TimeZone: &bad, Name: &name})
	assert.Equal(t, []string{"time_zone"}, fields(t, err))
}

func TestPolicyCanOnlyTighten(t *testing.T) {
	ctx := context.Background()
	noDeletes := func(_ context.Context, _ org.Actor, act org.Action, _ *org.Organization) error {
		if act == org.ActionControlStatus {
			return errors.New("deletes are done by the billing team")
		}
		return nil
	}
	e := newEnv(t, org.WithPolicy(noDeletes))
	o := e.create(t, storetest.ProviderInput("Kept"))
	require.ErrorIs(t, e.svc.Delete(ctx, e.staff, o.ID()), org.ErrPermission)
	allowAll := func(context.Context, org.Actor, org.Action, *org.Organization) error { return nil }
	e2 := newEnv(t, org.WithPolicy(allowAll))
	noAccess := org.Staff(e2.p.ID, "x", ownership.Owner, false)
	_, err := e2.svc.Create(ctx, noAccess, storetest.ProviderInput("Nope"))
	require.ErrorIs(t, err, org.ErrPermission, "a policy cannot loosen the table")
}

func TestUnknownProviderAndZeroActor(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	_, err := e.svc.Create(ctx, org.Staff(uuid.New(), "x", ownership.Owner, true), storetest.ProviderInput("Lost"))
	require.ErrorIs(t, err, org.ErrUnknownProvider)
	_, err = e.svc.Create(ctx, org.Actor{}, storetest.ProviderInput("Nobody"))
	require.ErrorIs(t, err, org.ErrPermission)
}

func TestLogsCarryNoPersonalData(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	e := newEnv(t, org.WithLogger(slog.New(slog.NewJSONHandler(&buf, nil))))
	in := storetest.CustomerInput("Private Co", "secret.person@private.example")
	in.Owner.Name = "Secret Person"
	o := e.create(t, in)
	_, err := e.svc.Suspend(ctx, e.staff, o.ID(), "secret.person@private.example owes money")
	require.NoError(t, err)
	require.NoError(t, e.svc.Delete(ctx, e.staff, o.ID()))
	out := buf.String()
	assert.Contains(t, out, o.ID().String())
	assert.Contains(t, out, string(org.EventDeleted))
	for _, pii := range []string{"secret.person", "Secret Person", "+44", "Long Lane"} {
		assert.NotContains(t, out, pii)
	}
}

func TestCustomerMemberSearchFindsOwnOrganization(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	mine := e.create(t, storetest.CustomerInput("Mine Inc", "me@mine.example"))
	e.create(t, storetest.ProviderInput("Mine Too Ltd"))
	me := org.CustomerMember(e.p.ID, mine.ID(), "me@mine.example")
	res, err := e.svc.Search(ctx, me, org.SearchQuery{Text: "mine", Count: true})
	require.NoError(t, err)
	require.Len(t, res.Hits, 1)
	assert.Equal(t, mine.ID(), res.Hits[0].Organization.ID())
	assert.Equal(t, 1, res.Count.N)
	res, err = e.svc.Search(ctx, me, org.SearchQuery{Text: "too"})
	require.NoError(t, err)
	assert.Empty(t, res.Hits)
}

func TestIdempotencyKeyIsRememberedForADay(t *testing.T) {
	e := newEnv(t)
	in := storetest.ProviderInput("Keyed")
	in.IdempotencyKey = "k"
	first := e.create(t, in)
	e.clock.Advance(org.IdempotencyKeyTTL - time.Minute)
	again := e.create(t, in)
	assert.Equal(t, first.ID(), again.ID())
}

func TestBuyerTagBounds(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	o := e.create(t, storetest.ProviderInput("Tagged"))
	tooMany := make([]string, org.MaxTags+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("tag-%d", i)
	}
	_, err := e.svc.SetBuyerTags(ctx, e.staff, o.ID(), tooMany)
	assert.Equal(t, []string{"buyer_tags"}, fields(t, err))
	_, err = e.svc.SetBuyerTags(ctx, e.staff, o.ID(), []string{"ok", strings.Repeat("t", org.MaxTagRunes+1)})
	assert.Equal(t, []string{"buyer_tags[1]"}, fields(t, err))

	max := tooMany[:org.MaxTags]
	max[0] = strings.Repeat("ß", org.MaxTagRunes)
	got, err := e.svc.SetBuyerTags(ctx, e.staff, o.ID(), max)
	require.NoError(t, err)
	assert.Len(t, got.BuyerTags(), org.MaxTags)
}
