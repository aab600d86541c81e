package tmf632

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// writable is what a POST or PATCH body asks to set; nil leaves a value as
// it is (PATCH) or empty (POST).
type writable struct {
	name              *string
	customerReference *string
	externalContract  *string
}

// decodeWrite reads a POST body (create) or a JSON merge patch, refusing
// attributes that map to nothing writable. On failure it has answered.
func decodeWrite(w http.ResponseWriter, r *http.Request, create bool) (writable, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", "Request body too large.",
				fmt.Sprintf("the body may be at most %d bytes", MaxBodyBytes))
			return writable{}, false
		}
		writeError(w, http.StatusBadRequest, "malformed", "Malformed request body.", "the body could not be read")
		return writable{}, false
	}
	var attrs map[string]json.RawMessage
	if err := json.Unmarshal(body, &attrs); err != nil || attrs == nil {
		writeError(w, http.StatusBadRequest, "malformed", "Malformed request body.", "the body must be a JSON object")
		return writable{}, false
	}
	in, fields := parseWrite(attrs, create)
	if len(fields) > 0 {
		fields = append(fields, ruleViolations(in)...)
		writeError(w, http.StatusBadRequest, "invalid", org.ErrInvalid.Error(), fieldMessage(fields))
		return writable{}, false
	}
	return in, true
}

// parseWrite maps body attributes onto orgkit fields, listing every
// attribute it refuses. Merge-patch semantics: an array replaces the whole
// list, so an externalReference list that lacks a type clears it, and null
// removes.
func parseWrite(attrs map[string]json.RawMessage, create bool) (writable, []org.FieldError) {
	var in writable
	var bad []org.FieldError
	refuse := func(field, rule, format string, args ...any) {
		bad = append(bad, org.FieldError{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	str := func(field string) *string {
		raw, ok := attrs[field]
		if !ok {
			return nil
		}
		var s *string
		if err := json.Unmarshal(raw, &s); err != nil {
			refuse(field, "string", "%s must be a string", field)
			return nil
		}
		if s == nil {
			refuse(field, "required", "%s cannot be removed", field)
		}
		return s
	}
	trading, name := str("tradingName"), str("name")
	switch {
	case trading != nil && name != nil && strings.TrimSpace(*trading) != strings.TrimSpace(*name):
		refuse("name", "eqfield", "name and tradingName are the same orgkit name: send one, or both equal")
	case trading != nil:
		in.name = trading
	case name != nil:
		in.name = name
	case create && len(bad) == 0:
		refuse("tradingName", "required", "tradingName is required")
	}
	if raw, ok := attrs["externalReference"]; ok {
		in.customerReference, in.externalContract = parseRefs(raw, create, refuse)
	}
	if raw, ok := attrs["@type"]; ok {
		var t string
		if json.Unmarshal(raw, &t) != nil || t != ResourceType {
			refuse("@type", "eq", "@type must be %q", ResourceType)
		}
	}
	var rest []string
	for k := range attrs {
		switch {
		case k == "tradingName", k == "name", k == "externalReference", k == "@type":
		case k == "@baseType", k == "@schemaLocation":
			// TMF meta attributes that change nothing here.
		default:
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		switch k {
		case "id", "href":
			refuse(k, "readonly", "%s is assigned by the server", k)
		default:
			refuse(k, "readonly", "%s maps to nothing writable through TMF632", k)
		}
	}
	return in, bad
}

// parseRefs reads an externalReference list. A list replaces what is
// stored, so in a patch each type it lacks is cleared.
func parseRefs(raw json.RawMessage, create bool, refuse func(field, rule, format string, args ...any)) (ref, contract *string) {
	var refs []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &refs); err != nil {
		refuse("externalReference", "array", "externalReference must be an array of objects")
		return nil, nil
	}
	for i, er := range refs {
		field := fmt.Sprintf("externalReference[%d]", i)
		var typ, name string
		if json.Unmarshal(er["externalReferenceType"], &typ) != nil {
			refuse(field+".externalReferenceType", "string", "externalReferenceType must be a string")
			continue
		}
		if json.Unmarshal(er["name"], &name) != nil || bytes.Equal(er["name"], []byte("null")) {
			refuse(field+".name", "string", "name must be a string")
			continue
		}
		var dst **string
		switch typ {
		case RefCustomerReference:
			dst = &ref
		case RefExternalContract:
			dst = &contract
		default:
			refuse(field+".externalReferenceType", "oneof", "externalReferenceType must be %s or %s",
				RefCustomerReference, RefExternalContract)
			continue
		}
		if *dst != nil {
			refuse(field+".externalReferenceType", "unique", "%s is given twice", typ)
			continue
		}
		*dst = &name
	}
	if !create {
		empty := ""
		if ref == nil {
			ref = &empty
		}
		if contract == nil {
			contract = &empty
		}
	}
	return ref, contract
}

// ruleViolations checks the values that were readable against orgkit's
// input rules, so that a body refused for its attributes lists every
// offence at once, as orgkit does. org.New checks and stores nothing;
// values the body does not set are stood in for by valid ones.
func ruleViolations(in writable) []org.FieldError {
	ci := org.CreateInput{Name: "valid", ManagedBy: ownership.ServiceProvider}
	if in.name != nil {
		ci.Name = *in.name
	}
	if in.customerReference != nil {
		ci.CustomerReference = *in.customerReference
	}
	if in.externalContract != nil {
		ci.ExternalContract = *in.externalContract
	}
	var ve *org.ValidationError
	if _, err := org.New(uuid.Nil, ci, nil, time.Time{}); errors.As(err, &ve) {
		return ve.Fields
	}
	return nil
}
