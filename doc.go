// Package orgkit runs the organization side of a telecom or CPaaS
// provider's Sales Hub: create customer organizations, edit their
// information, billing and buyer tags, switch who manages them (the
// Customer or the Service Provider), suspend and delete them, and find any
// of them from one search box.
//
// orgkit is a library that a provider's own Go services embed. It enforces
// the rules of the Sales Hub "Organization Overview" page: tenancy (nothing
// crosses providers), the ownership state machine, status control, remote
// access to Customer-managed organizations, search, and an audit trail of
// every change.
//
// # Packages
//
//   - [github.com/orgkit/orgkit/org]: the Organization aggregate, actors and
//     permissions, remote-access grants, events, errors, the Store interface
//     and the Service with one method per use case. Start here.
//   - [github.com/orgkit/orgkit/ownership]: the managed-by state machine.
//   - [github.com/orgkit/orgkit/billing]: billing information and its rules.
//   - [github.com/orgkit/orgkit/search]: how search-box text is classified,
//     folded, matched, ranked and paged.
//   - [github.com/orgkit/orgkit/adapters/memory]: the embedded store.
//   - [github.com/orgkit/orgkit/adapters/storetest]: the conformance suite
//     every store passes.
//
// # The flows
//
// Every Service method takes a context and the [org.Actor] performing the
// call: staff of the provider's Admin Organization ([org.Staff]) or a
// member of a customer organization ([org.CustomerMember]).
//
//	svc := org.NewService(memory.New(), org.NewProviderSet(provider))
//	staff := org.Staff(provider.ID, "sam", ownership.Admin, true)
//
//	o, err := svc.Create(ctx, staff, org.CreateInput{
//		Name:      "Acme Telecom",
//		ManagedBy: ownership.Customer,
//		Owner:     &org.Person{Name: "Olive", Email: "olive@acme.example"},
//		Billing:   &billing.Info{ /* contact, currency, address */ },
//	})
//	res, err := svc.Search(ctx, staff, org.SearchQuery{Text: "acme"})
//	o, err = svc.SwitchManagedBy(ctx, staff, o.ID(), org.Switch{
//		To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin,
//	})
//	o, err = svc.Suspend(ctx, staff, o.ID(), "unpaid invoices")
//	err = svc.Delete(ctx, staff, o.ID())
//
// Invalid input fails with an error whose message is "Organization is
// invalid." and which lists every offending field ([org.ValidationError]);
// nothing is stored. Other failures match sentinels in package org with
// errors.Is.
//
// # Choosing a store
//
// The memory store is the default: safe for concurrent use, nothing
// survives the process. Every store passes the same conformance suite, so
// a host can start on memory and move to a persistent store without
// changing behaviour: same errors, same search hits in the same order.
package orgkit
