// Package logging gives the server its logger and each request an ID.
// Logs never hold a national ID number or a phone number, whatever an
// error message carries (a database's "Key (national_id)=(…)" detail,
// say): such numbers are masked as the API masks them. Each request gets
// an ID, sent back as X-Request-ID and logged with its internal errors,
// so that a user's report finds the log line.
package logging

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"regexp"
)

// personal matches 18-character national ID numbers and 11-digit mobile
// numbers standing alone in a text.
var personal = regexp.MustCompile(`\b[0-9]{17}[0-9Xx]\b|\b1[3-9][0-9]{9}\b`)

// Mask replaces the personal numbers in s: 410102********1234, 138****5678.
func Mask(s string) string {
	return personal.ReplaceAllStringFunc(s, func(n string) string {
		if len(n) == 18 {
			return n[:6] + "********" + n[14:]
		}
		return n[:3] + "****" + n[7:]
	})
}

// New returns a text logger on w that masks personal numbers in every
// string and error it writes.
func New(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch v := a.Value.Any().(type) {
			case string:
				a.Value = slog.StringValue(Mask(v))
			case error:
				a.Value = slog.StringValue(Mask(v.Error()))
			}
			return a
		},
	}))
}

type idKey struct{}

// RequestID returns the ID of the request in ctx ("" outside one).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(idKey{}).(string)
	return id
}

// Middleware gives each request a new ID, in its context and in the
// X-Request-ID response header. A client's own X-Request-ID is not
// trusted: it could make log lines collide.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), idKey{}, id)))
	})
}
