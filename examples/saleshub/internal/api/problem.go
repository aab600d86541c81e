package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/search"
)

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Errors lists every offending field of invalid input.
	Errors []org.FieldError `json:"errors,omitempty"`
	// Field names the duplicated field of a duplicate.
	Field string `json:"field,omitempty"`
}

func problemOf(kind string, status int, title, detail string) Problem {
	return Problem{Type: "urn:orgkit:problem:" + kind, Title: title, Status: status, Detail: detail}
}

var errMediaType = errors.New("the body must be application/json")

// badRequest is a request the API cannot read: malformed JSON, unknown
// fields, bad query parameters.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badRequestf(format string, args ...any) error {
	return &badRequest{msg: fmt.Sprintf(format, args...)}
}

// problemFor maps an error to the problem it is answered with.
func problemFor(r *http.Request, err error) Problem {
	var (
		ve  *org.ValidationError
		de  *org.DuplicateError
		br  *badRequest
		mbe *http.MaxBytesError
	)
	switch {
	case errors.Is(err, errNoToken), errors.Is(err, errUnknownToken):
		return problemOf("unauthorized", http.StatusUnauthorized, "Unauthorized", err.Error())
	case errors.As(err, &mbe):
		return problemOf("too-large", http.StatusRequestEntityTooLarge, "Request body too large",
			fmt.Sprintf("the body may be at most %d bytes", mbe.Limit))
	case errors.Is(err, errMediaType):
		return problemOf("unsupported-media-type", http.StatusUnsupportedMediaType, "Unsupported media type", err.Error())
	case errors.As(err, &br):
		return problemOf("bad-request", http.StatusBadRequest, "Bad request", br.msg)
	case errors.Is(err, errPreconditionRequired):
		return problemOf("precondition", http.StatusPreconditionRequired, "Precondition required", err.Error())
	case errors.Is(err, errPreconditionFailed):
		return problemOf("stale", http.StatusPreconditionFailed, "Precondition failed", err.Error())
	case errors.As(err, &ve):
		p := problemOf("invalid", http.StatusUnprocessableEntity, ve.Error(), "")
		p.Errors = ve.Fields
		return p
	case errors.Is(err, org.ErrInvalid):
		return problemOf("invalid", http.StatusUnprocessableEntity, org.ErrInvalid.Error(), err.Error())
	case errors.As(err, &de):
		p := problemOf("duplicate", http.StatusConflict, "Already in use",
			fmt.Sprintf("%s is already used by another organization", de.Field))
		p.Field = de.Field
		return p
	case errors.Is(err, org.ErrNotFound):
		return problemOf("not-found", http.StatusNotFound, "Not found", "")
	case errors.Is(err, org.ErrPermission):
		return problemOf("forbidden", http.StatusForbidden, "Forbidden", err.Error())
	case errors.Is(err, org.ErrSuspended):
		return problemOf("suspended", http.StatusConflict, "Organization is suspended",
			"a suspended organization can only be reactivated or deleted")
	case errors.Is(err, org.ErrTransition):
		return problemOf("transition", http.StatusConflict, "Transition refused", err.Error())
	case errors.Is(err, org.ErrConflict) && r.Header.Get("If-Match") != "":
		return problemOf("stale", http.StatusPreconditionFailed, "Precondition failed",
			"the organization changed since the version in If-Match; read it again")
	case errors.Is(err, org.ErrConflict):
		return problemOf("conflict", http.StatusConflict, "Conflict", err.Error())
	case errors.Is(err, search.ErrInvalidQuery):
		return problemOf("bad-request", http.StatusBadRequest, "Bad request", err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return problemOf("unavailable", http.StatusServiceUnavailable, "Service unavailable", "the request took too long")
	}
	return problemOf("internal", http.StatusInternalServerError, "Internal server error", "")
}

func writeProblem(w http.ResponseWriter, p Problem) {
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="saleshub"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p) // the client went away; nothing to tell it
}

// fail answers err. Unexpected errors are logged by route, without the
// request's data, which may be personal.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := problemFor(r, err)
	if p.Status == http.StatusInternalServerError && !errors.Is(err, context.Canceled) {
		a.log.LogAttrs(r.Context(), slog.LevelError, "api failure",
			slog.String("route", r.Pattern), slog.String("error", err.Error()))
	}
	writeProblem(w, p)
}

// decode reads a JSON body into dst: one object, no unknown fields, within
// the body limit.
func (a *API) decode(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "application/merge-patch+json") {
			return errMediaType
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, a.maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badRequestf("the body must hold one JSON value")
	}
	return nil
}

// decodeOptional is decode for routes whose body may be left out.
func (a *API) decodeOptional(w http.ResponseWriter, r *http.Request, dst any) error {
	if r.ContentLength == 0 {
		return nil
	}
	err := a.decode(w, r, dst)
	var br *badRequest
	if errors.As(err, &br) && br.msg == "the body is empty" {
		return nil
	}
	return err
}

func decodeError(err error) error {
	var (
		mbe *http.MaxBytesError
		se  *json.SyntaxError
		te  *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, io.EOF):
		return badRequestf("the body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequestf("the body is not complete JSON")
	case errors.As(err, &se):
		return badRequestf("malformed JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		if te.Field != "" {
			return badRequestf("%s must be a JSON %s", te.Field, jsonKind(te.Type.Kind().String()))
		}
		return badRequestf("the body must be a JSON object")
	}
	// Unknown fields and text that an enum refuses end up here; the
	// message names the field, not the value.
	return badRequestf("%s", err.Error())
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	}
	return "number"
}

// fallbackWriter turns the mux's plain-text 404 and 405 into problem
// details, keeping its Allow header.
type fallbackWriter struct {
	http.ResponseWriter
	done bool
}

func (f *fallbackWriter) WriteHeader(status int) {
	if f.done {
		return
	}
	f.done = true
	f.ResponseWriter.Header().Del("X-Content-Type-Options")
	if status == http.StatusMethodNotAllowed {
		writeProblem(f.ResponseWriter, problemOf("method-not-allowed", status, "Method not allowed", ""))
		return
	}
	writeProblem(f.ResponseWriter, problemOf("not-found", http.StatusNotFound, "Not found", "no such route"))
}

func (f *fallbackWriter) Write(b []byte) (int, error) {
	if !f.done {
		f.WriteHeader(http.StatusOK)
	}
	return len(b), nil
}
