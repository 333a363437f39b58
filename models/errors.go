// Package models holds Switchboard's domain types, their rules and their persistence.
//
// Services take the acting principal (Actor) and check its role in the target account
// themselves; every query is scoped by account. Errors returned to callers are *Error values
// with a machine code and a user-safe message; anything else reads as "internal error".
package models

import (
	"errors"
	"fmt"
	"time"
)

// Application error codes.
const (
	EINVALID      = "invalid"
	ECONFLICT     = "conflict"
	ENOTFOUND     = "not_found"
	EFORBIDDEN    = "forbidden"
	EUNAUTHORIZED = "unauthorized"
	ERATELIMITED  = "rate_limited"
	EINTERNAL     = "internal"
)

// Error is an application error: a code, the input field it is about (optional) and a message
// that is safe to show to the user.
type Error struct {
	Code    string
	Field   string
	Message string
	// RetryAfter, on ERATELIMITED, is how long the caller should wait before trying again.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an application error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID (or other code) error about one input field.
func FieldError(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of an application error, or EINTERNAL for any other error.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the application message, or
// "internal error" for anything else.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// IsAppError reports whether err is (or wraps) an application error.
func IsAppError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

func notFound(what string) *Error {
	return &Error{Code: ENOTFOUND, Message: what + " not found"}
}

func forbidden() *Error {
	return &Error{Code: EFORBIDDEN, Message: "your role does not allow this"}
}
