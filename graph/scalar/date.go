package scalar

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
)

// MarshalDate writes a calendar day as "YYYY-MM-DD" (internal/day).
func MarshalDate(d time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(day.Format(d)))
	})
}

// UnmarshalDate reads "YYYY-MM-DD"; anything else is BAD_USER_INPUT.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, errs.New(errs.BadUserInput, "malformed date %s: want \"YYYY-MM-DD\"", fmt.Sprint(v))
	}
	return day.Parse(s)
}
