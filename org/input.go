package org

import (
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/ownership"
)

// Person is someone entered by hand: an owner or a new member.
type Person struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	// Phone is optional; it is stored in E.164.
	Phone string `json:"phone,omitempty"`
}

func (p *Person) empty() bool { return p == nil || *p == Person{} }

// CreateInput is a new organization as the "+" form enters it.
type CreateInput struct {
	Name string `json:"name"`
	// ManagedBy is the ownership type the creator chooses.
	ManagedBy ownership.Type `json:"managed_by"`
	// Owner is required when Customer-managed and becomes the first member,
	// with role Owner. It must be empty when Service-Provider-managed: the
	// provider's Admin Organization owns such organizations.
	Owner *Person `json:"owner,omitempty"`
	// Billing is required when Customer-managed, where its email is the
	// owner's (left empty, it is filled in); optional otherwise.
	Billing           *billing.Info `json:"billing,omitempty"`
	Country           string        `json:"country,omitempty"`
	TimeZone          string        `json:"time_zone,omitempty"`
	CustomerReference string        `json:"customer_reference,omitempty"`
	ExternalContract  string        `json:"external_contract,omitempty"`
	BuyerTags         []string      `json:"buyer_tags,omitempty"`
	// Numbers are purchased numbers; national numbers are read in Country.
	Numbers []string `json:"numbers,omitempty"`
	// IdempotencyKey, when set, makes a retry of the same request return the
	// first result instead of creating a second organization. Keys are
	// remembered per provider for at least 24 hours.
	IdempotencyKey string `json:"-"`
}

// Update changes organization information and sales records in one step and
// one version. Nil fields are left as they are; an empty reference or
// contract clears it. Information (name, country, time zone) and sales
// records (reference, contract) are each checked against their own
// permission.
type Update struct {
	Name              *string `json:"name,omitempty"`
	Country           *string `json:"country,omitempty"`
	TimeZone          *string `json:"time_zone,omitempty"`
	CustomerReference *string `json:"customer_reference,omitempty"`
	ExternalContract  *string `json:"external_contract,omitempty"`
}

// NewMember is a person to add to an organization. Role is Admin or Member:
// the Owner changes only by switching managed-by.
type NewMember struct {
	Name  string         `json:"name"`
	Email string         `json:"email"`
	Phone string         `json:"phone,omitempty"`
	Role  ownership.Role `json:"role"`
}

// MemberUpdate changes a member; nil fields are left as they are. When the
// owner's email changes, a Customer-managed organization's billing email
// follows it.
type MemberUpdate struct {
	Name  *string         `json:"name,omitempty"`
	Email *string         `json:"email,omitempty"`
	Phone *string         `json:"phone,omitempty"`
	Role  *ownership.Role `json:"role,omitempty"`
}

// Switch changes who manages an organization ("Edit Account Ownership Type").
type Switch struct {
	// To is the new managed-by type.
	To ownership.Type `json:"managed_by"`
	// NewOwnerMemberID names an existing member as the new owner, when
	// switching to Customer.
	NewOwnerMemberID uuid.UUID `json:"new_owner_member_id,omitzero"`
	// NewOwner is a new owner entered by hand, added as a member with role
	// Owner, when switching to Customer. Give this or NewOwnerMemberID.
	NewOwner *Person `json:"new_owner,omitempty"`
	// Billing, when switching to Customer, replaces the billing information;
	// after the switch it must be valid, with the new owner's email.
	Billing *billing.Info `json:"billing,omitempty"`
	// FormerOwnerRole is the role the current owner keeps when switching to
	// ServiceProvider: Admin or Member.
	FormerOwnerRole ownership.Role `json:"former_owner_role,omitempty"`
}

// AccessRequest asks a Customer-managed organization for remote access.
type AccessRequest struct {
	// Duration is how long the grant lasts once approved: 0 means
	// DefaultGrantDuration; at most MaxGrantDuration.
	Duration time.Duration `json:"duration,omitempty"`
	// Reason tells the customer why access is wanted.
	Reason string `json:"reason,omitempty"`
}

// ChangeOption adjusts a change call.
type ChangeOption func(*changeOptions)

type changeOptions struct{ version int64 }

// IfVersion makes a change conditional: if the organization's version is not
// v, the change is refused with ErrConflict instead of overwriting what was
// changed since v was read.
func IfVersion(v int64) ChangeOption {
	return func(o *changeOptions) { o.version = v }
}
