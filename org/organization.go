package org

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/internal/phone"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// Status is whether an organization is in service. Deleted organizations are
// gone from storage, so there is no deleted status.
type Status uint8

// The statuses.
const (
	StatusActive    Status = 1
	StatusSuspended Status = 2
)

// String returns "active" or "suspended".
func (s Status) String() string {
	switch s {
	case StatusActive:
		return "active"
	case StatusSuspended:
		return "suspended"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// ParseStatus parses "active" or "suspended".
func ParseStatus(s string) (Status, error) {
	switch s {
	case "active":
		return StatusActive, nil
	case "suspended":
		return StatusSuspended, nil
	}
	return 0, fmt.Errorf("orgkit: unknown status %q", s)
}

// MarshalText encodes the status as its name.
func (s Status) MarshalText() ([]byte, error) {
	if s != StatusActive && s != StatusSuspended {
		return nil, fmt.Errorf("orgkit: invalid status %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a status name.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Member is a person in an organization.
type Member struct {
	ID    uuid.UUID      `json:"id"`
	Name  string         `json:"name"`
	Email string         `json:"email"`
	Phone string         `json:"phone,omitempty"`
	Role  ownership.Role `json:"role"`
}

// Owner is who owns an organization: a member when it is Customer-managed,
// the provider's Admin Organization when it is Service-Provider-managed.
type Owner struct {
	// Member is the owner of a Customer-managed organization; nil otherwise.
	Member *Member
	// AdminOrganizationID is the provider's Admin Organization, set when the
	// organization is Service-Provider-managed and was returned by a Service
	// (orgkit does not store it: the host configures it in Provider).
	AdminOrganizationID uuid.UUID
}

// Snapshot is the whole state of an organization as plain data: what stores
// persist, and what events carry as before and after. Build an Organization
// from one with Rehydrate.
type Snapshot struct {
	ID                uuid.UUID      `json:"id"`
	ProviderID        uuid.UUID      `json:"provider_id"`
	Version           int64          `json:"version"`
	CreatedAt         time.Time      `json:"created_at"`
	UpdatedAt         time.Time      `json:"updated_at"`
	Name              string         `json:"name"`
	Country           string         `json:"country,omitempty"`
	TimeZone          string         `json:"time_zone,omitempty"`
	CustomerReference string         `json:"customer_reference,omitempty"`
	ExternalContract  string         `json:"external_contract,omitempty"`
	BuyerTags         []string       `json:"buyer_tags,omitempty"`
	Numbers           []string       `json:"numbers,omitempty"`
	ManagedBy         ownership.Type `json:"managed_by"`
	OwnerID           uuid.UUID      `json:"owner_id,omitzero"`
	Members           []Member       `json:"members,omitempty"`
	Billing           *billing.Info  `json:"billing,omitempty"`
	Status            Status         `json:"status"`
	SuspendReason     string         `json:"suspend_reason,omitempty"`
	Grants            []Grant        `json:"grants,omitempty"`
}

// clone returns a deep copy, so stores and callers never share slices.
// Empty lists become nil, as they come back from a store that encodes
// snapshots as JSON (where they are omitted), so a snapshot compares equal
// to itself after a round trip through any store.
func (s Snapshot) clone() Snapshot {
	s.BuyerTags = cloneList(s.BuyerTags)
	s.Numbers = cloneList(s.Numbers)
	s.Members = cloneList(s.Members)
	s.Grants = cloneList(s.Grants)
	if s.Billing != nil {
		b := *s.Billing
		s.Billing = &b
	}
	return s
}

func cloneList[T any](l []T) []T {
	if len(l) == 0 {
		return nil
	}
	return slices.Clone(l)
}

// Redacted returns the snapshot with personal data erased: members' names,
// emails and phones, billing contact details, address, tax id, and free text
// (suspend and grant reasons). Ids, the organization's name, its sales
// records, roles, states and times stay, so the audit trail still says what
// happened, when and by whom.
func (s Snapshot) Redacted() Snapshot {
	s = s.clone()
	for i := range s.Members {
		s.Members[i].Name, s.Members[i].Email, s.Members[i].Phone = "", "", ""
	}
	if s.Billing != nil {
		b := s.Billing.Redacted()
		s.Billing = &b
	}
	s.SuspendReason = ""
	for i := range s.Grants {
		s.Grants[i].Reason = ""
	}
	return s
}

// Organization is a customer organization of a provider: the aggregate every
// rule of orgkit protects. Its fields are unexported; it is made by New (or a
// Service), changed only through a Service, and rebuilt from storage with
// Rehydrate. Methods return copies, so a caller cannot change stored state.
type Organization struct {
	s        Snapshot
	adminOrg uuid.UUID // from the host's Provider; never stored
}

// Rehydrate rebuilds an organization from a snapshot a store persisted. It is
// the stores' way back from storage, not a way to create organizations: it
// checks the structural invariants, not the input rules.
func Rehydrate(s Snapshot) (*Organization, error) {
	if s.ID == uuid.Nil || s.ProviderID == uuid.Nil {
		return nil, fmt.Errorf("orgkit: rehydrate: missing id or provider id")
	}
	if s.Version < 1 {
		return nil, fmt.Errorf("orgkit: rehydrate %s: version %d", s.ID, s.Version)
	}
	if s.Status != StatusActive && s.Status != StatusSuspended {
		return nil, fmt.Errorf("orgkit: rehydrate %s: invalid status", s.ID)
	}
	o := &Organization{s: s.clone()}
	if err := o.ownershipState().Check(); err != nil {
		return nil, fmt.Errorf("orgkit: rehydrate %s: %w", s.ID, err)
	}
	return o, nil
}

// Snapshot returns a copy of the whole state, for stores to persist.
func (o *Organization) Snapshot() Snapshot { return o.s.clone() }

// Clone returns a deep copy.
func (o *Organization) Clone() *Organization {
	return &Organization{s: o.s.clone(), adminOrg: o.adminOrg}
}

// ID returns the organization's id, a UUID v7 that never changes.
func (o *Organization) ID() uuid.UUID { return o.s.ID }

// ProviderID returns the provider the organization belongs to.
func (o *Organization) ProviderID() uuid.UUID { return o.s.ProviderID }

// Version returns the version, which rises by one on every change.
func (o *Organization) Version() int64 { return o.s.Version }

// CreatedAt returns when the organization was created.
func (o *Organization) CreatedAt() time.Time { return o.s.CreatedAt }

// UpdatedAt returns when the organization last changed.
func (o *Organization) UpdatedAt() time.Time { return o.s.UpdatedAt }

// Name returns the organization's name.
func (o *Organization) Name() string { return o.s.Name }

// NameFold returns the fold key of the name, which search matches and orders by.
func (o *Organization) NameFold() string { return search.Fold(o.s.Name) }

// Country returns the ISO 3166-1 alpha-2 country, or "".
func (o *Organization) Country() string { return o.s.Country }

// TimeZone returns the IANA time zone, or "".
func (o *Organization) TimeZone() string { return o.s.TimeZone }

// CustomerReference returns the provider's customer reference, or "".
func (o *Organization) CustomerReference() string { return o.s.CustomerReference }

// ExternalContract returns the provider's external contract, or "".
func (o *Organization) ExternalContract() string { return o.s.ExternalContract }

// BuyerTags returns the buyer tags, in the order they were set.
func (o *Organization) BuyerTags() []string { return slices.Clone(o.s.BuyerTags) }

// Numbers returns the purchased numbers in E.164, sorted.
func (o *Organization) Numbers() []string { return slices.Clone(o.s.Numbers) }

// ManagedBy returns who manages the organization.
func (o *Organization) ManagedBy() ownership.Type { return o.s.ManagedBy }

// Status returns whether the organization is active or suspended.
func (o *Organization) Status() Status { return o.s.Status }

// SuspendReason returns why the organization was suspended, or "".
func (o *Organization) SuspendReason() string { return o.s.SuspendReason }

// Members returns the members, in the order they joined.
func (o *Organization) Members() []Member { return slices.Clone(o.s.Members) }

// Member returns the member with the given id.
func (o *Organization) Member(id uuid.UUID) (Member, bool) {
	i := o.memberIndex(id)
	if i < 0 {
		return Member{}, false
	}
	return o.s.Members[i], true
}

// MemberByEmail returns the member with the given email, compared without
// regard to case.
func (o *Organization) MemberByEmail(email string) (Member, bool) {
	for _, m := range o.s.Members {
		if equalEmail(m.Email, email) {
			return m, true
		}
	}
	return Member{}, false
}

// Owner returns the organization's owner.
func (o *Organization) Owner() Owner {
	if o.s.ManagedBy == ownership.Customer {
		if m, ok := o.Member(o.s.OwnerID); ok {
			return Owner{Member: &m}
		}
	}
	return Owner{AdminOrganizationID: o.adminOrg}
}

// Billing returns the billing information, if any.
func (o *Organization) Billing() (billing.Info, bool) {
	if o.s.Billing == nil {
		return billing.Info{}, false
	}
	return *o.s.Billing, true
}

// Grants returns the remote-access grants, oldest first.
func (o *Organization) Grants() []Grant { return slices.Clone(o.s.Grants) }

// SearchKeys returns the values search matches against, as every store must
// keep them: fold keys and number digits computed here, in Go, so that every
// store returns the same hits in the same order.
func (o *Organization) SearchKeys() search.Keys {
	k := search.Keys{
		ID:                o.s.ID.String(),
		Name:              search.Fold(o.s.Name),
		CustomerReference: search.Fold(o.s.CustomerReference),
		ExternalContract:  search.Fold(o.s.ExternalContract),
		Numbers:           make([]string, len(o.s.Numbers)),
	}
	for i, n := range o.s.Numbers {
		k.Numbers[i] = phone.Digits(n)
	}
	return k
}

// TagKeys returns the fold keys of the buyer tags, which tag filters compare.
func (o *Organization) TagKeys() []string {
	keys := make([]string, len(o.s.BuyerTags))
	for i, t := range o.s.BuyerTags {
		keys[i] = search.Fold(t)
	}
	return keys
}

// MarshalJSON encodes the organization as its snapshot.
func (o *Organization) MarshalJSON() ([]byte, error) { return json.Marshal(o.s) }

func (o *Organization) memberIndex(id uuid.UUID) int {
	return slices.IndexFunc(o.s.Members, func(m Member) bool { return m.ID == id })
}

func (o *Organization) ownershipState() ownership.State {
	st := ownership.State{Type: o.s.ManagedBy, Members: make([]ownership.Membership, len(o.s.Members))}
	if o.s.OwnerID != uuid.Nil {
		st.Owner = o.s.OwnerID.String()
	}
	for i, m := range o.s.Members {
		st.Members[i] = ownership.Membership{ID: m.ID.String(), Role: m.Role}
	}
	return st
}

// setOwnershipState writes the result of an ownership switch back.
func (o *Organization) setOwnershipState(st ownership.State) error {
	o.s.ManagedBy = st.Type
	o.s.OwnerID = uuid.Nil
	if st.Owner != "" {
		id, err := uuid.Parse(st.Owner)
		if err != nil {
			return err
		}
		o.s.OwnerID = id
	}
	roles := make(map[string]ownership.Role, len(st.Members))
	for _, m := range st.Members {
		roles[m.ID] = m.Role
	}
	for i := range o.s.Members {
		if r, ok := roles[o.s.Members[i].ID.String()]; ok {
			o.s.Members[i].Role = r
		}
	}
	return nil
}
