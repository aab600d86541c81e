package ownership

import (
	"errors"
	"slices"
)

// Request is a switch of the managed-by type. Fields that do not apply to
// the target type are ignored.
type Request struct {
	// To is the type the organization switches to.
	To Type

	// When To is Customer, exactly one of NewOwnerMemberID and NewMemberID
	// names the new owner.

	// NewOwnerMemberID is an existing member, who becomes Owner.
	NewOwnerMemberID string
	// NewMemberID is a person just added by hand, whose id the caller
	// created; they join the members with the Owner role.
	NewMemberID string

	// FormerOwnerRole is, when To is ServiceProvider, the role the former
	// owner keeps: Admin or Member.
	FormerOwnerRole Role
}

// ErrSameType is returned by [Switch] when the organization is already
// managed the way the request asks: a refused transition rather than a
// silent no-op, so the caller never records a change that did not happen.
// Test with errors.Is.
var ErrSameType = errors.New("ownership: the organization is already managed that way")

// ErrInvalid is matched by every [*InvalidError]: the request is incomplete
// or contradicts the state. Test with errors.Is.
var ErrInvalid = errors.New("ownership: invalid request")

// InvalidError names the field of the [Request] that is wrong, in the
// snake_case form of the API that carries the request, so a host can report
// it next to its own validation errors. errors.Is(err, ErrInvalid) is true.
type InvalidError struct {
	// Field is "managed_by", "new_owner", "new_owner.member_id" or
	// "former_owner_role".
	Field string
	// Rule names the broken rule, such as "required", "exclusive",
	// "member", "unique", "not_owner" or "oneof".
	Rule string
	// Message is a human sentence.
	Message string
}

// Error returns the message prefixed with the sentinel's text and the field.
func (e *InvalidError) Error() string {
	return ErrInvalid.Error() + ": " + e.Field + ": " + e.Message
}

// Unwrap returns [ErrInvalid], so errors.Is matches it.
func (e *InvalidError) Unwrap() error { return ErrInvalid }

func invalid(field, rule, message string) *InvalidError {
	return &InvalidError{Field: field, Rule: rule, Message: message}
}

// Switch applies r to s and returns the new state, or a refusal. s is never
// modified: the result has a fresh Members slice, in the same order, with a
// new member appended at the end.
//
// Refusals, checked in this order:
//   - r.To is not a valid Type: an [*InvalidError] for "managed_by".
//   - s breaks an invariant: the error of [State.Check].
//   - r.To is s.Type: [ErrSameType].
//   - to Customer: no new owner given ("new_owner", "required"); both given
//     ("new_owner", "exclusive"); NewOwnerMemberID is no member
//     ("new_owner.member_id", "member"); NewMemberID is already a member's
//     id ("new_owner", "unique").
//   - to ServiceProvider: FormerOwnerRole is zero ("former_owner_role",
//     "required"), Owner ("former_owner_role", "not_owner") or no role at
//     all ("former_owner_role", "oneof").
//
// Switching to Customer changes only the new owner's role; switching to
// ServiceProvider changes only the former owner's role and clears Owner.
func Switch(s State, r Request) (State, error) {
	if !r.To.Valid() {
		return State{}, invalid("managed_by", "oneof", "managed_by must be customer or service_provider")
	}
	if err := s.Check(); err != nil {
		return State{}, err
	}
	if r.To == s.Type {
		return State{}, ErrSameType
	}
	next := State{Type: r.To, Members: slices.Clone(s.Members)}
	if next.Members == nil {
		next.Members = []Membership{}
	}
	switch r.To {
	case Customer:
		return toCustomer(next, r)
	default:
		return toServiceProvider(next, s.Owner, r)
	}
}

func toCustomer(next State, r Request) (State, error) {
	switch {
	case r.NewOwnerMemberID == "" && r.NewMemberID == "":
		return State{}, invalid("new_owner", "required", "new_owner is required: name an existing member or a new member")
	case r.NewOwnerMemberID != "" && r.NewMemberID != "":
		return State{}, invalid("new_owner", "exclusive", "new_owner must be either an existing member or a new member, not both")
	case r.NewOwnerMemberID != "":
		i := next.index(r.NewOwnerMemberID)
		if i < 0 {
			return State{}, invalid("new_owner.member_id", "member", "new_owner.member_id must be a member of the organization")
		}
		next.Members[i].Role = Owner
		next.Owner = r.NewOwnerMemberID
	default:
		if next.index(r.NewMemberID) >= 0 {
			return State{}, invalid("new_owner", "unique", "new_owner is already a member of the organization; name them as an existing member")
		}
		next.Members = append(next.Members, Membership{ID: r.NewMemberID, Role: Owner})
		next.Owner = r.NewMemberID
	}
	return next, nil
}

func toServiceProvider(next State, formerOwner string, r Request) (State, error) {
	switch r.FormerOwnerRole {
	case Admin, Member:
	case 0:
		return State{}, invalid("former_owner_role", "required", "former_owner_role is required: admin or member")
	case Owner:
		return State{}, invalid("former_owner_role", "not_owner", "former_owner_role must be admin or member, as the provider becomes the owner")
	default:
		return State{}, invalid("former_owner_role", "oneof", "former_owner_role must be admin or member")
	}
	// Check has made sure the former owner is a member.
	next.Members[next.index(formerOwner)].Role = r.FormerOwnerRole
	next.Owner = ""
	return next, nil
}
