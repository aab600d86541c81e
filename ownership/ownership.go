package ownership

import (
	"errors"
	"fmt"
	"strconv"
)

// Type says who manages an organization. The zero value is not a valid
// Type, so a forgotten field is caught rather than read as a default.
type Type uint8

// The managed-by types.
const (
	// Customer: a member of the organization is its owner.
	Customer Type = 1
	// ServiceProvider: the provider's Admin Organization is the owner.
	ServiceProvider Type = 2
)

// String returns "customer" or "service_provider", the form used in JSON and
// storage, or "Type(n)" for an invalid value.
func (t Type) String() string {
	switch t {
	case Customer:
		return "customer"
	case ServiceProvider:
		return "service_provider"
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Valid reports whether t is Customer or ServiceProvider.
func (t Type) Valid() bool { return t == Customer || t == ServiceProvider }

// ParseType parses the form that [Type.String] returns. Anything else,
// including a different case, is an error.
func ParseType(s string) (Type, error) {
	switch s {
	case "customer":
		return Customer, nil
	case "service_provider":
		return ServiceProvider, nil
	}
	return 0, fmt.Errorf("ownership: unknown managed-by type %q", s)
}

// MarshalText implements encoding.TextMarshaler, so a Type is a JSON
// string. An invalid Type is an error rather than a string nobody can parse
// back.
func (t Type) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("ownership: invalid managed-by type %d", uint8(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseType].
func (t *Type) UnmarshalText(b []byte) error {
	v, err := ParseType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Role is a member's role in an organization. The zero value is not a valid
// Role.
type Role uint8

// The member roles.
const (
	// Owner is held by the owner of a Customer-managed organization only.
	Owner Role = 1
	// Admin may manage the organization but does not own it.
	Admin Role = 2
	// Member is the role of a member without administrative rights.
	Member Role = 3
)

// String returns "owner", "admin" or "member", or "Role(n)" for an invalid
// value.
func (r Role) String() string {
	switch r {
	case Owner:
		return "owner"
	case Admin:
		return "admin"
	case Member:
		return "member"
	}
	return "Role(" + strconv.Itoa(int(r)) + ")"
}

// Valid reports whether r is Owner, Admin or Member.
func (r Role) Valid() bool { return r == Owner || r == Admin || r == Member }

// ParseRole parses the form that [Role.String] returns. Anything else,
// including a different case, is an error.
func ParseRole(s string) (Role, error) {
	switch s {
	case "owner":
		return Owner, nil
	case "admin":
		return Admin, nil
	case "member":
		return Member, nil
	}
	return 0, fmt.Errorf("ownership: unknown role %q", s)
}

// MarshalText implements encoding.TextMarshaler, so a Role is a JSON
// string. An invalid Role is an error.
func (r Role) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, fmt.Errorf("ownership: invalid role %d", uint8(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseRole].
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Membership is a member of an organization as far as ownership is
// concerned: an id, opaque to this package, and a role. (It is not named
// Member, which is the role.)
type Membership struct {
	ID   string
	Role Role
}

// State is who manages an organization and the roles of its members.
type State struct {
	Type Type
	// Owner is the member id of the owner when Type is Customer, and ""
	// when it is ServiceProvider, as the provider's Admin Organization then
	// owns the organization and is no member of it.
	Owner   string
	Members []Membership
}

// ErrInvalidState is returned by [State.Check] for a state that breaks an
// invariant. It points at stored data gone wrong or a caller's bug, not at
// user input. Test with errors.Is.
var ErrInvalidState = errors.New("ownership: invalid state")

// Check reports the first invariant s breaks, as an error matching
// [ErrInvalidState], or nil. The invariants: Type is valid; every member has
// a non-empty id, unique in s, and a valid role; when Customer-managed,
// exactly one member has the Owner role and Owner is that member's id; when
// ServiceProvider-managed, Owner is "" and no member has the Owner role.
func (s State) Check() error {
	if !s.Type.Valid() {
		return stateError("managed-by type %s is not valid", s.Type)
	}
	seen := make(map[string]bool, len(s.Members))
	owners := 0
	for i, m := range s.Members {
		if m.ID == "" {
			return stateError("member %d has no id", i)
		}
		if seen[m.ID] {
			return stateError("member id %q appears more than once", m.ID)
		}
		seen[m.ID] = true
		if !m.Role.Valid() {
			return stateError("member %q has invalid role %s", m.ID, m.Role)
		}
		if m.Role == Owner {
			owners++
		}
	}
	switch s.Type {
	case Customer:
		if owners != 1 {
			return stateError("a customer-managed organization needs exactly one member with role owner, has %d", owners)
		}
		if s.Owner == "" {
			return stateError("a customer-managed organization needs an owner")
		}
		if i := s.index(s.Owner); i < 0 || s.Members[i].Role != Owner {
			return stateError("owner %q is not the member with role owner", s.Owner)
		}
	case ServiceProvider:
		if s.Owner != "" {
			return stateError("a service-provider-managed organization has no member as owner, has %q", s.Owner)
		}
		if owners != 0 {
			return stateError("a service-provider-managed organization has no member with role owner, has %d", owners)
		}
	}
	return nil
}

func stateError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidState}, args...)...)
}

// index returns the position of the member with the given id, or -1.
func (s State) index(id string) int {
	for i, m := range s.Members {
		if m.ID == id {
			return i
		}
	}
	return -1
}
