package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/examples/saleshub/internal/actors"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// The demo providers. Fixed ids keep demo data findable across restarts of
// a persistent store.
var (
	northwind = uuid.MustParse("0190a7e4-7c00-7000-8000-00000000a001")
	southwind = uuid.MustParse("0190a7e4-7c00-7000-8000-00000000b002")
)

// demoReference is the customer reference of the demo organization whose
// owner is a demo actor; finding it tells whether demo data exists.
const demoReference = "ACME-001"

// demo makes the demo actors with fresh tokens, and the demo organizations
// when the store has none of them yet.
func demo(ctx context.Context, store org.Store, opts ...org.Option) (*actors.Directory, *org.Service, error) {
	entries := map[string]actors.Entry{
		actors.NewToken(): {ProviderID: northwind, Kind: "staff", UserID: "ada", Name: "Ada Park", Role: "owner", SalesHubAccess: true},
		actors.NewToken(): {ProviderID: northwind, Kind: "staff", UserID: "max", Name: "Max Rivera", Role: "member", SalesHubAccess: true},
		actors.NewToken(): {ProviderID: southwind, Kind: "staff", UserID: "bea", Name: "Bea Santos", Role: "admin", SalesHubAccess: true},
	}
	staffDir, err := actors.New(entries)
	if err != nil {
		return nil, nil, err
	}
	svc := org.NewService(store, staffDir.Providers(), opts...)
	acme, err := seed(ctx, svc)
	if err != nil {
		return nil, nil, err
	}
	entries[actors.NewToken()] = actors.Entry{ProviderID: northwind, Kind: "member", OrganizationID: acme,
		Email: "olive@acme.example", Name: "Olive Owens"}
	dir, err := actors.New(entries)
	if err != nil {
		return nil, nil, err
	}
	return dir, svc, nil
}

// seed creates the demo organizations unless they exist, and returns the id
// of Acme Telecom.
func seed(ctx context.Context, svc *org.Service) (uuid.UUID, error) {
	ada := org.Staff(northwind, "ada", ownership.Owner, true)
	bea := org.Staff(southwind, "bea", ownership.Admin, true)
	res, err := svc.Search(ctx, ada, org.SearchQuery{Text: demoReference, Limit: 1})
	if err != nil {
		return uuid.Nil, err
	}
	if len(res.Hits) > 0 {
		return res.Hits[0].Organization.ID(), nil
	}
	acme, err := svc.Create(ctx, ada, org.CreateInput{
		Name: "Acme Telecom", ManagedBy: ownership.Customer, Country: "GB", TimeZone: "Europe/London",
		Owner: &org.Person{Name: "Olive Owens", Email: "olive@acme.example", Phone: "+44 20 7946 0958"},
		Billing: &billing.Info{ContactName: "Accounts Payable", Currency: "GBP", TaxID: "GB123456789",
			Address: billing.Address{Line1: "1 Long Lane", City: "London", PostalCode: "EC1A 9HF", Country: "GB"}},
		CustomerReference: demoReference, ExternalContract: "NW-2024-017",
		BuyerTags: []string{"Enterprise", "EMEA"}, Numbers: []string{"+44 20 7946 0001", "+44 20 7946 0002"},
	})
	if err != nil {
		return uuid.Nil, err
	}
	steps := []func() error{
		func() error {
			_, err := svc.Create(ctx, ada, org.CreateInput{Name: "Globex Corporation", ManagedBy: ownership.ServiceProvider,
				Country: "US", TimeZone: "America/Los_Angeles", CustomerReference: "GLX-100", ExternalContract: "NW-2023-101",
				BuyerTags: []string{"SMB"}, Numbers: []string{"+1 415 555 0100"}})
			return err
		},
		func() error {
			o, err := svc.Create(ctx, ada, org.CreateInput{Name: "Initech", ManagedBy: ownership.ServiceProvider,
				Country: "US", TimeZone: "America/Chicago", CustomerReference: "INI-7", BuyerTags: []string{"SMB", "Legacy"}})
			if err != nil {
				return err
			}
			_, err = svc.Suspend(ctx, ada, o.ID(), "Unpaid invoices since March")
			return err
		},
		func() error {
			_, err := svc.Create(ctx, ada, org.CreateInput{Name: "Stark Logistics", ManagedBy: ownership.ServiceProvider,
				Country: "DE", TimeZone: "Europe/Berlin", ExternalContract: "NW-2025-003", BuyerTags: []string{"Enterprise"},
				Numbers: []string{"+49 30 901820"},
				Billing: &billing.Info{ContactName: "Buchhaltung", Email: "billing@stark.example", Currency: "EUR",
					Address: billing.Address{Line1: "Friedrichstraße 10", City: "Berlin", PostalCode: "10117", Country: "DE"}}})
			return err
		},
		func() error {
			for _, m := range []org.NewMember{
				{Name: "Ivan Ito", Email: "ivan@acme.example", Role: ownership.Admin},
				{Name: "Mia Moreau", Email: "mia@acme.example", Role: ownership.Member},
			} {
				if _, err := svc.AddMember(ctx, org.CustomerMember(northwind, acme.ID(), "olive@acme.example"), acme.ID(), m); err != nil {
					return err
				}
			}
			return nil
		},
		func() error {
			_, err := svc.Create(ctx, bea, org.CreateInput{Name: "Wayne Enterprises", ManagedBy: ownership.ServiceProvider,
				Country: "US", CustomerReference: demoReference, BuyerTags: []string{"Enterprise"}})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return uuid.Nil, err
		}
	}
	return acme.ID(), nil
}

// printDemo prints the demo actors' tokens for the console and curl.
func printDemo(w io.Writer, dir *actors.Directory, addr string) {
	fmt.Fprintf(w, "Sales Hub console: http://%s/  (sign in as a demo actor)\n\nDemo tokens (Authorization: Bearer <token>):\n", addr)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, t := range dir.All() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", t.Entry.Label(), t.Entry.Describe(), t.Token)
	}
	tw.Flush()
	fmt.Fprintln(w)
}
