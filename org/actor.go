package org

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/ownership"
)

// Provider is a service provider's configuration, which the host supplies:
// orgkit does not store it.
type Provider struct {
	// ID identifies the provider; every organization belongs to one.
	ID uuid.UUID
	// AdminOrganizationID is the provider's own staff organization, the owner
	// of every organization the provider manages.
	AdminOrganizationID uuid.UUID
}

// Providers tells a Service the configuration of a provider.
type Providers interface {
	// Provider returns the provider with the given id, or an error matching
	// ErrUnknownProvider.
	Provider(ctx context.Context, id uuid.UUID) (Provider, error)
}

// ProviderSet is a fixed set of providers, keyed by id; it implements
// Providers for hosts whose providers are known at start.
type ProviderSet map[uuid.UUID]Provider

// NewProviderSet returns a ProviderSet of the given providers.
func NewProviderSet(ps ...Provider) ProviderSet {
	set := make(ProviderSet, len(ps))
	for _, p := range ps {
		set[p.ID] = p
	}
	return set
}

// Provider implements Providers.
func (s ProviderSet) Provider(_ context.Context, id uuid.UUID) (Provider, error) {
	p, ok := s[id]
	if !ok {
		return Provider{}, fmt.Errorf("%w: %s", ErrUnknownProvider, id)
	}
	return p, nil
}

// ActorKind says who an actor is.
type ActorKind uint8

// The kinds of actor.
const (
	// ActorStaff is a member of the provider's Admin Organization.
	ActorStaff ActorKind = 1
	// ActorMember is a person in a customer organization.
	ActorMember ActorKind = 2
)

// String returns "staff" or "member".
func (k ActorKind) String() string {
	switch k {
	case ActorStaff:
		return "staff"
	case ActorMember:
		return "member"
	}
	return fmt.Sprintf("ActorKind(%d)", uint8(k))
}

// Actor is who performs a call. Every Service method takes one explicitly;
// orgkit keeps no ambient identity. Make one with Staff or CustomerMember.
// The zero Actor is allowed nothing.
type Actor struct {
	kind       ActorKind
	providerID uuid.UUID
	userID     string
	role       ownership.Role
	salesHub   bool
	orgID      uuid.UUID
	email      string
}

// Staff returns an actor for a member of the provider's Admin Organization:
// the host says who they are (userID), their role there, and whether they
// have Sales Hub access (which the host derives from its licence and the
// person's rights).
func Staff(providerID uuid.UUID, userID string, role ownership.Role, salesHubAccess bool) Actor {
	return Actor{kind: ActorStaff, providerID: providerID, userID: userID, role: role, salesHub: salesHubAccess}
}

// CustomerMember returns an actor for a person in a customer organization,
// identified by the organization and their email. Their role is read from the
// stored organization at the time of each call, never taken from the caller.
func CustomerMember(providerID, organizationID uuid.UUID, email string) Actor {
	return Actor{kind: ActorMember, providerID: providerID, orgID: organizationID, email: email}
}

// Kind returns whether the actor is staff or a customer member.
func (a Actor) Kind() ActorKind { return a.kind }

// ProviderID returns the actor's provider.
func (a Actor) ProviderID() uuid.UUID { return a.providerID }

// UserID returns a staff actor's user id.
func (a Actor) UserID() string { return a.userID }

// StaffRole returns a staff actor's role in the Admin Organization.
func (a Actor) StaffRole() ownership.Role { return a.role }

// SalesHubAccess reports whether a staff actor has Sales Hub access.
func (a Actor) SalesHubAccess() bool { return a.salesHub }

// OrganizationID returns a customer member's organization.
func (a Actor) OrganizationID() uuid.UUID { return a.orgID }

// Email returns a customer member's email.
func (a Actor) Email() string { return a.email }

// Action is something an actor may be allowed to do; Authorize decides.
type Action uint8

// The actions of the permission table.
const (
	ActionCreate              Action = iota + 1 // create an organization
	ActionRead                                  // read an organization, its members and grants; search
	ActionEditInformation                       // edit information, billing, members
	ActionEditSalesRecords                      // edit reference, contract, tags, numbers
	ActionSwitchManagedBy                       // switch between Customer and Service Provider
	ActionControlStatus                         // suspend, reactivate, delete
	ActionRequestRemoteAccess                   // ask a customer for remote access
	ActionDecideRemoteAccess                    // approve or revoke remote access
	ActionReadEvents                            // read the audit trail
)

var actionNames = [...]string{"", "create", "read", "edit_information", "edit_sales_records",
	"switch_managed_by", "control_status", "request_remote_access", "decide_remote_access", "read_events"}

// String returns the action's snake_case name.
func (a Action) String() string {
	if int(a) < len(actionNames) && a != 0 {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Authorize applies the permission table of orgkit to one action. o is the
// organization acted on as stored now, or nil for actions on none (create,
// search). It returns nil when allowed, an error matching ErrNotFound when the
// actor may not read o at all (another provider's organization, or for a
// customer member any organization but their own), and one matching
// ErrPermission otherwise. Hosts can use it to show only what a person may do.
func Authorize(a Actor, act Action, o *Organization, now time.Time) error {
	if o != nil && o.ProviderID() != a.providerID {
		return ErrNotFound
	}
	switch a.kind {
	case ActorStaff:
		return authorizeStaff(a, act, o, now)
	case ActorMember:
		return authorizeMember(a, act, o)
	}
	return fmt.Errorf("%w: no actor", ErrPermission)
}

func authorizeStaff(a Actor, act Action, o *Organization, now time.Time) error {
	if a.userID == "" {
		return fmt.Errorf("%w: staff actor without a user id", ErrPermission)
	}
	if !a.salesHub {
		return fmt.Errorf("%w: %s needs Sales Hub access", ErrPermission, act)
	}
	customerManaged := o != nil && o.ManagedBy() == ownership.Customer
	switch act {
	case ActionCreate, ActionRead, ActionEditSalesRecords, ActionControlStatus,
		ActionRequestRemoteAccess, ActionReadEvents:
		return nil
	case ActionEditInformation:
		if customerManaged && !o.remoteAccess(now) {
			return fmt.Errorf("%w: %s of a Customer-managed organization needs an active remote-access grant", ErrPermission, act)
		}
		return nil
	case ActionSwitchManagedBy:
		if a.role != ownership.Owner && a.role != ownership.Admin {
			return fmt.Errorf("%w: %s needs the Owner or Admin role in the Admin Organization", ErrPermission, act)
		}
		if customerManaged && !o.remoteAccess(now) {
			return fmt.Errorf("%w: %s of a Customer-managed organization needs an active remote-access grant", ErrPermission, act)
		}
		return nil
	}
	return fmt.Errorf("%w: staff may not %s", ErrPermission, act)
}

func authorizeMember(a Actor, act Action, o *Organization) error {
	if o == nil {
		// Customer members act on their own organization only.
		return fmt.Errorf("%w: customer members may not %s", ErrPermission, act)
	}
	if o.ID() != a.orgID {
		return ErrNotFound
	}
	m, ok := o.MemberByEmail(a.email)
	if !ok || a.email == "" {
		return ErrNotFound
	}
	ownerOrAdmin := m.Role == ownership.Owner || m.Role == ownership.Admin
	switch act {
	case ActionRead:
		return nil
	case ActionEditInformation:
		if !ownerOrAdmin {
			return fmt.Errorf("%w: members with role Member may not %s", ErrPermission, act)
		}
		if o.ManagedBy() != ownership.Customer {
			return fmt.Errorf("%w: the service provider manages this organization", ErrPermission)
		}
		return nil
	case ActionDecideRemoteAccess, ActionReadEvents:
		if !ownerOrAdmin {
			return fmt.Errorf("%w: members with role Member may not %s", ErrPermission, act)
		}
		return nil
	}
	return fmt.Errorf("%w: customer members may not %s", ErrPermission, act)
}

// actorRef is how events record an actor: staff by user id, customer members
// by member id (looked up in the stored organization), never by email.
func actorRef(a Actor, o *Organization) ActorRef {
	switch a.kind {
	case ActorStaff:
		return ActorRef{Kind: "staff", ID: a.userID}
	case ActorMember:
		if o != nil {
			if m, ok := o.MemberByEmail(a.email); ok {
				return ActorRef{Kind: "member", ID: m.ID.String()}
			}
		}
		return ActorRef{Kind: "member"}
	}
	return ActorRef{}
}
