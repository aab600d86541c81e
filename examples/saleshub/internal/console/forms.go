package console

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// formState is a submitted form shown again: its dialog, what was typed,
// and the errors, each next to its field where the form has one.
type formState struct {
	Dialog string
	Values url.Values
	Errs   map[string]string
	// Alert is the message at the top of the form; Others are errors of
	// fields the form does not show.
	Alert  string
	Others []string
}

// V returns what was typed into field of dialog, or def when that dialog
// was not submitted.
func (f formState) V(dialog, field, def string) string {
	if f.Dialog != dialog || f.Values == nil {
		return def
	}
	return f.Values.Get(field)
}

// Err returns the error of field in dialog, or "".
func (f formState) Err(dialog, field string) string {
	if f.Dialog != dialog {
		return ""
	}
	return f.Errs[field]
}

// Open reports whether dialog is shown again.
func (f formState) Open(dialog string) bool { return f.Dialog == dialog }

var indexSuffix = regexp.MustCompile(`\[\d+\]`)

// formError turns an error of the Service into what the form shows, and
// the HTTP status of the page. fields are the names the form has.
func formError(dialog string, values url.Values, err error, fields ...string) (formState, int) {
	f := formState{Dialog: dialog, Values: values, Errs: map[string]string{}}
	has := func(name string) bool {
		for _, n := range fields {
			if n == name {
				return true
			}
		}
		return false
	}
	var (
		ve *org.ValidationError
		de *org.DuplicateError
	)
	status := 422
	switch {
	case errors.As(err, &ve):
		f.Alert = ve.Error()
		for _, fe := range ve.Fields {
			name := indexSuffix.ReplaceAllString(fe.Field, "")
			switch {
			case has(name) && f.Errs[name] == "":
				f.Errs[name] = fe.Message
			case has(name):
			default:
				f.Others = append(f.Others, fe.Message)
			}
		}
	case errors.As(err, &de):
		status = 409
		name := de.Field
		if name == org.FieldNumbers && has("number") {
			name = "number"
		}
		msg := fmt.Sprintf("%s is already used by another organization.", fieldLabel(de.Field))
		if has(name) {
			f.Errs[name] = msg
		} else {
			f.Alert = msg
		}
	case errors.Is(err, org.ErrConflict):
		status = 409
		f.Alert = "Someone else changed this organization while you were editing. Nothing was saved: check the current information and try again."
	case errors.Is(err, org.ErrSuspended):
		status = 409
		f.Alert = "This organization is suspended. Reactivate it before changing it."
	case errors.Is(err, org.ErrTransition):
		status = 409
		f.Alert = transitionMessage(err)
	case errors.Is(err, org.ErrPermission):
		status = 403
		f.Alert = permissionMessage(err)
	case errors.Is(err, org.ErrNotFound):
		status = 404
		f.Alert = "That no longer exists. Reload the page."
	case errors.Is(err, search.ErrInvalidQuery):
		status = 400
		f.Alert = "That search could not be run. Start a new search."
	default:
		return f, 500
	}
	return f, status
}

func fieldLabel(field string) string {
	switch field {
	case org.FieldCustomerReference:
		return "This customer reference"
	case org.FieldExternalContract:
		return "This external contract"
	case org.FieldNumbers:
		return "This number"
	}
	return field
}

// permissionMessage says why in words people use; the Service's message
// names the action.
func permissionMessage(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "remote-access grant"):
		return "This organization is managed by the customer. Request remote access and wait for the customer to approve it."
	case strings.Contains(s, "Owner or Admin role"):
		return "Only the owner or admins of your Admin Organization can switch who manages an organization."
	case strings.Contains(s, "Sales Hub access"):
		return "You do not have access to Sales Hub."
	}
	return "You are not allowed to do this."
}

func transitionMessage(err error) string {
	s := err.Error()
	switch {
	case errors.Is(err, ownership.ErrSameType):
		return "The organization is already managed this way."
	case strings.Contains(s, "already suspended"):
		return "The organization is already suspended."
	case strings.Contains(s, "not suspended"):
		return "The organization is not suspended."
	case strings.Contains(s, "manages this organization already"):
		return "The service provider manages this organization already: no remote access is needed."
	}
	return "This change is not possible in the organization's current state."
}

// list splits text on commas and new lines.
func list(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// billingFields are the names of the billing inputs.
var billingFields = []string{"billing", "billing.contact_name", "billing.email", "billing.phone", "billing.currency",
	"billing.tax_id", "billing.address.line1", "billing.address.line2", "billing.address.city",
	"billing.address.region", "billing.address.postal_code", "billing.address.country"}

// formBilling reads the billing inputs; nil when all are empty.
func formBilling(f url.Values) *billing.Info {
	b := billing.Info{
		ContactName: f.Get("billing.contact_name"), Email: f.Get("billing.email"), Phone: f.Get("billing.phone"),
		Currency: f.Get("billing.currency"), TaxID: f.Get("billing.tax_id"),
		Address: billing.Address{Line1: f.Get("billing.address.line1"), Line2: f.Get("billing.address.line2"),
			City: f.Get("billing.address.city"), Region: f.Get("billing.address.region"),
			PostalCode: f.Get("billing.address.postal_code"), Country: f.Get("billing.address.country")},
	}
	if strings.TrimSpace(b.ContactName+b.Email+b.Phone+b.Currency+b.TaxID+b.Address.Line1+b.Address.Line2+
		b.Address.City+b.Address.Region+b.Address.PostalCode+b.Address.Country) == "" {
		return nil
	}
	return &b
}
