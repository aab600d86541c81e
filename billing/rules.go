package billing

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"github.com/orgkit/orgkit/internal/phone"
)

// validatorInstance is built once: validator caches struct metadata per
// instance, and registration is not safe alongside validation.
var validatorInstance = sync.OnceValue(func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	for tag, fn := range map[string]validator.Func{
		"printable": isPrintable,
		"maxbytes":  hasMaxBytes,
		"charset":   inCharset,
		// Replaces validator's own e164, a pattern that accepts numbers no
		// numbering plan has.
		"e164": isE164,
	} {
		if err := v.RegisterValidation(tag, fn); err != nil {
			panic("billing: " + err.Error())
		}
	}
	return v
})

// validate runs the struct tags over an already normalized Info.
func validate(i Info) []Violation {
	err := validatorInstance().Struct(i)
	if err == nil {
		return nil
	}
	var errs validator.ValidationErrors
	if !errors.As(err, &errs) {
		// Only an invalid argument (not a struct) gets here, which Info
		// never is.
		panic("billing: " + err.Error())
	}
	out := make([]Violation, 0, len(errs))
	for _, fe := range errs {
		out = append(out, violation(fe))
	}
	return out
}

func violation(fe validator.FieldError) Violation {
	// Namespace starts with the struct name ("Info."), which is not part of
	// the JSON path.
	_, field, _ := strings.Cut(fe.Namespace(), ".")
	v := Violation{Field: field, Rule: fe.Tag()}
	switch fe.Tag() {
	case "required":
		v.Message = field + " is required"
	case "printable":
		v.Message = field + " must be valid text without control characters"
	case "max":
		v.Message = fmt.Sprintf("%s must be at most %s characters", field, fe.Param())
	case "maxbytes":
		v.Rule = "max"
		v.Message = fmt.Sprintf("%s must be at most %s bytes", field, fe.Param())
	case "email":
		v.Message = field + " must be a valid email address, such as name@example.com"
	case "e164":
		v.Message = field + " must be a telephone number in E.164 form, such as +442079460958, or a national number of the address country"
	case "iso4217":
		v.Message = field + " must be an ISO 4217 currency code, such as USD"
	case "iso3166_1_alpha2":
		v.Message = field + " must be an ISO 3166-1 alpha-2 country code, such as GB"
	case "charset":
		v.Message = field + " may contain only " + charsets[fe.Param()].describe
	default:
		v.Message = field + " is invalid"
	}
	return v
}

// isPrintable refuses invalid UTF-8 and control characters, which have no
// place in a name or an address and break logs and printed invoices.
func isPrintable(fl validator.FieldLevel) bool {
	s := fl.Field().String()
	return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
}

// hasMaxBytes bounds the length in bytes, the unit in which email addresses
// are limited (RFC 5321).
func hasMaxBytes(fl validator.FieldLevel) bool {
	n, err := strconv.Atoi(fl.Param())
	if err != nil {
		panic("billing: bad maxbytes parameter " + strconv.Quote(fl.Param()))
	}
	return len(fl.Field().String()) <= n
}

// isE164 accepts only a number already in the E.164 form that phone.E164
// writes: Check has normalized it, so anything else failed to parse.
func isE164(fl validator.FieldLevel) bool {
	s := fl.Field().String()
	e, err := phone.E164(s, "")
	return err == nil && e == s
}

type charset struct {
	allowed  func(rune) bool
	describe string
}

// charsets are the named sets of the charset tag; letters and digits are
// those of any script.
var charsets = map[string]charset{
	"tax_id": {
		allowed: func(r rune) bool {
			return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" -./", r)
		},
		describe: "letters, digits, spaces and the characters - . /",
	},
	"postal_code": {
		allowed: func(r rune) bool {
			return unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '-'
		},
		describe: "letters, digits, spaces and hyphens",
	},
}

func inCharset(fl validator.FieldLevel) bool {
	cs, ok := charsets[fl.Param()]
	if !ok {
		panic("billing: unknown charset " + strconv.Quote(fl.Param()))
	}
	for _, r := range fl.Field().String() {
		if !cs.allowed(r) {
			return false
		}
	}
	return true
}
