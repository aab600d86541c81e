package billing_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/billing"
)

// emailAt254Bytes is a valid address exactly at the length limit.
var emailAt254Bytes = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com"

func validInfo() billing.Info {
	return billing.Info{
		ContactName: "Ada Lovelace",
		Email:       "ada@example.com",
		Phone:       "+442079460958",
		Currency:    "GBP",
		TaxID:       "GB 123.456/78-9",
		Address: billing.Address{
			Line1:      "10 Downing Street",
			Line2:      "Flat 2",
			City:       "London",
			Region:     "Greater London",
			PostalCode: "SW1A 2AA",
			Country:    "GB",
		},
	}
}

func TestCheckValid(t *testing.T) {
	t.Parallel()

	for name, edit := range map[string]func(*billing.Info){
		"Full": func(*billing.Info) {},
		"OptionalFieldsEmpty": func(i *billing.Info) {
			i.Phone, i.TaxID, i.Address.Line2, i.Address.Region = "", "", "", ""
		},
		"UnicodeName":       func(i *billing.Info) { i.ContactName = "Zoë Ångström" },
		"NameAt200Runes":    func(i *billing.Info) { i.ContactName = strings.Repeat("é", 200) },
		"TaxIDAt64Runes":    func(i *billing.Info) { i.TaxID = strings.Repeat("A", 64) },
		"PostalCodeAt20":    func(i *billing.Info) { i.Address.PostalCode = strings.Repeat("1", 20) },
		"EmailAt254Bytes":   func(i *billing.Info) { i.Email = emailAt254Bytes },
		"PostalCodeHyphen":  func(i *billing.Info) { i.Address.PostalCode = "12345-6789" },
		"SurroundingSpaces": func(i *billing.Info) { i.ContactName = "  Ada \t" },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := validInfo()
			edit(&in)
			_, got := in.Check()
			assert.Nil(t, got)
		})
	}
}

func TestCheckEmailLengthFixture(t *testing.T) {
	t.Parallel()
	// Guards the fixture of EmailAt254Bytes above, which must sit exactly
	// on the limit.
	require.Len(t, emailAt254Bytes, 254)
}

func TestCheckRule(t *testing.T) {
	t.Parallel()

	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name  string
		edit  func(*billing.Info)
		field string
		rule  string
	}{
		{"ContactNameMissing", func(i *billing.Info) { i.ContactName = "" }, "contact_name", "required"},
		{"ContactNameBlank", func(i *billing.Info) { i.ContactName = " \t " }, "contact_name", "required"},
		{"ContactNameTooLong", func(i *billing.Info) { i.ContactName = strings.Repeat("é", 201) }, "contact_name", "max"},
		{"ContactNameControl", func(i *billing.Info) { i.ContactName = "Ada\x00Lovelace" }, "contact_name", "printable"},
		{"ContactNameNewline", func(i *billing.Info) { i.ContactName = "Ada\nLovelace" }, "contact_name", "printable"},
		{"ContactNameBadUTF8", func(i *billing.Info) { i.ContactName = "Ada\xffLovelace" }, "contact_name", "printable"},
		{"EmailMissing", func(i *billing.Info) { i.Email = "" }, "email", "required"},
		{"EmailInvalid", func(i *billing.Info) { i.Email = "ada.example.com" }, "email", "email"},
		{"EmailWithName", func(i *billing.Info) { i.Email = "Ada <ada@example.com>" }, "email", "email"},
		{"EmailTooLong", func(i *billing.Info) { i.Email = long(64) + "@" + long(200) + ".com" }, "email", "max"},
		{"EmailControl", func(i *billing.Info) { i.Email = "ada\x07@example.com" }, "email", "printable"},
		{"PhoneNotANumber", func(i *billing.Info) { i.Phone = "call me" }, "phone", "e164"},
		{"PhoneImpossible", func(i *billing.Info) { i.Phone = "+4412" }, "phone", "e164"},
		{"PhoneNationalOfAnotherCountry", func(i *billing.Info) { i.Phone = "020 7946 0958"; i.Address.Country = "US" }, "phone", "e164"},
		{"CurrencyMissing", func(i *billing.Info) { i.Currency = "" }, "currency", "required"},
		{"CurrencyUnknown", func(i *billing.Info) { i.Currency = "XYZ" }, "currency", "iso4217"},
		{"CurrencyName", func(i *billing.Info) { i.Currency = "pound" }, "currency", "iso4217"},
		{"TaxIDTooLong", func(i *billing.Info) { i.TaxID = strings.Repeat("1", 65) }, "tax_id", "max"},
		{"TaxIDCharset", func(i *billing.Info) { i.TaxID = "GB#123" }, "tax_id", "charset"},
		{"TaxIDControl", func(i *billing.Info) { i.TaxID = "GB\x1b123" }, "tax_id", "printable"},
		{"Line1Missing", func(i *billing.Info) { i.Address.Line1 = "" }, "address.line1", "required"},
		{"Line1TooLong", func(i *billing.Info) { i.Address.Line1 = long(201) }, "address.line1", "max"},
		{"Line1Control", func(i *billing.Info) { i.Address.Line1 = "10\rDowning" }, "address.line1", "printable"},
		{"Line2TooLong", func(i *billing.Info) { i.Address.Line2 = long(201) }, "address.line2", "max"},
		{"Line2Control", func(i *billing.Info) { i.Address.Line2 = "Flat\x002" }, "address.line2", "printable"},
		{"CityMissing", func(i *billing.Info) { i.Address.City = "" }, "address.city", "required"},
		{"CityTooLong", func(i *billing.Info) { i.Address.City = long(101) }, "address.city", "max"},
		{"CityControl", func(i *billing.Info) { i.Address.City = "Lon\x7fdon" }, "address.city", "printable"},
		{"RegionTooLong", func(i *billing.Info) { i.Address.Region = long(101) }, "address.region", "max"},
		{"RegionControl", func(i *billing.Info) { i.Address.Region = "Greater\x01London" }, "address.region", "printable"},
		{"PostalCodeMissing", func(i *billing.Info) { i.Address.PostalCode = "" }, "address.postal_code", "required"},
		{"PostalCodeTooLong", func(i *billing.Info) { i.Address.PostalCode = strings.Repeat("1", 21) }, "address.postal_code", "max"},
		{"PostalCodeCharset", func(i *billing.Info) { i.Address.PostalCode = "SW1A/2AA" }, "address.postal_code", "charset"},
		{"CountryMissing", func(i *billing.Info) { i.Address.Country = ""; i.Phone = "" }, "address.country", "required"},
		{"CountryUnknown", func(i *billing.Info) { i.Address.Country = "XX" }, "address.country", "iso3166_1_alpha2"},
		{"CountryAlpha3", func(i *billing.Info) { i.Address.Country = "GBR" }, "address.country", "iso3166_1_alpha2"},
		{"CountryControl", func(i *billing.Info) { i.Address.Country = "G\x00" }, "address.country", "printable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := validInfo()
			tt.edit(&in)
			_, got := in.Check()
			require.Len(t, got, 1, "%+v", got)
			assert.Equal(t, tt.field, got[0].Field)
			assert.Equal(t, tt.rule, got[0].Rule)
			assert.True(t, strings.HasPrefix(got[0].Message, tt.field+" "), "message %q names the field", got[0].Message)
		})
	}
}

func TestCheckMessages(t *testing.T) {
	t.Parallel()

	in := validInfo()
	in.Address.PostalCode = ""
	in.Phone = "nope"
	_, got := in.Check()
	assert.Equal(t, []billing.Violation{
		{Field: "phone", Rule: "e164", Message: "phone must be a telephone number in E.164 form, such as +442079460958, or a national number of the address country"},
		{Field: "address.postal_code", Rule: "required", Message: "address.postal_code is required"},
	}, got)
}

func TestCheckEveryViolationAtOnce(t *testing.T) {
	t.Parallel()

	in := billing.Info{
		ContactName: "Ada\x00",
		Email:       "not an email",
		Phone:       "12",
		Currency:    "dollars",
		TaxID:       "<script>",
		Address: billing.Address{
			Line2:      strings.Repeat("x", 201),
			Region:     "\x01",
			PostalCode: "!!",
			Country:    "Narnia",
		},
	}
	_, got := in.Check()
	type fr struct{ Field, Rule string }
	var pairs []fr
	for _, v := range got {
		pairs = append(pairs, fr{v.Field, v.Rule})
		assert.NotEmpty(t, v.Message)
	}
	assert.Equal(t, []fr{
		{"contact_name", "printable"},
		{"email", "email"},
		{"phone", "e164"},
		{"currency", "iso4217"},
		{"tax_id", "charset"},
		{"address.line1", "required"},
		{"address.line2", "max"},
		{"address.city", "required"},
		{"address.region", "printable"},
		{"address.postal_code", "charset"},
		{"address.country", "iso3166_1_alpha2"},
	}, pairs)

	_, again := in.Check()
	assert.Equal(t, got, again, "order is stable")
}

func TestCheckNormalizes(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		edit func(*billing.Info)
		want func(*billing.Info)
	}{
		{
			name: "InternationalPhoneWithSpaces",
			edit: func(i *billing.Info) { i.Phone = "+44 20 7946 0958" },
			want: func(i *billing.Info) { i.Phone = "+442079460958" },
		},
		{
			name: "NationalPhoneReadWithAddressCountry",
			edit: func(i *billing.Info) { i.Phone = "020 7946 0958" },
			want: func(i *billing.Info) { i.Phone = "+442079460958" },
		},
		{
			name: "NationalPhoneWithLowerCaseCountry",
			edit: func(i *billing.Info) { i.Phone = "(202) 555-0143"; i.Address.Country = " us " },
			want: func(i *billing.Info) { i.Phone = "+12025550143"; i.Address.Country = "US" },
		},
		{
			name: "CurrencyUpperCased",
			edit: func(i *billing.Info) { i.Currency = " usd " },
			want: func(i *billing.Info) { i.Currency = "USD" },
		},
		{
			name: "CountryUpperCased",
			edit: func(i *billing.Info) { i.Address.Country = "gb" },
			want: func(i *billing.Info) { i.Address.Country = "GB" },
		},
		{
			name: "EmailTrimmedDomainLowerCased",
			edit: func(i *billing.Info) { i.Email = "  Ada.L@Example.COM " },
			want: func(i *billing.Info) { i.Email = "Ada.L@example.com" },
		},
		{
			name: "EveryFieldTrimmed",
			edit: func(i *billing.Info) {
				i.ContactName = " Ada Lovelace "
				i.TaxID = " GB 123.456/78-9\t"
				i.Address = billing.Address{
					Line1: " 10 Downing Street ", Line2: " Flat 2 ", City: " London ",
					Region: " Greater London ", PostalCode: " SW1A 2AA ", Country: " GB ",
				}
			},
			want: func(*billing.Info) {},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, want := validInfo(), validInfo()
			tt.edit(&in)
			tt.want(&want)
			got, violations := in.Check()
			assert.Nil(t, violations)
			assert.Equal(t, want, got)
		})
	}
}

func TestCheckKeepsUnparsablePhone(t *testing.T) {
	t.Parallel()

	in := validInfo()
	in.Phone = " 12 "
	got, violations := in.Check()
	assert.Equal(t, "12", got.Phone, "kept as written, trimmed, so the caller can echo it")
	require.Len(t, violations, 1)
	assert.Equal(t, "phone", violations[0].Field)
}

func TestCheckIsIdempotent(t *testing.T) {
	t.Parallel()

	in := validInfo()
	in.Phone = "020 7946 0958"
	in.Currency = "gbp"
	once, _ := in.Check()
	twice, violations := once.Check()
	assert.Nil(t, violations)
	assert.Equal(t, once, twice)
}

func TestRedacted(t *testing.T) {
	t.Parallel()

	got := validInfo().Redacted()
	assert.Equal(t, billing.Info{
		Currency: "GBP",
		Address:  billing.Address{Country: "GB"},
	}, got)
}
