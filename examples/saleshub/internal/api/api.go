// Package api is the JSON API of the saleshub host: the Sales Hub
// "Organization Overview" page for programs, over an [org.Service].
//
// Callers authenticate with "Authorization: Bearer <token>"; the token names
// the actor (see package actors). Fields are snake_case. Single resources
// are returned bare. Each organization carries a strong ETag, its version
// in quotes ("7"): every change honours If-Match (a stale one is 412), and
// PATCH requires it (428 without).
//
// Errors are RFC 9457 problem details (application/problem+json). Their type
// is one of these URNs:
//
//	urn:orgkit:problem:invalid          422 invalid input; "errors" lists field, rule, message
//	urn:orgkit:problem:duplicate        409 a reference, contract or number held by another organization; "field" names it
//	urn:orgkit:problem:transition       409 a state change the state does not allow (such as a switch to the type it has)
//	urn:orgkit:problem:suspended        409 a change to a suspended organization
//	urn:orgkit:problem:conflict         409 an idempotency key reused for another request
//	urn:orgkit:problem:stale            412 If-Match names an older version
//	urn:orgkit:problem:precondition     428 PATCH without If-Match
//	urn:orgkit:problem:forbidden        403 the actor may not do this
//	urn:orgkit:problem:not-found        404 no such organization, member, grant or number, or another provider's
//	urn:orgkit:problem:unauthorized     401 no or unknown token
//	urn:orgkit:problem:bad-request      400 malformed JSON, unknown fields, bad query parameters
//	urn:orgkit:problem:too-large        413 the body is over the limit
//	urn:orgkit:problem:unsupported-media-type 415 a body that is not application/json
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/examples/saleshub/internal/actors"
	"github.com/orgkit/orgkit/org"
)

// DefaultMaxBody is the largest request body the API reads by default.
const DefaultMaxBody = 1 << 20

// Options configure the API.
type Options struct {
	// Logger receives store failures; nil discards them.
	Logger *slog.Logger
	// MaxBody is the largest request body in bytes; 0 means DefaultMaxBody.
	MaxBody int64
}

// API serves the JSON API. Make one with New.
type API struct {
	svc     *org.Service
	dir     *actors.Directory
	log     *slog.Logger
	maxBody int64
	mux     *http.ServeMux
}

// New returns the API over svc, authenticating callers with dir.
func New(svc *org.Service, dir *actors.Directory, opts Options) *API {
	a := &API{svc: svc, dir: dir, log: opts.Logger, maxBody: opts.MaxBody, mux: http.NewServeMux()}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.maxBody <= 0 {
		a.maxBody = DefaultMaxBody
	}
	a.routes()
	return a
}

func (a *API) routes() {
	const o = "/v1/organizations/{id}"
	for pattern, fn := range map[string]handlerFunc{
		"POST /v1/organizations":                       a.create,
		"GET /v1/organizations":                        a.search,
		"GET " + o:                                     a.get,
		"PATCH " + o:                                   a.update,
		"DELETE " + o:                                  a.delete,
		"PUT " + o + "/billing":                        a.billing,
		"PUT " + o + "/buyer-tags":                     a.buyerTags,
		"POST " + o + "/members":                       a.addMember,
		"PATCH " + o + "/members/{member}":             a.updateMember,
		"DELETE " + o + "/members/{member}":            a.removeMember,
		"POST " + o + "/numbers":                       a.assignNumber,
		"DELETE " + o + "/numbers/{number}":            a.releaseNumber,
		"PUT " + o + "/managed-by":                     a.switchManagedBy,
		"POST " + o + "/suspend":                       a.suspend,
		"POST " + o + "/reactivate":                    a.reactivate,
		"POST " + o + "/remote-access":                 a.requestAccess,
		"GET " + o + "/remote-access":                  a.listAccess,
		"POST " + o + "/remote-access/{grant}/approve": a.approveAccess,
		"POST " + o + "/remote-access/{grant}/revoke":  a.revokeAccess,
		"GET " + o + "/events":                         a.orgEvents,
		"GET /v1/events":                               a.providerEvents,
	} {
		a.mux.Handle(pattern, a.handle(fn))
	}
}

// ServeHTTP implements http.Handler. Paths and methods the API does not
// know are answered with problem details too.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if _, pattern := a.mux.Handler(r); pattern == "" {
		a.mux.ServeHTTP(&fallbackWriter{ResponseWriter: w}, r)
		return
	}
	a.mux.ServeHTTP(w, r)
}

// handlerFunc is one route: it gets the authenticated actor and returns an
// error to be answered as problem details.
type handlerFunc func(w http.ResponseWriter, r *http.Request, actor org.Actor) error

func (a *API) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, err := a.Authenticate(r)
		if err == nil {
			err = fn(w, r, actor)
		}
		if err != nil {
			a.fail(w, r, err)
		}
	})
}

var (
	errNoToken      = errors.New("an Authorization: Bearer token is required")
	errUnknownToken = errors.New("the token is not known")
)

// Authenticate returns the actor named by the request's bearer token, so
// that other handlers the host mounts (such as TMF632) share the API's
// actors.
func (a *API) Authenticate(r *http.Request) (org.Actor, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") {
		return org.Actor{}, errNoToken
	}
	e, ok := a.dir.Lookup(strings.TrimSpace(token))
	if !ok {
		return org.Actor{}, errUnknownToken
	}
	return e.Actor(), nil
}

// pathID parses a UUID path value. One that does not parse names nothing
// that exists, so it is not found.
func pathID(r *http.Request, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil, org.ErrNotFound
	}
	return id, nil
}

// etag is the strong entity tag of an organization version.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

var (
	errPreconditionRequired = errors.New("this change requires an If-Match header with the organization's ETag")
	errPreconditionFailed   = errors.New("If-Match does not name the organization's current version")
)

// changeOptions turns If-Match into org.IfVersion. If-Match: * matches any
// current version. A weak or unparsable tag cannot match a strong ETag, so
// it fails the precondition; several tags are not supported.
func changeOptions(r *http.Request, required bool) ([]org.ChangeOption, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	switch {
	case v == "" && required:
		return nil, errPreconditionRequired
	case v == "" || v == "*":
		return nil, nil
	}
	unq, ok := strings.CutPrefix(v, `"`)
	if ok {
		unq, ok = strings.CutSuffix(unq, `"`)
	}
	n, err := strconv.ParseInt(unq, 10, 64)
	if !ok || err != nil || n < 1 {
		return nil, errPreconditionFailed
	}
	return []org.ChangeOption{org.IfVersion(n)}, nil
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing to tell it
}

// writeOrganization writes an organization with its ETag.
func writeOrganization(w http.ResponseWriter, status int, o *org.Organization) {
	w.Header().Set("ETag", etag(o.Version()))
	writeJSON(w, status, organizationOf(o))
}
