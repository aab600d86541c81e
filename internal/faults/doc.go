// Package faults holds orgkit's fault-injection tests; it has no API.
//
// The tests put an in-process Toxiproxy between the PostgreSQL or Redis
// adapter and its server and break the connection at chosen points of a
// change: before the change reaches the server, while its transaction or
// script is on the way, and after it may have been stored but before the
// answer came back. They also restart private servers in the middle of a
// run and terminate the test's own PostgreSQL backend in the middle of an
// ownership switch.
//
// After every fault the call must have succeeded, or failed and changed
// nothing, or returned org.ErrOutcomeUnknown, which a retry with the same
// idempotency key or org.IfVersion resolves without a second change; and
// package check must find nothing wrong with the store.
//
// The servers come from the environment as in the adapters' own tests
// (ORGKIT_POSTGRES_URL, ORGKIT_REDIS_ADDR); the restart tests start their
// own PostgreSQL cluster (initdb and pg_ctl, as the postgres user when run
// as root) and their own redis-server on free loopback ports. Under CI=true
// a missing server or binary fails the tests; elsewhere they skip.
package faults
