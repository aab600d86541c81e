package tmf632

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// Values of the mapping that clients see and send.
const (
	// ResourceType is the @type of every resource served.
	ResourceType = "Organization"
	// StatusValidated is the TMF status of every organization that exists:
	// orgkit's Active and Suspended both are, as the TMF state list has no
	// suspended state (see the status characteristic instead).
	StatusValidated = "validated"

	// External reference types.
	RefCustomerReference = "customerReference"
	RefExternalContract  = "externalContract"

	// Names of the partyCharacteristic entries.
	CharStatus    = "status"    // "active" or "suspended"
	CharManagedBy = "managedBy" // "customer" or "service_provider"
	CharCountry   = "country"   // ISO 3166-1 alpha-2
	CharTimeZone  = "timeZone"  // IANA time zone
	CharBuyerTags = "buyerTags" // array of strings
	CharNumbers   = "numbers"   // array of E.164 numbers

	// RoleOwner is the role of the owner in relatedParty.
	RoleOwner = "owner"
	// ContactTypeBilling is the contactType of every contactMedium: all
	// come from the billing information.
	ContactTypeBilling = "billing"
)

// Organization is the TMF632 Organization resource as this package serves
// it: the attributes orgkit maps onto, each omitted when empty or not
// selected with fields=. ID, Href and Type are always present.
type Organization struct {
	ID                  string              `json:"id"`
	Href                string              `json:"href"`
	Type                string              `json:"@type"`
	TradingName         string              `json:"tradingName,omitempty"`
	Name                string              `json:"name,omitempty"`
	Status              string              `json:"status,omitempty"`
	ExistsDuring        *TimePeriod         `json:"existsDuring,omitempty"`
	ExternalReference   []ExternalReference `json:"externalReference,omitempty"`
	PartyCharacteristic []Characteristic    `json:"partyCharacteristic,omitempty"`
	RelatedParty        []RelatedParty      `json:"relatedParty,omitempty"`
	ContactMedium       []ContactMedium     `json:"contactMedium,omitempty"`
}

// TimePeriod is a TMF period of time.
type TimePeriod struct {
	StartDateTime *time.Time `json:"startDateTime,omitempty"`
	EndDateTime   *time.Time `json:"endDateTime,omitempty"`
}

// ExternalReference is a reference to the organization in another system:
// here the provider's customer reference or external contract.
type ExternalReference struct {
	ExternalReferenceType string `json:"externalReferenceType"`
	Name                  string `json:"name"`
}

// Characteristic is a name/value pair describing the organization.
type Characteristic struct {
	Name      string `json:"name"`
	ValueType string `json:"valueType,omitempty"`
	Value     any    `json:"value"`
}

// RelatedParty is a party linked to the organization: here its owner.
type RelatedParty struct {
	ID           string `json:"id"`
	Name         string `json:"name,omitempty"`
	Role         string `json:"role,omitempty"`
	ReferredType string `json:"@referredType"`
}

// ContactMedium is a way to contact the organization: here the billing
// email, phone and postal address.
type ContactMedium struct {
	MediumType     string               `json:"mediumType"`
	Preferred      bool                 `json:"preferred,omitempty"`
	Characteristic MediumCharacteristic `json:"characteristic"`
}

// MediumCharacteristic holds the details of a ContactMedium.
type MediumCharacteristic struct {
	ContactType     string `json:"contactType,omitempty"`
	EmailAddress    string `json:"emailAddress,omitempty"`
	PhoneNumber     string `json:"phoneNumber,omitempty"`
	Street1         string `json:"street1,omitempty"`
	Street2         string `json:"street2,omitempty"`
	City            string `json:"city,omitempty"`
	StateOrProvince string `json:"stateOrProvince,omitempty"`
	PostCode        string `json:"postCode,omitempty"`
	Country         string `json:"country,omitempty"`
}

// Error is the TMF error body of every refused request.
type Error struct {
	// Code is a stable, machine-readable token such as "invalid" or
	// "not_found".
	Code string `json:"code"`
	// Reason is a short explanation for people; invalid input has exactly
	// "Organization is invalid.".
	Reason string `json:"reason"`
	// Message gives the details, such as every offending attribute.
	Message string `json:"message,omitempty"`
	// Status is the HTTP status code, as a string.
	Status string `json:"status,omitempty"`
}

// NewOrganization maps an organization returned by an org.Service onto the
// TMF632 resource, whose href is given. See the package documentation for
// the mapping.
func NewOrganization(o *org.Organization, href string) Organization {
	return newResource(o, href, nil)
}

// fieldSet is the attributes fields= selected; nil selects every one.
type fieldSet map[string]bool

func (s fieldSet) has(name string) bool { return s == nil || s[name] }

// parseFields reads a fields= value: comma-separated first-level attribute
// names. Names orgkit does not map select nothing, as the attribute is
// never present.
func parseFields(v string) fieldSet {
	s := fieldSet{}
	for f := range strings.SplitSeq(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			s[f] = true
		}
	}
	return s
}

func newResource(o *org.Organization, href string, sel fieldSet) Organization {
	r := Organization{ID: o.ID().String(), Href: href, Type: ResourceType}
	if sel.has("tradingName") {
		r.TradingName = o.Name()
	}
	if sel.has("name") {
		r.Name = o.Name()
	}
	if sel.has("status") {
		r.Status = StatusValidated
	}
	if sel.has("existsDuring") {
		start := o.CreatedAt().UTC()
		r.ExistsDuring = &TimePeriod{StartDateTime: &start}
	}
	if sel.has("externalReference") {
		r.ExternalReference = externalReferences(o)
	}
	if sel.has("partyCharacteristic") {
		r.PartyCharacteristic = characteristics(o)
	}
	if sel.has("relatedParty") {
		r.RelatedParty = relatedParties(o)
	}
	if sel.has("contactMedium") {
		r.ContactMedium = contactMedia(o)
	}
	return r
}

func externalReferences(o *org.Organization) []ExternalReference {
	var refs []ExternalReference
	if v := o.CustomerReference(); v != "" {
		refs = append(refs, ExternalReference{ExternalReferenceType: RefCustomerReference, Name: v})
	}
	if v := o.ExternalContract(); v != "" {
		refs = append(refs, ExternalReference{ExternalReferenceType: RefExternalContract, Name: v})
	}
	return refs
}

func characteristics(o *org.Organization) []Characteristic {
	cs := []Characteristic{
		{Name: CharStatus, ValueType: "string", Value: o.Status().String()},
		{Name: CharManagedBy, ValueType: "string", Value: o.ManagedBy().String()},
	}
	if v := o.Country(); v != "" {
		cs = append(cs, Characteristic{Name: CharCountry, ValueType: "string", Value: v})
	}
	if v := o.TimeZone(); v != "" {
		cs = append(cs, Characteristic{Name: CharTimeZone, ValueType: "string", Value: v})
	}
	if v := o.BuyerTags(); len(v) > 0 {
		cs = append(cs, Characteristic{Name: CharBuyerTags, ValueType: "array", Value: v})
	}
	if v := o.Numbers(); len(v) > 0 {
		cs = append(cs, Characteristic{Name: CharNumbers, ValueType: "array", Value: v})
	}
	return cs
}

// relatedParties names the owner: the owning member of a Customer-managed
// organization, or the provider's Admin Organization.
func relatedParties(o *org.Organization) []RelatedParty {
	owner := o.Owner()
	switch {
	case o.ManagedBy() == ownership.Customer && owner.Member != nil:
		return []RelatedParty{{ID: owner.Member.ID.String(), Name: owner.Member.Name, Role: RoleOwner, ReferredType: "Individual"}}
	case owner.AdminOrganizationID != uuid.Nil:
		return []RelatedParty{{ID: owner.AdminOrganizationID.String(), Role: RoleOwner, ReferredType: "Organization"}}
	}
	return nil
}

func contactMedia(o *org.Organization) []ContactMedium {
	b, ok := o.Billing()
	if !ok {
		return nil
	}
	cm := []ContactMedium{{MediumType: "email", Preferred: true,
		Characteristic: MediumCharacteristic{ContactType: ContactTypeBilling, EmailAddress: b.Email}}}
	if b.Phone != "" {
		cm = append(cm, ContactMedium{MediumType: "phone",
			Characteristic: MediumCharacteristic{ContactType: ContactTypeBilling, PhoneNumber: b.Phone}})
	}
	a := b.Address
	cm = append(cm, ContactMedium{MediumType: "postalAddress", Characteristic: MediumCharacteristic{
		ContactType: ContactTypeBilling, Street1: a.Line1, Street2: a.Line2, City: a.City,
		StateOrProvince: a.Region, PostCode: a.PostalCode, Country: a.Country}})
	return cm
}
