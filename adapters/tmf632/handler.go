package tmf632

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// DefaultBasePath is where the Organization resource is served unless
// WithBasePath says otherwise.
const DefaultBasePath = "/tmf-api/party/v4/organization"

// MaxBodyBytes bounds a POST or PATCH body.
const MaxBodyBytes = 1 << 20

// ActorFunc tells the handler who makes a request, typically from its bearer
// token. An error refuses the request: with 403 when it matches
// org.ErrPermission (a known caller who may not use this API), with 401
// otherwise.
type ActorFunc func(*http.Request) (org.Actor, error)

// Handler serves the TMF632 Organization resource over an org.Service. It
// is safe for concurrent use. Make one with NewHandler.
type Handler struct {
	svc   *org.Service
	actor ActorFunc
	base  string
	log   *slog.Logger
}

// Option configures a Handler.
type Option func(*Handler)

// WithBasePath sets the path of the collection (default DefaultBasePath);
// "/" serves it at the root. The handler matches it against the request's
// full URL path, so mount it without http.StripPrefix.
func WithBasePath(p string) Option {
	return func(h *Handler) { h.base = strings.TrimSuffix("/"+strings.Trim(p, "/"), "/") }
}

// WithLogger sets where failures that are not the caller's doing (500s) are
// logged. The default discards them.
func WithLogger(l *slog.Logger) Option { return func(h *Handler) { h.log = l } }

// NewHandler returns a Handler serving svc, where actor tells who makes each
// request. Permissions and tenancy are the Service's: the same as those of
// any other API over it.
func NewHandler(svc *org.Service, actor ActorFunc, opts ...Option) *Handler {
	h := &Handler{svc: svc, actor: actor, base: DefaultBasePath, log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(h)
	}
	return h
}

// ServeHTTP serves the collection at the base path and each organization at
// the base path followed by its id.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, h.base)
	var id string
	switch {
	case ok && (rest == "" || rest == "/"):
	case ok && strings.HasPrefix(rest, "/") && !strings.Contains(rest[1:], "/"):
		id = rest[1:]
	default:
		writeError(w, http.StatusNotFound, "not_found", "No such resource.", r.URL.Path)
		return
	}
	var serve func(context.Context, http.ResponseWriter, *http.Request, org.Actor)
	switch {
	case id == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		serve = h.list
	case id == "" && r.Method == http.MethodPost:
		serve = h.create
	case id != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		serve = func(ctx context.Context, w http.ResponseWriter, r *http.Request, a org.Actor) {
			h.retrieve(ctx, w, r, a, id)
		}
	case id != "" && r.Method == http.MethodPatch:
		serve = func(ctx context.Context, w http.ResponseWriter, r *http.Request, a org.Actor) {
			h.patch(ctx, w, r, a, id)
		}
	case id != "" && r.Method == http.MethodDelete:
		serve = func(ctx context.Context, w http.ResponseWriter, r *http.Request, a org.Actor) {
			h.delete(ctx, w, r, a, id)
		}
	default:
		allow := "GET, HEAD, POST"
		if id != "" {
			allow = "GET, HEAD, PATCH, DELETE"
		}
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "Method not allowed.",
			fmt.Sprintf("%s is not allowed here; use %s", r.Method, allow))
		return
	}
	a, err := h.actor(r)
	if err != nil {
		if errors.Is(err, org.ErrPermission) {
			writeError(w, http.StatusForbidden, "permission", "Permission denied.", "")
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="tmf632"`)
		writeError(w, http.StatusUnauthorized, "unauthorized", "Authentication required.", "")
		return
	}
	serve(r.Context(), w, r, a)
}

func (h *Handler) retrieve(ctx context.Context, w http.ResponseWriter, r *http.Request, a org.Actor, id string) {
	oid, ok := parseID(w, r, id)
	if !ok {
		return
	}
	var sel fieldSet
	if r.URL.Query().Has("fields") {
		sel = parseFields(r.URL.Query().Get("fields"))
	}
	o, err := h.svc.Get(ctx, a, oid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newResource(o, h.href(r, o.ID()), sel))
}

func (h *Handler) create(ctx context.Context, w http.ResponseWriter, r *http.Request, a org.Actor) {
	in, ok := decodeWrite(w, r, true)
	if !ok {
		return
	}
	ci := org.CreateInput{ManagedBy: ownership.ServiceProvider, IdempotencyKey: r.Header.Get("Idempotency-Key")}
	if in.name != nil {
		ci.Name = *in.name
	}
	if in.customerReference != nil {
		ci.CustomerReference = *in.customerReference
	}
	if in.externalContract != nil {
		ci.ExternalContract = *in.externalContract
	}
	o, err := h.svc.Create(ctx, a, ci)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	href := h.href(r, o.ID())
	w.Header().Set("Location", href)
	writeJSON(w, http.StatusCreated, newResource(o, href, nil))
}

func (h *Handler) patch(ctx context.Context, w http.ResponseWriter, r *http.Request, a org.Actor, id string) {
	oid, ok := parseID(w, r, id)
	if !ok {
		return
	}
	if mt := mediaType(r.Header.Get("Content-Type")); strings.HasPrefix(mt, "application/json-patch") {
		writeError(w, http.StatusBadRequest, "unsupported_patch", "Unsupported patch format.",
			"send a JSON merge patch (application/merge-patch+json); JSON Patch is not supported")
		return
	}
	in, ok := decodeWrite(w, r, false)
	if !ok {
		return
	}
	o, err := h.svc.Update(ctx, a, oid, org.Update{Name: in.name,
		CustomerReference: in.customerReference, ExternalContract: in.externalContract})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newResource(o, h.href(r, o.ID()), nil))
}

func (h *Handler) delete(ctx context.Context, w http.ResponseWriter, r *http.Request, a org.Actor, id string) {
	oid, ok := parseID(w, r, id)
	if !ok {
		return
	}
	if err := h.svc.Delete(ctx, a, oid); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// parseID reads an organization id. Text that is no UUID names no
// organization, so it is reported as not found.
func parseID(w http.ResponseWriter, r *http.Request, id string) (uuid.UUID, bool) {
	oid, err := uuid.Parse(id)
	if err != nil || oid == uuid.Nil {
		writeError(w, http.StatusNotFound, "not_found", "Organization not found.", r.URL.Path)
		return uuid.Nil, false
	}
	return oid, true
}

// href is the absolute URL of an organization, from the request's host.
// X-Forwarded-Proto is honoured so that a host behind a TLS-terminating
// proxy links with https; it only changes what the caller itself is told.
func (h *Handler) href(r *http.Request, id uuid.UUID) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host + h.base + "/" + id.String()
}

// fail answers with the TMF error for an error of the Service.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ve *org.ValidationError
	var de *org.DuplicateError
	switch {
	case errors.As(err, &ve):
		writeError(w, http.StatusBadRequest, "invalid", org.ErrInvalid.Error(), fieldMessage(ve.Fields))
	case errors.As(err, &de):
		writeError(w, http.StatusConflict, "duplicate", "Already used by another organization.",
			tmfField(de.Field)+" is already used by another organization")
	case errors.Is(err, search.ErrInvalidQuery):
		writeError(w, http.StatusBadRequest, "invalid_query", "Invalid query.", err.Error())
	case errors.Is(err, org.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "Organization not found.", r.URL.Path)
	case errors.Is(err, org.ErrPermission):
		writeError(w, http.StatusForbidden, "permission", "Permission denied.", err.Error())
	case errors.Is(err, org.ErrUnknownProvider):
		writeError(w, http.StatusForbidden, "permission", "Permission denied.", "the caller's provider is not configured")
	case errors.Is(err, org.ErrSuspended):
		writeError(w, http.StatusConflict, "suspended", "Organization is suspended.",
			"a suspended organization can only be reactivated or deleted")
	case errors.Is(err, org.ErrTransition):
		writeError(w, http.StatusConflict, "transition", "Change not allowed in the current state.", err.Error())
	case errors.Is(err, org.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", "Conflict.", err.Error())
	case errors.Is(err, context.Canceled):
		// The client went away; there is no one to answer.
		writeError(w, http.StatusServiceUnavailable, "canceled", "Request canceled.", "")
	default:
		h.log.LogAttrs(r.Context(), slog.LevelError, "tmf632: request failed",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		writeError(w, http.StatusInternalServerError, "internal", "Internal error.", "")
	}
}

// fieldMessage lists invalid fields by their TMF attribute names.
func fieldMessage(fs []org.FieldError) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = fmt.Sprintf("%s: %s (%s)", tmfField(f.Field), f.Message, f.Rule)
	}
	return strings.Join(parts, "; ")
}

// tmfField names an orgkit field as the TMF attribute it comes from.
func tmfField(f string) string {
	switch f {
	case "name":
		return "tradingName"
	case org.FieldCustomerReference:
		return "externalReference(" + RefCustomerReference + ")"
	case org.FieldExternalContract:
		return "externalReference(" + RefExternalContract + ")"
	case "idempotency_key":
		return "Idempotency-Key"
	case "update":
		return "body"
	}
	return f
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only plain data is encoded here; a failure is a bug, not a client error.
		http.Error(w, "tmf632: encoding the response failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func writeError(w http.ResponseWriter, status int, code, reason, message string) {
	writeJSON(w, status, Error{Code: code, Reason: reason, Message: message, Status: strconv.Itoa(status)})
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}
