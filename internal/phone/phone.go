// Package phone parses telephone numbers into E.164 for the orgkit packages
// that store them (owners, members, billing contacts and purchased numbers).
//
// It wraps github.com/nyaruka/phonenumbers, a port of Google's libphonenumber,
// so numbering-plan rules come from a maintained data set rather than a
// pattern of our own.
package phone

import (
	"errors"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// maxInput bounds what is handed to the parser: no real number written with
// spaces and punctuation comes near it.
const maxInput = 64

// ErrInvalid reports text that is not a valid telephone number. Test with
// errors.Is.
var ErrInvalid = errors.New("not a valid telephone number")

// E164 parses s and returns it in E.164 form, such as "+442079460958".
//
// The number must be written in international form (a leading "+") unless
// region, an ISO 3166-1 alpha-2 code, says which country a national number
// belongs to. Numbers that the numbering plan of their country rejects are
// refused.
func E164(s, region string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxInput {
		return "", ErrInvalid
	}
	if !strings.HasPrefix(s, "+") && region == "" {
		return "", ErrInvalid
	}
	n, err := phonenumbers.Parse(s, strings.ToUpper(region))
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", ErrInvalid
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// Digits returns the decimal digits of an E.164 number, country code
// included, which is what number search compares.
func Digits(e164 string) string {
	return strings.TrimPrefix(e164, "+")
}
