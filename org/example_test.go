package org_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// exampleService returns a Service over the memory store, for one provider,
// and a staff actor with Sales Hub access.
func exampleService() (*org.Service, org.Provider, org.Actor) {
	p := org.Provider{
		ID:                  uuid.MustParse("0190a3c4-0000-7000-8000-000000000001"),
		AdminOrganizationID: uuid.MustParse("0190a3c4-0000-7000-8000-0000000000ad"),
	}
	svc := org.NewService(memory.New(), org.NewProviderSet(p))
	return svc, p, org.Staff(p.ID, "sam@provider.example", ownership.Admin, true)
}

func exampleBilling() *billing.Info {
	return &billing.Info{
		ContactName: "Accounts Payable",
		Currency:    "GBP",
		Address:     billing.Address{Line1: "1 Long Lane", City: "London", PostalCode: "EC1A 9HF", Country: "GB"},
	}
}

// Create a Customer-managed organization: owner details and billing are
// required, and the owner's email becomes the billing email.
func ExampleService_Create_customer() {
	ctx := context.Background()
	svc, _, staff := exampleService()
	o, err := svc.Create(ctx, staff, org.CreateInput{
		Name:      "Acme Telecom",
		ManagedBy: ownership.Customer,
		Owner:     &org.Person{Name: "Olive Owner", Email: "olive@acme.example"},
		Billing:   exampleBilling(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := o.Billing()
	fmt.Println(o.Name(), o.ManagedBy(), o.Version())
	fmt.Println("owner:", o.Owner().Member.Email, o.Owner().Member.Role)
	fmt.Println("billing email:", b.Email)
	// Output:
	// Acme Telecom customer 1
	// owner: olive@acme.example owner
	// billing email: olive@acme.example
}

// Create a Service-Provider-managed organization: no owner details, and
// billing is optional. The provider's Admin Organization owns it.
func ExampleService_Create_serviceProvider() {
	ctx := context.Background()
	svc, p, staff := exampleService()
	o, err := svc.Create(ctx, staff, org.CreateInput{Name: "Globex", ManagedBy: ownership.ServiceProvider})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Name(), o.ManagedBy())
	fmt.Println("owned by the Admin Organization:", o.Owner().AdminOrganizationID == p.AdminOrganizationID)
	// Output:
	// Globex service_provider
	// owned by the Admin Organization: true
}

// Invalid input is refused whole, naming every offending field.
func ExampleValidationError() {
	ctx := context.Background()
	svc, _, staff := exampleService()
	_, err := svc.Create(ctx, staff, org.CreateInput{Name: " ", ManagedBy: ownership.Customer})
	fmt.Println(err, errors.Is(err, org.ErrInvalid))
	var ve *org.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s: %s\n", f.Field, f.Rule)
		}
	}
	// Output:
	// Organization is invalid. true
	// name: required
	// owner: required
	// billing: required
}

// Switch a Service-Provider-managed organization to Customer with a new
// owner entered by hand, then back, demoting the owner to Admin. Staff
// need the Owner or Admin role, and for a Customer-managed organization an
// approved remote-access grant.
func ExampleService_SwitchManagedBy() {
	ctx := context.Background()
	svc, p, staff := exampleService()
	o, _ := svc.Create(ctx, staff, org.CreateInput{Name: "Initech", ManagedBy: ownership.ServiceProvider})

	o, err := svc.SwitchManagedBy(ctx, staff, o.ID(), org.Switch{
		To:       ownership.Customer,
		NewOwner: &org.Person{Name: "Peter Gibbons", Email: "peter@initech.example"},
		Billing:  exampleBilling(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.ManagedBy(), o.Owner().Member.Email)

	// Back to Service Provider: the customer first grants remote access.
	owner := org.CustomerMember(p.ID, o.ID(), "peter@initech.example")
	_, grant, _ := svc.RequestRemoteAccess(ctx, staff, o.ID(), org.AccessRequest{Reason: "take over management"})
	if _, err := svc.ApproveRemoteAccess(ctx, owner, o.ID(), grant.ID); err != nil {
		fmt.Println(err)
		return
	}
	o, err = svc.SwitchManagedBy(ctx, staff, o.ID(), org.Switch{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, _ := o.MemberByEmail("peter@initech.example")
	fmt.Println(o.ManagedBy(), "former owner is now", m.Role)

	_, err = svc.SwitchManagedBy(ctx, staff, o.ID(), org.Switch{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin})
	fmt.Println(errors.Is(err, org.ErrTransition))
	// Output:
	// customer peter@initech.example
	// service_provider former owner is now admin
	// true
}

// Suspend refuses every change but reactivate and delete.
func ExampleService_Suspend() {
	ctx := context.Background()
	svc, _, staff := exampleService()
	o, _ := svc.Create(ctx, staff, org.CreateInput{Name: "Hooli", ManagedBy: ownership.ServiceProvider})
	o, _ = svc.Suspend(ctx, staff, o.ID(), "unpaid invoices")
	fmt.Println(o.Status(), o.SuspendReason())
	_, err := svc.SetBuyerTags(ctx, staff, o.ID(), []string{"vip"})
	fmt.Println(errors.Is(err, org.ErrSuspended))
	o, _ = svc.Reactivate(ctx, staff, o.ID())
	fmt.Println(o.Status(), o.Version())
	// Output:
	// suspended unpaid invoices
	// true
	// active 3
}

// Delete is permanent: the organization leaves storage and search, and its
// events remain with personal data erased.
func ExampleService_Delete() {
	ctx := context.Background()
	svc, _, staff := exampleService()
	o, _ := svc.Create(ctx, staff, org.CreateInput{
		Name: "Umbrella", ManagedBy: ownership.Customer,
		Owner:   &org.Person{Name: "Alice", Email: "alice@umbrella.example"},
		Billing: exampleBilling(),
		Numbers: []string{"+1 415 555 0100"},
	})
	if err := svc.Delete(ctx, staff, o.ID()); err != nil {
		fmt.Println(err)
		return
	}
	_, err := svc.Get(ctx, staff, o.ID())
	fmt.Println(errors.Is(err, org.ErrNotFound))
	page, _ := svc.Events(ctx, staff, org.EventQuery{OrganizationID: o.ID()})
	for _, ev := range page.Events {
		fmt.Println(ev.Version, ev.Type, ev.Actor.ID)
	}
	fmt.Printf("owner email in the trail: %q\n", page.Events[0].After.Members[0].Email)
	// Output:
	// true
	// 1 organization.created sam@provider.example
	// 2 organization.deleted sam@provider.example
	// owner email in the trail: ""
}

// Search with one text box: an Org UUID, a name, a purchased number, a
// customer reference or an external contract.
func ExampleService_Search() {
	ctx := context.Background()
	svc, _, staff := exampleService()
	for _, in := range []org.CreateInput{
		{Name: "Acme", ManagedBy: ownership.ServiceProvider, Numbers: []string{"+44 20 7946 0001"}},
		{Name: "Acme Telecom", ManagedBy: ownership.ServiceProvider, CustomerReference: "ACME-7"},
		{Name: "Beta Acme", ManagedBy: ownership.ServiceProvider},
		{Name: "Straße Networks", ManagedBy: ownership.ServiceProvider},
	} {
		if _, err := svc.Create(ctx, staff, in); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, text := range []string{"acme", "+44 20 7946", "STRASSE"} {
		res, _ := svc.Search(ctx, staff, org.SearchQuery{Text: text, Count: true})
		fmt.Printf("%q: %s matches\n", text, res.Count)
		for _, h := range res.Hits {
			fmt.Printf("  %s (%s)\n", h.Organization.Name(), h.Match)
		}
	}
	// Output:
	// "acme": 3 matches
	//   Acme (exact/name)
	//   Acme Telecom (prefix/customer_reference)
	//   Beta Acme (substring/name)
	// "+44 20 7946": 1 matches
	//   Acme (prefix/number)
	// "STRASSE": 1 matches
	//   Straße Networks (prefix/name)
}
