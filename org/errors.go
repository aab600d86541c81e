package org

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error that orgkit returns for one of these causes
// matches it: test with errors.Is, never by comparing messages.
var (
	// ErrNotFound reports an organization, member or grant that does not
	// exist, or that the actor may not read at all: another provider's
	// organizations, and for a customer member every organization but their
	// own, are reported as not found so that their existence never leaks.
	ErrNotFound = errors.New("orgkit: not found")

	// ErrInvalid reports input that breaks a rule. The error is a
	// *ValidationError listing every offending field, and its message is
	// exactly "Organization is invalid.".
	ErrInvalid = errors.New("Organization is invalid.")

	// ErrConflict reports a change based on a version that is no longer the
	// latest, or an idempotency key reused for a different request.
	ErrConflict = errors.New("orgkit: conflict")

	// ErrDuplicate reports a customer reference, external contract or
	// purchased number already held by another organization of the same
	// provider. The error is a *DuplicateError naming the field.
	ErrDuplicate = errors.New("orgkit: duplicate")

	// ErrPermission reports an action the actor is not allowed to take on an
	// organization it may read.
	ErrPermission = errors.New("orgkit: permission denied")

	// ErrSuspended reports a change to a suspended organization other than
	// reactivating or deleting it.
	ErrSuspended = errors.New("orgkit: organization is suspended")

	// ErrTransition reports a state change that the current state does not
	// allow, such as switching to the managed-by type the organization already
	// has, or suspending a suspended organization.
	ErrTransition = errors.New("orgkit: transition refused")

	// ErrUnknownProvider reports a provider the host has not configured.
	ErrUnknownProvider = errors.New("orgkit: unknown provider")

	// ErrOutcomeUnknown reports a change whose outcome the store cannot
	// tell: the connection broke after the change may have been stored.
	// Retrying the same call resolves it without a second change: a create
	// with the same idempotency key returns the first result, and a change
	// made with IfVersion is refused with ErrConflict if it was stored.
	ErrOutcomeUnknown = errors.New("orgkit: outcome unknown")
)

// FieldError is one offending field of invalid input.
type FieldError struct {
	// Field is a dotted path of the snake_case JSON names, with list items
	// indexed, such as "billing.address.postal_code" or "members[2].email".
	Field string `json:"field"`
	// Rule names the rule that was broken, such as "required" or "e164".
	Rule string `json:"rule"`
	// Message says what is wrong, for people.
	Message string `json:"message"`
}

// ValidationError is invalid input, refused whole: nothing was stored. Its
// message is exactly "Organization is invalid."; Fields lists every offence.
// errors.Is(err, ErrInvalid) reports true for it.
type ValidationError struct {
	Fields []FieldError
}

// Error returns "Organization is invalid.", the message users are shown.
func (e *ValidationError) Error() string { return ErrInvalid.Error() }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Detail returns the message followed by each field, for logs and tests.
func (e *ValidationError) Detail() string {
	var b strings.Builder
	b.WriteString(e.Error())
	for _, f := range e.Fields {
		fmt.Fprintf(&b, " %s: %s (%s);", f.Field, f.Message, f.Rule)
	}
	return strings.TrimSuffix(b.String(), ";")
}

// Has reports whether field is among the offending fields.
func (e *ValidationError) Has(field string) bool {
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// violations collects field errors while input is checked, so that every
// offence is reported at once.
type violations []FieldError

func (v *violations) add(field, rule, format string, args ...any) {
	*v = append(*v, FieldError{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func (v violations) err() error {
	if len(v) == 0 {
		return nil
	}
	return &ValidationError{Fields: v}
}

// DuplicateError reports a value already held by another organization of the
// same provider. errors.Is(err, ErrDuplicate) reports true for it.
type DuplicateError struct {
	// Field is "customer_reference", "external_contract" or "numbers".
	Field string
	// Value is the duplicated value as stored (a number in E.164).
	Value string
}

// Error names the field, not the value, which may be personal data.
func (e *DuplicateError) Error() string {
	return fmt.Sprintf("orgkit: %s is already used by another organization", e.Field)
}

// Is makes errors.Is(err, ErrDuplicate) true.
func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// Field names used in validation and duplicate errors.
const (
	FieldCustomerReference = "customer_reference"
	FieldExternalContract  = "external_contract"
	FieldNumbers           = "numbers"
)
