package billing_test

import (
	"fmt"

	"github.com/orgkit/orgkit/billing"
)

func ExampleInfo_Check() {
	info, violations := billing.Info{
		ContactName: " Ada Lovelace ",
		Email:       "ada@Example.com",
		Phone:       "020 7946 0958",
		Currency:    "gbp",
		Address: billing.Address{
			Line1:      "10 Downing Street",
			City:       "London",
			PostalCode: "SW1A 2AA",
			Country:    "gb",
		},
	}.Check()
	fmt.Println(violations == nil)
	fmt.Println(info.ContactName, info.Email, info.Phone, info.Currency, info.Address.Country)
	// Output:
	// true
	// Ada Lovelace ada@example.com +442079460958 GBP GB
}

func ExampleInfo_Check_violations() {
	_, violations := billing.Info{
		ContactName: "Ada Lovelace",
		Email:       "ada.example.com",
		Currency:    "USD",
		Address: billing.Address{
			Line1:   "1 Main Street",
			City:    "Springfield",
			Country: "US",
		},
	}.Check()
	for _, v := range violations {
		fmt.Printf("%s %s: %s\n", v.Field, v.Rule, v.Message)
	}
	// Output:
	// email email: email must be a valid email address, such as name@example.com
	// address.postal_code required: address.postal_code is required
}

func ExampleInfo_Redacted() {
	r := billing.Info{
		ContactName: "Ada Lovelace",
		Email:       "ada@example.com",
		Currency:    "GBP",
		TaxID:       "GB123456789",
		Address:     billing.Address{Line1: "10 Downing Street", City: "London", PostalCode: "SW1A 2AA", Country: "GB"},
	}.Redacted()
	fmt.Printf("%q %q %q %q\n", r.ContactName, r.Email, r.Currency, r.Address.Country)
	// Output:
	// "" "" "GBP" "GB"
}
