// Package ownership is the "managed by" state machine of an organization:
// who owns it and what that means for the roles of its members.
//
// An organization is managed either by the [Customer], when one of its
// members is the owner, or by the [ServiceProvider], when the provider's
// Admin Organization owns it and no member has the Owner role. A [State]
// holds the type, the owner and the members; [State.Check] tells whether its
// invariants hold.
//
// [Switch] is the only transition ("Edit Account Ownership Type"). It is pure:
// it takes a State and a [Request] and returns a new State or a refusal,
// without touching its input, so a caller can apply it inside whatever
// transaction stores the result.
//
//   - ServiceProvider to Customer: the request names the new owner, either an
//     existing member, who is promoted to Owner, or a person just added by
//     hand, who joins with the Owner role.
//   - Customer to ServiceProvider: the former owner stays a member, demoted
//     to Admin or Member as the request says.
//
// Refusals are errors to test with errors.Is: [ErrSameType] when the
// organization is already managed that way, and [ErrInvalid], carried by an
// [*InvalidError] naming the wrong field of the request, when the request is
// incomplete or contradicts the state.
//
// Who may switch (staff with the right role, access and grants) is decided
// by the caller; this package knows no actors.
package ownership
