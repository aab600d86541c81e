// Package org is the heart of orgkit: the customer organization aggregate,
// the actors who act on it, the permission table, remote-access grants,
// events, the Store interface that adapters implement, and the Service that
// runs every use case of the Sales Hub "Organization Overview" page.
//
// # The aggregate
//
// An [Organization] belongs to exactly one provider. It holds organization
// information (name, country, time zone), the provider's sales records
// (customer reference, external contract, buyer tags, purchased numbers),
// who manages it ([ownership.Customer] or [ownership.ServiceProvider]), its
// owner and members, billing information, its status and remote-access
// grants. Its fields are unexported: [New] validates input and makes one,
// a [Service] changes it, and [Rehydrate] is the stores' way back from
// storage. Every change raises the version by one and records an [Event] in
// the same atomic step.
//
// # Actors and permissions
//
// Every call names its [Actor]: [Staff] of the provider's Admin
// Organization, or a [CustomerMember] of one organization, whose role is
// read from the stored organization at the time of the call. [Authorize]
// applies the permission table; another provider's organization, and for
// a customer member any organization but their own, is reported as
// [ErrNotFound] so that its existence never leaks. Staff change a
// Customer-managed organization only while it has granted remote access
// ([Service.RequestRemoteAccess], [Service.ApproveRemoteAccess]). Hosts may
// tighten the defaults with [WithPolicy], never loosen them.
//
// # Errors
//
// Errors match sentinels with errors.Is: [ErrNotFound], [ErrInvalid],
// [ErrConflict], [ErrDuplicate], [ErrPermission], [ErrSuspended],
// [ErrTransition] and [ErrUnknownProvider]. Invalid input is a
// *[ValidationError] whose message is exactly "Organization is invalid."
// and which lists every offending field; nothing is stored.
//
// # Stores
//
// A [Store] keeps organizations, their search keys and events; each change
// goes through [Store.Update] with a callback, so the store chooses how to
// make load-change-save atomic. orgkit ships adapters/memory,
// adapters/postgres and adapters/redis; adapters/storetest is the
// conformance suite they all pass. [Importer] and [Walker] are optional.
package org
