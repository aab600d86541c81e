package console

import "github.com/orgkit/orgkit/billing"

// inputField is one labelled input of a form.
type inputField struct {
	Name, Label, Type, Value, Err, List string
	Required, Wide                      bool
}

// field makes an input of dialog: what was typed when the dialog was
// submitted, else def, with its error.
func field(f formState, dialog, name, label, typ string, required bool, def ...string) inputField {
	d := ""
	if len(def) > 0 {
		d = def[0]
	}
	return inputField{Name: name, Label: label, Type: typ, Required: required,
		Value: f.V(dialog, name, d), Err: f.Err(dialog, name)}
}

// billingInputs makes the billing inputs of dialog, filled from cur (a
// billing.Info, or nil). The email input is left out where the billing
// email is the owner's.
func billingInputs(f formState, dialog string, cur any, withEmail bool) []inputField {
	b, _ := cur.(billing.Info)
	in := func(name, label, typ string, required bool, def string) inputField {
		return field(f, dialog, "billing."+name, label, typ, required, def)
	}
	out := []inputField{in("contact_name", "Contact name", "text", true, b.ContactName)}
	if withEmail {
		out = append(out, in("email", "Billing email", "email", true, b.Email))
	}
	return append(out,
		in("phone", "Phone", "tel", false, b.Phone),
		in("currency", "Currency (e.g. USD)", "text", true, b.Currency),
		in("tax_id", "Tax ID", "text", false, b.TaxID),
		in("address.line1", "Address line 1", "text", true, b.Address.Line1),
		in("address.line2", "Address line 2", "text", false, b.Address.Line2),
		in("address.city", "City", "text", true, b.Address.City),
		in("address.region", "Region", "text", false, b.Address.Region),
		in("address.postal_code", "Postal code", "text", true, b.Address.PostalCode),
		in("address.country", "Country (ISO code)", "text", true, b.Address.Country),
	)
}
