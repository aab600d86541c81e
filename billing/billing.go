package billing

import (
	"strings"

	"github.com/orgkit/orgkit/internal/phone"
)

// Address is the postal address of a billing contact.
type Address struct {
	Line1      string `json:"line1" validate:"required,printable,max=200"`
	Line2      string `json:"line2,omitempty" validate:"omitempty,printable,max=200"`
	City       string `json:"city" validate:"required,printable,max=100"`
	Region     string `json:"region,omitempty" validate:"omitempty,printable,max=100"`
	PostalCode string `json:"postal_code" validate:"required,printable,max=20,charset=postal_code"`
	// Country is an ISO 3166-1 alpha-2 code, such as "GB". It is also the
	// region a phone number written in national form belongs to.
	Country string `json:"country" validate:"required,printable,iso3166_1_alpha2"`
}

// Info is the billing information of an organization: who receives the
// invoices, in which currency, and where.
type Info struct {
	ContactName string `json:"contact_name" validate:"required,printable,max=200"`
	Email       string `json:"email" validate:"required,printable,maxbytes=254,email"`
	// Phone is optional; once checked it is in E.164 form, such as
	// "+442079460958".
	Phone string `json:"phone,omitempty" validate:"omitempty,printable,e164"`
	// Currency is an ISO 4217 code, such as "USD".
	Currency string  `json:"currency" validate:"required,printable,iso4217"`
	TaxID    string  `json:"tax_id,omitempty" validate:"omitempty,printable,max=64,charset=tax_id"`
	Address  Address `json:"address"`
}

// Violation is one broken rule.
type Violation struct {
	// Field is a dotted path of the JSON names relative to Info, such as
	// "email" or "address.postal_code".
	Field string `json:"field"`
	// Rule names the rule, such as "required", "max", "email" or "e164", so
	// programs can react without parsing Message.
	Rule string `json:"rule"`
	// Message is a human sentence, such as "postal_code is required".
	Message string `json:"message"`
}

// Check returns i normalized and every rule it breaks, or nil when it breaks
// none.
//
// Normalization trims every field, upper-cases Currency and Address.Country,
// lower-cases the domain part of Email (the local part may be case-sensitive)
// and rewrites Phone in E.164, reading a national number as one of
// Address.Country. A phone number that cannot be parsed is kept as written
// and reported. Violations follow the order of the fields in the struct, at
// most one per field, so the result is stable.
func (i Info) Check() (Info, []Violation) {
	n := i.normalized()
	return n, validate(n)
}

// Redacted returns i with the personal data erased: contact name, email,
// phone, tax id, address lines, city, region and postal code. Currency and
// Address.Country stay, as they identify no one and still tell an audit
// trail what kind of account it was. Events of a deleted organization keep
// only this.
func (i Info) Redacted() Info {
	return Info{
		Currency: i.Currency,
		Address:  Address{Country: i.Address.Country},
	}
}

func (i Info) normalized() Info {
	n := Info{
		ContactName: strings.TrimSpace(i.ContactName),
		Email:       normalizeEmail(i.Email),
		Phone:       strings.TrimSpace(i.Phone),
		Currency:    strings.ToUpper(strings.TrimSpace(i.Currency)),
		TaxID:       strings.TrimSpace(i.TaxID),
		Address: Address{
			Line1:      strings.TrimSpace(i.Address.Line1),
			Line2:      strings.TrimSpace(i.Address.Line2),
			City:       strings.TrimSpace(i.Address.City),
			Region:     strings.TrimSpace(i.Address.Region),
			PostalCode: strings.TrimSpace(i.Address.PostalCode),
			Country:    strings.ToUpper(strings.TrimSpace(i.Address.Country)),
		},
	}
	if n.Phone != "" {
		if e, err := phone.E164(n.Phone, n.Address.Country); err == nil {
			n.Phone = e
		}
	}
	return n
}

// normalizeEmail trims s and lower-cases the part after the last "@": domain
// names are case-insensitive, so this lets equal addresses compare equal.
func normalizeEmail(s string) string {
	s = strings.TrimSpace(s)
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	return s[:at+1] + strings.ToLower(s[at+1:])
}
