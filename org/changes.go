package org

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/ownership"
)

// Update changes organization information (name, country, time zone) and
// sales records (customer reference, external contract) in one atomic step
// and one version. Each part needs its own permission.
func (s *Service) Update(ctx context.Context, a Actor, id uuid.UUID, u Update, opts ...ChangeOption) (*Organization, error) {
	var v violations
	var acts []Action
	if u.Name != nil || u.Country != nil || u.TimeZone != nil {
		acts = append(acts, ActionEditInformation)
	}
	if u.CustomerReference != nil || u.ExternalContract != nil {
		acts = append(acts, ActionEditSalesRecords)
	}
	if len(acts) == 0 {
		v.add("update", "required", "the update names no field to change")
	}
	// Normalize every given field before the store's step, so invalid input
	// is refused without touching the store.
	var n Update
	if u.Name != nil {
		n.Name = ptr(v.text("name", *u.Name, MaxNameRunes, true))
	}
	if u.Country != nil {
		n.Country = ptr(v.country("country", *u.Country))
	}
	if u.TimeZone != nil {
		n.TimeZone = ptr(v.timeZone("time_zone", *u.TimeZone))
	}
	if u.CustomerReference != nil {
		n.CustomerReference = ptr(v.text(FieldCustomerReference, *u.CustomerReference, MaxReferenceRunes, false))
	}
	if u.ExternalContract != nil {
		n.ExternalContract = ptr(v.text(FieldExternalContract, *u.ExternalContract, MaxReferenceRunes, false))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return s.mutate(ctx, a, id, opts, mutation{actions: acts, event: EventUpdated,
		apply: func(o *Organization, _ time.Time) error {
			for _, f := range []struct{ dst, src *string }{
				{&o.s.Name, n.Name}, {&o.s.Country, n.Country}, {&o.s.TimeZone, n.TimeZone},
				{&o.s.CustomerReference, n.CustomerReference}, {&o.s.ExternalContract, n.ExternalContract},
			} {
				if f.src != nil {
					*f.dst = *f.src
				}
			}
			return nil
		}})
}

func ptr[T any](v T) *T { return &v }

// UpdateBilling replaces the billing information. For a Customer-managed
// organization it is required and its email is the owner's (left empty, it
// is filled in; a different one is invalid). A Service-Provider-managed
// organization may have none: nil clears it.
func (s *Service) UpdateBilling(ctx context.Context, a Actor, id uuid.UUID, b *billing.Info, opts ...ChangeOption) (*Organization, error) {
	return s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionEditInformation}, event: EventBillingUpdated,
		apply: func(o *Organization, _ time.Time) error {
			var v violations
			o.s.Billing = o.checkBilling(&v, b)
			return v.err()
		}})
}

// checkBilling validates billing information against the organization's
// managed-by type and owner.
func (o *Organization) checkBilling(v *violations, b *billing.Info) *billing.Info {
	if o.s.ManagedBy != ownership.Customer {
		if b == nil {
			return nil
		}
		return v.billing(*b, "")
	}
	if b == nil {
		v.add("billing", "required", "billing is required for a Customer-managed organization")
		return nil
	}
	owner, _ := o.Member(o.s.OwnerID)
	return v.billing(*b, owner.Email)
}

// SetBuyerTags replaces the buyer tags, a case-insensitive set.
func (s *Service) SetBuyerTags(ctx context.Context, a Actor, id uuid.UUID, tags []string, opts ...ChangeOption) (*Organization, error) {
	var v violations
	norm := v.tags("buyer_tags", tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	return s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionEditSalesRecords}, event: EventBuyerTagsSet,
		apply: func(o *Organization, _ time.Time) error {
			o.s.BuyerTags = norm
			return nil
		}})
}

// AddMember adds a person with role Admin or Member. Emails are unique
// within an organization, compared without regard to case.
func (s *Service) AddMember(ctx context.Context, a Actor, id uuid.UUID, nm NewMember, opts ...ChangeOption) (*Organization, error) {
	var v violations
	p := v.person("", Person{Name: nm.Name, Email: nm.Email, Phone: nm.Phone}, "")
	checkRole(&v, "role", nm.Role)
	if err := v.err(); err != nil {
		return nil, err
	}
	mid, err := s.ids()
	if err != nil {
		return nil, fmt.Errorf("orgkit: new id: %w", err)
	}
	return s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionEditInformation}, event: EventMemberAdded,
		apply: func(o *Organization, _ time.Time) error {
			var v violations
			if _, taken := o.MemberByEmail(p.Email); taken {
				v.add("email", "unique", "email is already a member of this organization")
			}
			if len(o.s.Members) >= MaxMembers {
				v.add("members", "max", "an organization may have at most %d members", MaxMembers)
			}
			o.s.Members = append(o.s.Members, Member{ID: mid, Name: p.Name, Email: p.Email, Phone: p.Phone, Role: nm.Role})
			return v.err()
		}})
}

// checkRole allows Admin and Member: Owner is given only by switching
// managed-by, so that there is exactly one owner at every instant.
func checkRole(v *violations, field string, r ownership.Role) {
	switch r {
	case ownership.Admin, ownership.Member:
	case ownership.Owner:
		v.add(field, "not_owner", "%s may not be owner: the owner changes only by switching managed-by", field)
	default:
		v.add(field, "oneof", "%s must be admin or member", field)
	}
}

// UpdateMember changes a member's name, email, phone or role. The owner's
// role cannot change here (switch managed-by instead); when the owner's
// email changes, a Customer-managed organization's billing email follows.
func (s *Service) UpdateMember(ctx context.Context, a Actor, id, memberID uuid.UUID, mu MemberUpdate, opts ...ChangeOption) (*Organization, error) {
	var v violations
	var name, email, ph string
	if mu.Name != nil {
		name = v.text("name", *mu.Name, MaxNameRunes, true)
	}
	if mu.Email != nil {
		email = v.email("email", *mu.Email)
	}
	if mu.Phone != nil {
		ph = v.phone("phone", *mu.Phone, "")
	}
	if mu.Role != nil {
		checkRole(&v, "role", *mu.Role)
	}
	if mu == (MemberUpdate{}) {
		v.add("update", "required", "the update names no field to change")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionEditInformation}, event: EventMemberUpdated,
		apply: func(o *Organization, _ time.Time) error {
			i := o.memberIndex(memberID)
			if i < 0 {
				return fmt.Errorf("%w: member %s", ErrNotFound, memberID)
			}
			m := &o.s.Members[i]
			var v violations
			if mu.Role != nil && m.Role == ownership.Owner {
				v.add("role", "owner", "the owner's role changes only by switching managed-by")
			}
			if mu.Email != nil && !equalEmail(email, m.Email) {
				if _, taken := o.MemberByEmail(email); taken {
					v.add("email", "unique", "email is already a member of this organization")
				}
			}
			if mu.Name != nil {
				m.Name = name
			}
			if mu.Email != nil {
				m.Email = email
			}
			if mu.Phone != nil {
				m.Phone = ph
			}
			if mu.Role != nil && m.Role != ownership.Owner {
				m.Role = *mu.Role
			}
			if m.ID == o.s.OwnerID && o.s.Billing != nil {
				o.s.Billing.Email = m.Email
			}
			return v.err()
		}})
}

// RemoveMember removes a member. The owner cannot be removed: switch
// managed-by first.
func (s *Service) RemoveMember(ctx context.Context, a Actor, id, memberID uuid.UUID, opts ...ChangeOption) (*Organization, error) {
	return s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionEditInformation}, event: EventMemberRemoved,
		apply: func(o *Organization, _ time.Time) error {
			i := o.memberIndex(memberID)
			if i < 0 {
				return fmt.Errorf("%w: member %s", ErrNotFound, memberID)
			}
			if o.s.Members[i].ID == o.s.OwnerID {
				return &ValidationError{Fields: []FieldError{{Field: "member_id", Rule: "owner",
					Message: "the owner cannot be removed; switch managed-by first"}}}
			}
			o.s.Members = slices.Delete(o.s.Members, i, i+1)
			return nil
		}})
}

// AssignNumber gives a purchased number to the organization. A number
// belongs to at most one organization of a provider: one held by another is
// a *DuplicateError.
func (s *Service) AssignNumber(ctx context.Context, a Actor, id uuid.UUID, number string, opts ...ChangeOption) (*Organization, error) {
	return s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionEditSalesRecords}, event: EventNumberAssigned,
		apply: func(o *Organization, _ time.Time) error {
			var v violations
			n := v.phone("number", number, o.s.Country)
			switch {
			case n == "":
				v.add("number", "required", "number is required")
			case len(v) == 0 && slices.Contains(o.s.Numbers, n):
				v.add("number", "unique", "number is already assigned to this organization")
			case len(o.s.Numbers) >= MaxNumbers:
				v.add("number", "max", "an organization may have at most %d numbers", MaxNumbers)
			}
			if err := v.err(); err != nil {
				return err
			}
			o.s.Numbers = append(o.s.Numbers, n)
			slices.Sort(o.s.Numbers)
			return nil
		}})
}

// ReleaseNumber takes a purchased number back, so another organization of
// the provider may be given it.
func (s *Service) ReleaseNumber(ctx context.Context, a Actor, id uuid.UUID, number string, opts ...ChangeOption) (*Organization, error) {
	return s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionEditSalesRecords}, event: EventNumberReleased,
		apply: func(o *Organization, _ time.Time) error {
			var v violations
			n := v.phone("number", number, o.s.Country)
			if err := v.err(); err != nil {
				return err
			}
			i := slices.Index(o.s.Numbers, n)
			if i < 0 {
				return fmt.Errorf("%w: the organization holds no such number", ErrNotFound)
			}
			o.s.Numbers = slices.Delete(o.s.Numbers, i, i+1)
			return nil
		}})
}

// SwitchManagedBy switches between Customer and Service Provider management
// ("Edit Account Ownership Type") in one atomic step: owner, roles, billing
// and the event are stored together or not at all.
//
// To Customer, sw names the new owner: an existing member
// (NewOwnerMemberID) or a person entered by hand (NewOwner), who becomes a
// member with role Owner; billing (sw.Billing, or the billing already held)
// must then be valid, with the new owner's email. To ServiceProvider, the
// current owner is demoted to sw.FormerOwnerRole (Admin or Member) and the
// Admin Organization becomes the owner. Switching to the type the
// organization already has is refused with ErrTransition.
func (s *Service) SwitchManagedBy(ctx context.Context, a Actor, id uuid.UUID, sw Switch, opts ...ChangeOption) (*Organization, error) {
	var v violations
	var added *Member
	if !sw.NewOwner.empty() {
		p := v.person("new_owner", *sw.NewOwner, "")
		mid, err := s.ids()
		if err != nil {
			return nil, fmt.Errorf("orgkit: new id: %w", err)
		}
		added = &Member{ID: mid, Name: p.Name, Email: p.Email, Phone: p.Phone, Role: ownership.Owner}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionSwitchManagedBy}, event: EventManagedBySwitched,
		apply: func(o *Organization, _ time.Time) error {
			req := ownership.Request{To: sw.To, FormerOwnerRole: sw.FormerOwnerRole}
			if sw.NewOwnerMemberID != uuid.Nil {
				req.NewOwnerMemberID = sw.NewOwnerMemberID.String()
			}
			st := o.ownershipState()
			if added != nil {
				req.NewMemberID = added.ID.String()
			}
			next, err := ownership.Switch(st, req)
			if err != nil {
				return translateOwnership(err)
			}
			var v violations
			if added != nil {
				if _, taken := o.MemberByEmail(added.Email); taken {
					v.add("new_owner.email", "unique", "new_owner.email is already a member; choose them by member id")
				}
				o.s.Members = append(o.s.Members, *added)
			}
			if err := o.setOwnershipState(next); err != nil {
				return err
			}
			if sw.To == ownership.Customer {
				b := o.s.Billing
				if sw.Billing != nil {
					b = sw.Billing
				}
				if b != nil && sw.Billing == nil {
					// The billing held so far follows the new owner.
					c := *b
					c.Email = ""
					b = &c
				}
				o.s.Billing = o.checkBilling(&v, b)
			} else if sw.Billing != nil {
				o.s.Billing = o.checkBilling(&v, sw.Billing)
			}
			return v.err()
		}})
}

// translateOwnership maps the state machine's refusals onto orgkit's errors.
func translateOwnership(err error) error {
	if errors.Is(err, ownership.ErrSameType) {
		return fmt.Errorf("%w: %w", ErrTransition, err)
	}
	var ie *ownership.InvalidError
	if errors.As(err, &ie) {
		return &ValidationError{Fields: []FieldError{{Field: ie.Field, Rule: ie.Rule, Message: ie.Message}}}
	}
	return err
}

// Suspend suspends an active organization, with a reason. A suspended
// organization refuses every change but Reactivate and Delete.
func (s *Service) Suspend(ctx context.Context, a Actor, id uuid.UUID, reason string, opts ...ChangeOption) (*Organization, error) {
	var v violations
	reason = v.text("reason", reason, MaxReasonRunes, true)
	if err := v.err(); err != nil {
		return nil, err
	}
	return s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionControlStatus}, event: EventSuspended, whileSuspended: true,
		apply: func(o *Organization, _ time.Time) error {
			if o.s.Status != StatusActive {
				return fmt.Errorf("%w: the organization is already suspended", ErrTransition)
			}
			o.s.Status, o.s.SuspendReason = StatusSuspended, reason
			return nil
		}})
}

// Reactivate returns a suspended organization to service.
func (s *Service) Reactivate(ctx context.Context, a Actor, id uuid.UUID, opts ...ChangeOption) (*Organization, error) {
	return s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionControlStatus}, event: EventReactivated, whileSuspended: true,
		apply: func(o *Organization, _ time.Time) error {
			if o.s.Status != StatusSuspended {
				return fmt.Errorf("%w: the organization is not suspended", ErrTransition)
			}
			o.s.Status, o.s.SuspendReason = StatusActive, ""
			return nil
		}})
}

// Delete removes an organization permanently, active or suspended: it
// leaves storage and search, its numbers, reference and contract can be used
// again, and personal data is erased from its events, which remain as the
// audit trail.
func (s *Service) Delete(ctx context.Context, a Actor, id uuid.UUID, opts ...ChangeOption) error {
	_, err := s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionControlStatus}, event: EventDeleted,
		whileSuspended: true, delete: true})
	return err
}

// RequestRemoteAccess asks a Customer-managed organization to let the
// provider's staff change it. The grant is pending until the organization's
// Owner or an Admin approves it.
func (s *Service) RequestRemoteAccess(ctx context.Context, a Actor, id uuid.UUID, r AccessRequest, opts ...ChangeOption) (*Organization, Grant, error) {
	var v violations
	reason := v.text("reason", r.Reason, MaxReasonRunes, false)
	d := r.Duration
	switch {
	case d == 0:
		d = DefaultGrantDuration
	case d < 0 || d > MaxGrantDuration:
		v.add("duration", "range", "duration must be positive and at most %s", MaxGrantDuration)
	}
	if err := v.err(); err != nil {
		return nil, Grant{}, err
	}
	gid, err := s.ids()
	if err != nil {
		return nil, Grant{}, fmt.Errorf("orgkit: new id: %w", err)
	}
	var g Grant
	o, err := s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionRequestRemoteAccess}, event: EventRemoteAccessRequest,
		apply: func(o *Organization, now time.Time) error {
			if o.s.ManagedBy != ownership.Customer {
				return fmt.Errorf("%w: the service provider manages this organization already", ErrTransition)
			}
			g = Grant{ID: gid, RequestedBy: a.UserID(), RequestedAt: now, Duration: d, Reason: reason}
			o.s.Grants = append(o.s.Grants, g)
			return nil
		}})
	return o, g, err
}

// ApproveRemoteAccess approves a pending grant; the actor is the
// organization's Owner or an Admin. The grant is active for its duration
// from now.
func (s *Service) ApproveRemoteAccess(ctx context.Context, a Actor, id, grantID uuid.UUID, opts ...ChangeOption) (*Organization, error) {
	return s.decideGrant(ctx, a, id, grantID, opts, EventRemoteAccessApproved, func(g *Grant, by uuid.UUID, now time.Time) error {
		if g.State(now) != GrantPending {
			return fmt.Errorf("%w: the grant is %s, not pending", ErrTransition, g.State(now))
		}
		g.ApprovedBy, g.ApprovedAt, g.ExpiresAt = by, now, now.Add(g.Duration)
		return nil
	})
}

// RevokeRemoteAccess ends a pending or active grant; the actor is the
// organization's Owner or an Admin.
func (s *Service) RevokeRemoteAccess(ctx context.Context, a Actor, id, grantID uuid.UUID, opts ...ChangeOption) (*Organization, error) {
	return s.decideGrant(ctx, a, id, grantID, opts, EventRemoteAccessRevoked, func(g *Grant, by uuid.UUID, now time.Time) error {
		if st := g.State(now); st != GrantPending && st != GrantActive {
			return fmt.Errorf("%w: the grant is %s", ErrTransition, st)
		}
		g.RevokedBy, g.RevokedAt = by, now
		return nil
	})
}

func (s *Service) decideGrant(ctx context.Context, a Actor, id, grantID uuid.UUID, opts []ChangeOption, typ EventType,
	decide func(g *Grant, by uuid.UUID, now time.Time) error) (*Organization, error) {
	return s.mutate(ctx, a, id, opts, mutation{actions: []Action{ActionDecideRemoteAccess}, event: typ,
		apply: func(o *Organization, now time.Time) error {
			i := o.grantIndex(grantID)
			if i < 0 {
				return fmt.Errorf("%w: grant %s", ErrNotFound, grantID)
			}
			m, _ := o.MemberByEmail(a.Email()) // Authorize found them
			return decide(&o.s.Grants[i], m.ID, now)
		}})
}

// RemoteAccessGrants lists an organization's grants, oldest first; check
// each one's State.
func (s *Service) RemoteAccessGrants(ctx context.Context, a Actor, id uuid.UUID) ([]Grant, error) {
	o, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return o.Grants(), nil
}
