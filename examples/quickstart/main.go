// Command quickstart walks through the flows of the Sales Hub "Organization
// Overview" page on orgkit's in-memory store and prints what happens: create
// an organization of each ownership type, find them from the search box,
// edit information, billing and buyer tags, switch who manages one, ask for
// remote access, suspend, and delete.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	// The host configures its provider and Admin Organization; orgkit does
	// not store them.
	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	store := memory.New()
	defer store.Close()
	svc := org.NewService(store, org.NewProviderSet(provider))
	staff := org.Staff(provider.ID, "sam", ownership.Admin, true)

	step("Create a New Organization: Customer-managed")
	acme, err := svc.Create(ctx, staff, org.CreateInput{
		Name:      "Acme Telecom",
		ManagedBy: ownership.Customer,
		Owner:     &org.Person{Name: "Olive Owner", Email: "olive@acme.example", Phone: "+44 20 7946 0958"},
		Billing: &billing.Info{
			ContactName: "Accounts Payable", Currency: "GBP",
			Address: billing.Address{Line1: "1 Long Lane", City: "London", PostalCode: "EC1A 9HF", Country: "GB"},
		},
		CustomerReference: "ACME-001",
		Numbers:           []string{"+44 20 7946 0001", "+44 20 7946 0002"},
	})
	if err != nil {
		return err
	}
	show(acme)

	step("Create a New Organization: Service-Provider-managed")
	globex, err := svc.Create(ctx, staff, org.CreateInput{Name: "Globex", ManagedBy: ownership.ServiceProvider, ExternalContract: "K-2024-17"})
	if err != nil {
		return err
	}
	show(globex)

	step(`Invalid input: "Organization is invalid."`)
	_, err = svc.Create(ctx, staff, org.CreateInput{Name: "", ManagedBy: ownership.Customer,
		Owner: &org.Person{Name: "X", Email: "not-an-email"}})
	var ve *org.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(" ", ve.Error())
		for _, f := range ve.Fields {
			fmt.Printf("    %s: %s\n", f.Field, f.Message)
		}
	}

	step("Search box: UUID, name, purchased number, customer reference, external contract")
	for _, text := range []string{acme.ID().String(), "acme", "+44 20 7946", "ACME-001", "k-2024"} {
		res, err := svc.Search(ctx, staff, org.SearchQuery{Text: text})
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			fmt.Printf("  %-38q -> %s (%s)\n", text, h.Organization.Name(), h.Match)
		}
	}

	step("Edit Organization Information and Buyer Tags")
	name := "Globex Corporation"
	if globex, err = svc.Update(ctx, staff, globex.ID(), org.Update{Name: &name}); err != nil {
		return err
	}
	if globex, err = svc.SetBuyerTags(ctx, staff, globex.ID(), []string{"Enterprise", "EMEA"}); err != nil {
		return err
	}
	show(globex)

	step("Staff need remote access to edit a Customer-managed organization")
	_, err = svc.Update(ctx, staff, acme.ID(), org.Update{Name: &name})
	fmt.Println("  without a grant:", err)
	owner := org.CustomerMember(provider.ID, acme.ID(), "olive@acme.example")
	_, grant, err := svc.RequestRemoteAccess(ctx, staff, acme.ID(), org.AccessRequest{Reason: "port numbers"})
	if err != nil {
		return err
	}
	if _, err := svc.ApproveRemoteAccess(ctx, owner, acme.ID(), grant.ID); err != nil {
		return err
	}
	fmt.Println("  the owner approved grant", grant.ID)

	step("Edit Account Ownership Type: Customer -> Service Provider")
	acme, err = svc.SwitchManagedBy(ctx, staff, acme.ID(), org.Switch{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin})
	if err != nil {
		return err
	}
	show(acme)

	step("Edit Account Ownership Type: Service Provider -> Customer, new owner entered by hand")
	globex, err = svc.SwitchManagedBy(ctx, staff, globex.ID(), org.Switch{
		To:       ownership.Customer,
		NewOwner: &org.Person{Name: "Hank Scorpio", Email: "hank@globex.example"},
		Billing: &billing.Info{ContactName: "Finance", Currency: "USD",
			Address: billing.Address{Line1: "1 Cypress Creek", City: "Springfield", PostalCode: "49007", Country: "US"}},
	})
	if err != nil {
		return err
	}
	show(globex)

	step("Suspend / Delete Organization")
	if acme, err = svc.Suspend(ctx, staff, acme.ID(), "unpaid invoices"); err != nil {
		return err
	}
	show(acme)
	_, err = svc.SetBuyerTags(ctx, staff, acme.ID(), []string{"vip"})
	fmt.Println("  a change while suspended:", err)
	if err := svc.Delete(ctx, staff, acme.ID()); err != nil {
		return err
	}
	_, err = svc.Get(ctx, staff, acme.ID())
	fmt.Println("  after delete:", err)

	step("Audit trail of the deleted organization (personal data erased)")
	page, err := svc.Events(ctx, staff, org.EventQuery{OrganizationID: acme.ID()})
	if err != nil {
		return err
	}
	for _, ev := range page.Events {
		fmt.Printf("  v%d %-26s by %s %s\n", ev.Version, ev.Type, ev.Actor.Kind, ev.Actor.ID)
	}
	return nil
}

func step(title string) { fmt.Printf("\n== %s\n", title) }

func show(o *org.Organization) {
	owner := "Admin Organization " + o.Owner().AdminOrganizationID.String()
	if m := o.Owner().Member; m != nil {
		owner = m.Name + " <" + m.Email + ">"
	}
	fmt.Printf("  %s  %q  v%d  %s  managed by %s  owner %s\n", o.ID(), o.Name(), o.Version(), o.Status(), o.ManagedBy(), owner)
	if tags := o.BuyerTags(); len(tags) > 0 {
		fmt.Printf("  tags %v\n", tags)
	}
}
