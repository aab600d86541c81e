package org

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/internal/phone"
	"github.com/orgkit/orgkit/search"
)

// Input bounds. They keep one organization small enough to store, index and
// send whole in an event.
const (
	MaxNameRunes      = 200
	MaxReferenceRunes = 100
	MaxTags           = 50
	MaxTagRunes       = 64
	MaxNumbers        = 1000
	MaxMembers        = 1000
	MaxReasonRunes    = 500
	maxEmailBytes     = 254
)

// checker validates single values with the rules validator/v10 already has
// (email, ISO 3166-1 alpha-2); it is safe for concurrent use once built.
var checker = validator.New(validator.WithRequiredStructEnabled())

// text trims s and checks it is valid UTF-8 without control characters and
// at most max runes (and at least one, when required). It returns s trimmed.
func (v *violations) text(field, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		if required {
			v.add(field, "required", "%s is required", field)
		}
	case !utf8.ValidString(s):
		v.add(field, "utf8", "%s is not valid UTF-8", field)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		v.add(field, "printable", "%s must not contain control characters", field)
	case utf8.RuneCountInString(s) > max:
		v.add(field, "max", "%s must be at most %d characters", field, max)
	}
	return s
}

func (v *violations) email(field, s string) string {
	s = v.text(field, s, maxEmailBytes, true)
	if s != "" && (len(s) > maxEmailBytes || checker.Var(s, "email") != nil) {
		v.add(field, "email", "%s must be a valid email address", field)
		return s
	}
	// Domains are case-insensitive; billing lower-cases them too, so the
	// owner's email and the billing email it derives stay byte-equal.
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		s = s[:at] + strings.ToLower(s[at:])
	}
	return s
}

// phone parses an optional phone number to E.164; region (ISO 3166-1
// alpha-2) lets a national number be understood.
func (v *violations) phone(field, s, region string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	n, err := phone.E164(s, region)
	if err != nil {
		v.add(field, "e164", "%s must be a valid phone number in international form, such as +14155552671", field)
		return s
	}
	return n
}

func (v *violations) country(field, s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s != "" && checker.Var(s, "iso3166_1_alpha2") != nil {
		v.add(field, "iso3166_1_alpha2", "%s must be an ISO 3166-1 alpha-2 country code, such as GB", field)
	}
	return s
}

func (v *violations) timeZone(field, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	// "Local" is refused: the stored zone must mean the same on every host.
	if _, err := time.LoadLocation(s); err != nil || s == "Local" {
		v.add(field, "iana_time_zone", "%s must be an IANA time zone, such as Europe/London", field)
	}
	return s
}

// person checks a person entered by hand; prefix is the path of the person
// in the input ("owner", "new_owner"), or "" when the input is the person.
func (v *violations) person(prefix string, p Person, region string) Person {
	path := func(f string) string {
		if prefix == "" {
			return f
		}
		return prefix + "." + f
	}
	return Person{
		Name:  v.text(path("name"), p.Name, MaxNameRunes, true),
		Email: v.email(path("email"), p.Email),
		Phone: v.phone(path("phone"), p.Phone, region),
	}
}

// tags normalizes buyer tags into a case-insensitive set, keeping the first
// spelling of each.
func (v *violations) tags(field string, tags []string) []string {
	if len(tags) > MaxTags {
		v.add(field, "max", "%s may hold at most %d tags", field, MaxTags)
		return nil
	}
	out := make([]string, 0, len(tags))
	seen := make(map[string]bool, len(tags))
	for i, t := range tags {
		t = v.text(fmt.Sprintf("%s[%d]", field, i), t, MaxTagRunes, true)
		k := search.Fold(t)
		if t == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}

// numbers parses purchased numbers to E.164; a number given twice is an
// error, since it most likely means a typo in the other.
func (v *violations) numbers(field string, numbers []string, region string) []string {
	if len(numbers) > MaxNumbers {
		v.add(field, "max", "%s may hold at most %d numbers", field, MaxNumbers)
		return nil
	}
	out := make([]string, 0, len(numbers))
	for i, n := range numbers {
		f := fmt.Sprintf("%s[%d]", field, i)
		if strings.TrimSpace(n) == "" {
			v.add(f, "required", "%s is required", f)
			continue
		}
		e := v.phone(f, n, region)
		if slices.Contains(out, e) {
			v.add(f, "unique", "%s is listed twice", f)
			continue
		}
		out = append(out, e)
	}
	return out
}

// billing checks billing information; ownerEmail, when set, is the email the
// billing email must be (Customer-managed organizations), and is filled in
// when none was given.
func (v *violations) billing(b billing.Info, ownerEmail string) *billing.Info {
	if ownerEmail != "" {
		switch e := strings.TrimSpace(b.Email); {
		case e == "":
			b.Email = ownerEmail
		case !equalEmail(e, ownerEmail):
			v.add("billing.email", "owner_email", "billing.email must be the owner's email for a Customer-managed organization")
		}
	}
	nb, bad := b.Check()
	for _, f := range bad {
		v.add("billing."+f.Field, f.Rule, "%s", f.Message)
	}
	return &nb
}

func equalEmail(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
