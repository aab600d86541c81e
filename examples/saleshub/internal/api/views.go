package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/org"
)

// Organization is the overview of an organization as the API returns it.
type Organization struct {
	ID                uuid.UUID     `json:"id"`
	ProviderID        uuid.UUID     `json:"provider_id"`
	Version           int64         `json:"version"`
	Name              string        `json:"name"`
	Country           string        `json:"country"`
	TimeZone          string        `json:"time_zone"`
	CustomerReference string        `json:"customer_reference"`
	ExternalContract  string        `json:"external_contract"`
	BuyerTags         []string      `json:"buyer_tags"`
	Numbers           []string      `json:"numbers"`
	ManagedBy         string        `json:"managed_by"`
	Owner             Owner         `json:"owner"`
	Members           []org.Member  `json:"members"`
	Billing           *billing.Info `json:"billing"`
	Status            string        `json:"status"`
	SuspendReason     string        `json:"suspend_reason,omitempty"`
	RemoteAccess      []Grant       `json:"remote_access"`
	CreatedAt         time.Time     `json:"created_at"`
	UpdatedAt         time.Time     `json:"updated_at"`
}

// Owner is who owns an organization: kind "member" (a Customer-managed
// organization's owner) or "admin_organization" (the provider's Admin
// Organization, owner of every Service-Provider-managed one).
type Owner struct {
	Kind                string    `json:"kind"`
	MemberID            uuid.UUID `json:"member_id,omitzero"`
	Name                string    `json:"name,omitempty"`
	Email               string    `json:"email,omitempty"`
	Phone               string    `json:"phone,omitempty"`
	AdminOrganizationID uuid.UUID `json:"admin_organization_id,omitzero"`
}

// Grant is a remote-access grant with its state now.
type Grant struct {
	ID          uuid.UUID `json:"id"`
	State       string    `json:"state"`
	RequestedBy string    `json:"requested_by"`
	RequestedAt time.Time `json:"requested_at"`
	// Duration is how long the grant lasts once approved, as Go writes a
	// duration ("24h0m0s").
	Duration   string    `json:"duration"`
	Reason     string    `json:"reason,omitempty"`
	ApprovedBy uuid.UUID `json:"approved_by,omitzero"`
	ApprovedAt time.Time `json:"approved_at,omitzero"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	RevokedBy  uuid.UUID `json:"revoked_by,omitzero"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
}

func organizationOf(o *org.Organization) Organization {
	v := Organization{
		ID: o.ID(), ProviderID: o.ProviderID(), Version: o.Version(),
		Name: o.Name(), Country: o.Country(), TimeZone: o.TimeZone(),
		CustomerReference: o.CustomerReference(), ExternalContract: o.ExternalContract(),
		BuyerTags: nonNil(o.BuyerTags()), Numbers: nonNil(o.Numbers()),
		ManagedBy: o.ManagedBy().String(), Members: nonNil(o.Members()),
		Status: o.Status().String(), SuspendReason: o.SuspendReason(),
		CreatedAt: o.CreatedAt(), UpdatedAt: o.UpdatedAt(),
	}
	if m := o.Owner().Member; m != nil {
		v.Owner = Owner{Kind: "member", MemberID: m.ID, Name: m.Name, Email: m.Email, Phone: m.Phone}
	} else {
		v.Owner = Owner{Kind: "admin_organization", AdminOrganizationID: o.Owner().AdminOrganizationID}
	}
	if b, ok := o.Billing(); ok {
		v.Billing = &b
	}
	now := time.Now()
	v.RemoteAccess = make([]Grant, 0, len(o.Grants()))
	for _, g := range o.Grants() {
		v.RemoteAccess = append(v.RemoteAccess, grantOf(g, now))
	}
	return v
}

func grantOf(g org.Grant, now time.Time) Grant {
	return Grant{
		ID: g.ID, State: g.State(now).String(), RequestedBy: g.RequestedBy, RequestedAt: g.RequestedAt,
		Duration: g.Duration.String(), Reason: g.Reason,
		ApprovedBy: g.ApprovedBy, ApprovedAt: g.ApprovedAt, ExpiresAt: g.ExpiresAt,
		RevokedBy: g.RevokedBy, RevokedAt: g.RevokedAt,
	}
}

// nonNil makes empty lists [] in JSON rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// SearchItem is one search hit: the organization and the field that
// matched.
type SearchItem struct {
	Organization Organization `json:"organization"`
	// Matched is "id", "number", "customer_reference", "external_contract"
	// or "name".
	Matched string `json:"matched"`
	// Tier is "exact", "prefix" or "substring".
	Tier string `json:"tier"`
}

// SearchPage is a page of search hits.
type SearchPage struct {
	Items      []SearchItem `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty"`
	// Count is the number of all matches ("10,000 or more" beyond 10,000),
	// when count=true was asked.
	Count string `json:"count,omitempty"`
}

// EventPage is a page of the audit trail.
type EventPage struct {
	Items []org.Event `json:"items"`
	// NextCursor is set even on the last page: pass it as after to poll
	// for later events.
	NextCursor string `json:"next_cursor"`
}

// GrantList lists an organization's remote-access grants, oldest first.
type GrantList struct {
	Items []Grant `json:"items"`
}
