// Package tmf632 serves orgkit organizations through the TM Forum Open API
// TMF632 Party Management v4, Organization resource, so that any TMF632
// client can create, read, list, change and delete them.
//
// It is an adapter on the HTTP side: a [Handler] over an [org.Service],
// which any host can mount. Permissions and tenancy are the Service's, the
// same as those of the host's own API; the host only says who makes each
// request, with an [ActorFunc] (typically from the bearer token):
//
//	h := tmf632.NewHandler(svc, actorFromBearerToken)
//	mux.Handle(tmf632.DefaultBasePath, h)
//	mux.Handle(tmf632.DefaultBasePath+"/", h)
//
// # Operations
//
// Under [DefaultBasePath] (/tmf-api/party/v4/organization, or the path
// given to [WithBasePath]):
//
//   - POST creates a Service-Provider-managed organization (201, with a
//     Location header); a body with only tradingName is enough. An
//     Idempotency-Key header makes a retry return the first result.
//     Customer-managed organizations need an owner's email, which TMF's
//     RelatedParty cannot carry: create them through the host's own API;
//     this one shows them like any other.
//   - GET lists organizations of the caller's provider, in search order
//     (by name), with attribute filters, fields=, offset and limit, and the
//     X-Total-Count and X-Result-Count headers (see Listing).
//   - GET /{id} returns one organization; fields= selects attributes.
//   - PATCH /{id} applies a JSON merge patch of the writable attributes
//     (tradingName or name, externalReference) as one orgkit update, one
//     version. Every other attribute, such as relatedParty or status, is
//     refused with 400 naming it. JSON Patch is refused.
//   - DELETE /{id} deletes the organization permanently (204).
//
// Every resource carries id, href (absolute, from the request's host and
// X-Forwarded-Proto) and @type "Organization". fields= is a comma-separated
// list of first-level attributes; id, href and @type are always returned.
//
// # Mapping
//
//	TMF632 attribute      orgkit                                      writable
//	--------------------  ------------------------------------------  --------
//	id                    organization id (UUID v7)                   no
//	href                  base URL + "/" + id                         no
//	@type                 "Organization"                              no (1)
//	tradingName           name                                        yes
//	name                  name (accepted alone too)                   yes
//	status                "validated" while it exists                 no
//	                      (Active or Suspended)
//	existsDuring          startDateTime: creation time                no
//	externalReference[]   externalReferenceType "customerReference":  yes (2)
//	                      the customer reference; "externalContract":
//	                      the external contract; name is the value
//	partyCharacteristic[] "status": "active" | "suspended"            no
//	                      "managedBy": "customer" | "service_provider"
//	                      "country": ISO 3166-1 alpha-2
//	                      "timeZone": IANA time zone
//	                      "buyerTags": array of buyer tags
//	                      "numbers": array of E.164 numbers
//	relatedParty[]        role "owner": the owning member             no
//	                      (@referredType "Individual", id = member id,
//	                      name) when Customer-managed; the provider's
//	                      Admin Organization (@referredType
//	                      "Organization") when Service-Provider-managed
//	contactMedium[]       billing information, contactType "billing": no
//	                      mediumType "email" (preferred), "phone" (when
//	                      set), "postalAddress" (street1, street2,
//	                      city, stateOrProvince, postCode, country)
//
// (1) @type may be sent, as "Organization". (2) The list is replaced whole,
// as merge patches replace arrays: a type it lacks is cleared, and null
// clears both. POST takes the same writable attributes.
//
// Empty values are left out (an organization without billing has no
// contactMedium). country, timeZone, buyer tags, numbers, billing,
// members, managed-by and status are changed through the host's own API;
// billing's contact name, currency and tax id and the suspend reason have
// no TMF attribute here. @baseType and @schemaLocation are accepted and
// ignored; id and href cannot be sent.
//
// # Listing
//
// Filters: id, tradingName and name (equal, compared by orgkit's fold key,
// so without regard to case or width), and status (validated matches
// every organization; initialized and closed none). Other parameters are
// refused with 400 rather than ignored, so a filter never silently widens
// a result. A parameter may be given once.
//
// offset (0 to [MaxOffset]) and limit ([DefaultLimit] when absent, served
// as at most [MaxLimit]) are served by walking orgkit search pages with
// their cursors, so a deep offset costs one search call per [MaxLimit]
// organizations skipped; offsets past [MaxOffset] are refused with 400.
// X-Total-Count is orgkit's search count, exact up to 10,000 and 10000
// beyond (orgkit's "10,000 or more"); with a name or id filter it counts
// the organizations that pass it. X-Result-Count is the number returned.
//
// # Errors
//
// Refusals carry the TMF Error shape: code (a stable token), reason,
// message and status. Invalid input is 400 with reason exactly
// "Organization is invalid." and every offending attribute, by its TMF
// name, in message; a customer reference or external contract already used
// is 409 ("duplicate"), as are a stale or conflicting change, a refused
// transition and a change to a suspended organization; an unknown id, and
// any organization the caller may not read, is 404; an action the caller
// may not take is 403; a request whose ActorFunc fails is 401 (403 when
// the error matches [org.ErrPermission]).
package tmf632
