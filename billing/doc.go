// Package billing holds the billing information of an organization and the
// rules it must follow.
//
// An [Info] is plain data, as received from a host's API. [Info.Check]
// normalizes it (trims every field, upper-cases the currency and country
// codes, lower-cases the email domain and writes the phone number in E.164)
// and reports every rule it breaks at once, as a list of [Violation] values
// whose Field is a dotted path of the JSON names, such as
// "address.postal_code". Callers that nest billing inside a larger document
// prefix the path with their own field name, such as "billing.".
//
// [Info.Redacted] erases the personal data and keeps what an audit trail still
// needs (currency and country), for the events of a deleted organization.
//
// Rules that go-playground/validator already knows (required, length, email,
// ISO 4217 and ISO 3166-1 codes) are checked by it through the struct tags;
// the rest (control characters, character sets, E.164) are checks of this
// package registered under their own tags, so every broken rule is reported
// the same way.
//
// Whether billing is required, and whether its email must be the owner's,
// depends on who manages the organization; those rules belong to the caller.
package billing
