// Package scalar holds the GraphQL scalars partyorg maps by hand.
package scalar

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partyorg/partyorg/internal/errs"
)

// MarshalID writes an ent global ID as a GraphQL ID (a string).
func MarshalID(id int) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(strconv.Itoa(id)))
	})
}

// UnmarshalID reads a GraphQL ID. IDs are opaque to clients, so anything
// that is not one of ours is BAD_USER_INPUT rather than a server error.
func UnmarshalID(v any) (int, error) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case int64:
		s = strconv.FormatInt(v, 10)
	case int:
		s = strconv.Itoa(v)
	default:
		return 0, badID(fmt.Sprint(v))
	}
	id, err := strconv.Atoi(s)
	if err != nil || id <= 0 {
		return 0, badID(s)
	}
	return id, nil
}

func badID(s string) error {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return &gqlerror.Error{
		Message:    fmt.Sprintf("malformed ID %q", s),
		Extensions: map[string]any{"code": string(errs.BadUserInput)},
	}
}
