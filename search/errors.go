package search

import "errors"

// ErrInvalidQuery reports a query that cannot be run: bad text, a limit out
// of range, an unusable filter value or a refused cursor. The error returned
// says what is wrong; test for the kind with errors.Is.
var ErrInvalidQuery = errors.New("search: invalid query")

// ErrInvalidCursor reports a cursor that is malformed, or that was made for
// another provider or another query. It is a kind of [ErrInvalidQuery], so
// errors.Is(err, ErrInvalidQuery) holds for it too; hosts that only tell
// "bad request" apart need to test for one sentinel.
var ErrInvalidCursor error = &sentinel{msg: "search: invalid cursor", parent: ErrInvalidQuery}

// sentinel is an error that is also its parent for errors.Is.
type sentinel struct {
	msg    string
	parent error
}

func (e *sentinel) Error() string { return e.msg }
func (e *sentinel) Unwrap() error { return e.parent }
