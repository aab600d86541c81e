package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// The permission table of orgkit, written once, independently of
// org.Authorize: who may do what to an organization in a given state.
// Tenancy (another provider's organization, or for a customer member any
// organization but their own, is not found) is applied before it.
type actorClass int

const (
	clsStaffLead     actorClass = iota // staff, Sales Hub access, role Owner or Admin
	clsStaffMember                     // staff, Sales Hub access, role Member
	clsStaffNoAccess                   // staff without Sales Hub access
	clsOwnerOrAdmin                    // customer member with role Owner or Admin
	clsMember                          // customer member with role Member
)

type propOp int

const (
	opRead propOp = iota
	opSearch
	opEvents
	opEditInformation
	opEditSales
	opSwitch
	opSuspendOrReactivate
	opRequestAccess
	opDecideAccess
	numPropOps
)

// permitted answers the table for one actor class, operation and state.
func permitted(c actorClass, op propOp, customerManaged, activeGrant bool) bool {
	staff := c == clsStaffLead || c == clsStaffMember
	switch op {
	case opRead, opSearch:
		return c != clsStaffNoAccess
	case opEvents:
		return staff || c == clsOwnerOrAdmin
	case opEditInformation:
		if staff {
			return !customerManaged || activeGrant
		}
		return c == clsOwnerOrAdmin && customerManaged
	case opEditSales, opSuspendOrReactivate, opRequestAccess:
		return staff
	case opSwitch:
		return c == clsStaffLead && (!customerManaged || activeGrant)
	case opDecideAccess:
		return c == clsOwnerOrAdmin
	}
	return false
}

type propActor struct {
	actor    org.Actor
	provider uuid.UUID
	class    actorClass // for customer members, read from the target at the time
	orgID    uuid.UUID  // customer members' own organization
}

// testTenancyProperty lets random actors of two providers try random
// operations on random organizations, and checks each outcome against the
// table above; no read, hit, event or write ever crosses providers.
func testTenancyProperty(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	b := Setup(t, newStore)
	rng := rand.New(rand.NewPCG(7, 11))

	var actors []propActor
	var targets []uuid.UUID
	for _, p := range []org.Provider{b.P1, b.P2} {
		lead := org.Staff(p.ID, "lead-"+p.ID.String()[:4], ownership.Owner, true)
		actors = append(actors,
			propActor{actor: lead, provider: p.ID, class: clsStaffLead},
			propActor{actor: org.Staff(p.ID, "admin", ownership.Admin, true), provider: p.ID, class: clsStaffLead},
			propActor{actor: org.Staff(p.ID, "member", ownership.Member, true), provider: p.ID, class: clsStaffMember},
			propActor{actor: org.Staff(p.ID, "none", ownership.Owner, false), provider: p.ID, class: clsStaffNoAccess},
		)
		// Customer-managed organizations whose grants are valid, expired,
		// revoked or never given, and Service-Provider-managed ones.
		for i, grant := range []string{"valid", "expired", "revoked", "none", "sp", "sp"} {
			var o *org.Organization
			owner := fmt.Sprintf("owner%d-%s@tenant.example", i, p.ID.String()[:4])
			if grant == "sp" {
				o = b.MustCreate(t, lead, ProviderInput(fmt.Sprintf("Tenant SP %d", i)))
			} else {
				o = b.MustCreate(t, lead, CustomerInput(fmt.Sprintf("Tenant C %d", i), owner))
			}
			editor := lead
			if grant != "sp" {
				editor = org.CustomerMember(p.ID, o.ID(), owner)
				actors = append(actors, propActor{actor: editor, provider: p.ID, orgID: o.ID()})
			}
			for _, role := range []ownership.Role{ownership.Admin, ownership.Member} {
				email := fmt.Sprintf("%s%d-%s@tenant.example", role, i, p.ID.String()[:4])
				_, err := b.Service.AddMember(ctx, editor, o.ID(), org.NewMember{Name: "P", Email: email, Role: role})
				require.NoError(t, err)
				actors = append(actors, propActor{actor: org.CustomerMember(p.ID, o.ID(), email), provider: p.ID, orgID: o.ID()})
			}
			if grant != "sp" && grant != "none" {
				d := 30 * 24 * time.Hour
				if grant == "expired" {
					d = time.Second
				}
				_, g, err := b.Service.RequestRemoteAccess(ctx, lead, o.ID(), org.AccessRequest{Duration: d})
				require.NoError(t, err)
				_, err = b.Service.ApproveRemoteAccess(ctx, editor, o.ID(), g.ID)
				require.NoError(t, err)
				if grant == "revoked" {
					_, err = b.Service.RevokeRemoteAccess(ctx, editor, o.ID(), g.ID)
					require.NoError(t, err)
				}
			}
			targets = append(targets, o.ID())
		}
	}
	b.Clock.Advance(time.Minute) // the one-second grants expire

	// oracle reads the target as it is stored, with a privileged view.
	oracle := func(id uuid.UUID) *org.Organization {
		for _, p := range []org.Provider{b.P1, b.P2} {
			if o, err := b.Service.Get(ctx, org.Staff(p.ID, "oracle", ownership.Owner, true), id); err == nil {
				return o
			}
		}
		return nil
	}

	const trials = 400
	tried := map[string]int{}
	for range trials {
		pa := actors[rng.IntN(len(actors))]
		id := targets[rng.IntN(len(targets))]
		op := propOp(rng.IntN(int(numPropOps)))
		o := oracle(id)
		require.NotNil(t, o)
		now := b.Clock.Now()

		want := "ok"
		class := pa.class
		visible := o.ProviderID() == pa.provider
		if pa.actor.Kind() == org.ActorMember {
			m, ok := o.MemberByEmail(pa.actor.Email())
			visible = visible && pa.orgID == id && ok
			class = clsMember
			if ok && (m.Role == ownership.Owner || m.Role == ownership.Admin) {
				class = clsOwnerOrAdmin
			}
		}
		active := false
		var pending, decidable uuid.UUID
		for _, g := range o.Grants() {
			switch g.State(now) {
			case org.GrantActive:
				active = true
				decidable = g.ID
			case org.GrantPending:
				pending, decidable = g.ID, g.ID
			}
		}
		customer := o.ManagedBy() == ownership.Customer
		// Staff search and read the feed across their provider: whether they
		// may is decided before any organization is looked at.
		providerWide := pa.actor.Kind() == org.ActorStaff && (op == opSearch || op == opEvents)
		switch {
		case providerWide && !permitted(class, op, customer, active):
			want = "permission"
		case !visible:
			want = "not found"
		case !permitted(class, op, customer, active):
			want = "permission"
		case o.Status() == org.StatusSuspended && op != opSuspendOrReactivate && op >= opEditInformation:
			want = "suspended"
		case op == opRequestAccess && !customer:
			want = "transition"
		case op == opDecideAccess && decidable == uuid.Nil:
			want = "not found" // no grant to decide: a random id is looked up
		}
		if op == opSearch && want == "not found" {
			want = "no hit"
		}
		if op == opEvents && want == "not found" {
			want = "no events"
		}

		got := runPropOp(ctx, t, b, pa, id, op, o, pending, decidable)
		key := fmt.Sprintf("class %d op %d", class, op)
		tried[key]++
		require.Equal(t, want, got, "%s on %s (customer=%v grant=%v status=%s)", describeActor(pa), opName(op), customer, active, o.Status())
	}
	t.Logf("%d actor/operation pairs tried over %d combinations", trials, len(tried))
}

func runPropOp(ctx context.Context, t *testing.T, b *Bundle, pa propActor, id uuid.UUID, op propOp, o *org.Organization, pending, decidable uuid.UUID) string {
	svc, a := b.Service, pa.actor
	var err error
	switch op {
	case opRead:
		var got *org.Organization
		got, err = svc.Get(ctx, a, id)
		if err == nil {
			require.Equal(t, pa.provider, got.ProviderID())
		}
	case opSearch:
		res, err := svc.Search(ctx, a, org.SearchQuery{Text: id.String()})
		if err != nil {
			return classify(err)
		}
		for _, h := range res.Hits {
			require.Equal(t, pa.provider, h.Organization.ProviderID(), "a search hit crossed providers")
		}
		if len(res.Hits) == 0 {
			return "no hit"
		}
		return "ok"
	case opEvents:
		page, err := svc.Events(ctx, a, org.EventQuery{OrganizationID: id})
		if err != nil {
			if errors.Is(err, org.ErrNotFound) && pa.actor.Kind() == org.ActorMember {
				return "no events"
			}
			return classify(err)
		}
		for _, ev := range page.Events {
			require.Equal(t, pa.provider, ev.ProviderID, "an event crossed providers")
		}
		if len(page.Events) == 0 {
			return "no events"
		}
		return "ok"
	case opEditInformation:
		name := "Renamed " + uuid.NewString()[:6]
		_, err = svc.Update(ctx, a, id, org.Update{Name: &name})
	case opEditSales:
		_, err = svc.SetBuyerTags(ctx, a, id, []string{uuid.NewString()[:6]})
	case opSwitch:
		sw := org.Switch{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin}
		if o.ManagedBy() == ownership.ServiceProvider {
			sw = org.Switch{To: ownership.Customer, NewOwner: &org.Person{Name: "N", Email: uuid.NewString()[:8] + "@new.example"}, Billing: Billing("")}
		}
		_, err = svc.SwitchManagedBy(ctx, a, id, sw)
	case opSuspendOrReactivate:
		if o.Status() == org.StatusSuspended {
			_, err = svc.Reactivate(ctx, a, id)
		} else {
			_, err = svc.Suspend(ctx, a, id, "property test")
		}
	case opRequestAccess:
		_, _, err = svc.RequestRemoteAccess(ctx, a, id, org.AccessRequest{})
	case opDecideAccess:
		g := decidable
		if g == uuid.Nil {
			g = uuid.New()
		}
		if g == pending {
			_, err = svc.ApproveRemoteAccess(ctx, a, id, g)
		} else {
			_, err = svc.RevokeRemoteAccess(ctx, a, id, g)
		}
	}
	return classify(err)
}

func classify(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, org.ErrNotFound):
		return "not found"
	case errors.Is(err, org.ErrPermission):
		return "permission"
	case errors.Is(err, org.ErrSuspended):
		return "suspended"
	case errors.Is(err, org.ErrTransition):
		return "transition"
	}
	return "error: " + err.Error()
}

func describeActor(pa propActor) string {
	if pa.actor.Kind() == org.ActorStaff {
		return fmt.Sprintf("staff %s (%s, access %v)", pa.actor.UserID(), pa.actor.StaffRole(), pa.actor.SalesHubAccess())
	}
	return "member " + pa.actor.Email()
}

func opName(op propOp) string {
	return [...]string{"read", "search", "events", "edit information", "edit sales records", "switch",
		"suspend/reactivate", "request access", "decide access"}[op]
}
