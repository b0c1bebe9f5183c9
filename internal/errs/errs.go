// Package errs defines the error codes that reach clients (CONTRACT.md)
// for errors raised below the GraphQL layer.
package errs

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Code is the value of a GraphQL error's extensions.code.
type Code string

// The codes of CONTRACT.md.
const (
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	NotFound        Code = "NOT_FOUND"
	BadUserInput    Code = "BAD_USER_INPUT"
	Conflict        Code = "CONFLICT"
	RateLimited     Code = "RATE_LIMITED"
	TooComplex      Code = "TOO_COMPLEX"
	Internal        Code = "INTERNAL"
)

// Error is an error whose message is safe to show to clients.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// New returns an error with code c and a formatted message.
func New(c Code, format string, args ...any) error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain, if any.
func CodeOf(err error) (Code, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Code, true
	}
	return "", false
}

// Respond answers an HTTP request refused before GraphQL ran, in
// GraphQL's response shape, so that clients read the code where they
// always do.
func Respond(w http.ResponseWriter, status int, c Code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": string(c)}}},
	})
}
