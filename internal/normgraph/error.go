package normgraph

import (
	"errors"
	"fmt"
)

// Error codes: a short closed list. The API maps each to a GraphQL extensions.code.
const (
	EINVALID     = "invalid"     // bad argument or input; the message says which and why
	ETOOCOMPLEX  = "too_complex" // the request exceeds a configured limit
	ETIMEOUT     = "timeout"     // the request's deadline passed
	EUNAVAILABLE = "unavailable" // the database cannot be reached
	EINTERNAL    = "internal"    // anything else; details go to the log only
)

// Error is a domain error with a code from the closed list above and a message
// that is safe to show to a client.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err: the message of its
// *Error, or "internal error" for anything else.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "internal error"
}
