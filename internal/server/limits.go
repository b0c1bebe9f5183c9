package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/throttle"
	"github.com/partyorg/partyorg/internal/viewer"
)

// RequestTimeout bounds the time of one GraphQL request: past it the
// request's context ends, its SQL is cancelled and it answers
// TOO_COMPLEX. PostgreSQL's statement_timeout (internal/db) backs it.
const RequestTimeout = 30 * time.Second

// timeout gives each request d (0: RequestTimeout).
func timeout(d time.Duration, next http.Handler) http.Handler {
	if d == 0 {
		d = RequestTimeout
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// MaxBody bounds a GraphQL request body (CONTRACT.md: 1 MiB). The
// largest real request, a dashboard's analytics query with variables, is
// a few kilobytes.
const MaxBody = 1 << 20

// singleOperation reads a GraphQL request body before gqlgen does: a body
// over MaxBody answers 413 and a JSON array of operations (batching,
// which would multiply every other limit) 400, both without touching
// the database.
func singleOperation(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBody {
			errs.Respond(w, http.StatusRequestEntityTooLarge, errs.BadUserInput, "the request body is over 1 MiB")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			errs.Respond(w, http.StatusRequestEntityTooLarge, errs.BadUserInput, "the request body is over 1 MiB")
			return
		case err != nil:
			errs.Respond(w, http.StatusBadRequest, errs.BadUserInput, "the request body could not be read")
			return
		}
		if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
			errs.Respond(w, http.StatusBadRequest, errs.BadUserInput, "batching is not supported: send one operation per request")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// limitRequests refuses a user's (or, signed out, an address's) requests
// beyond perSecond on average with 429, Retry-After and RATE_LIMITED.
func limitRequests(perSecond float64, next http.Handler) http.Handler {
	switch {
	case perSecond < 0:
		return next
	case perSecond == 0:
		perSecond = DefaultRateLimit
	}
	lim := throttle.New(time.Duration(float64(time.Second)/perSecond), int(5*perSecond))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := "addr:" + r.RemoteAddr
		if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			key = "addr:" + host
		}
		if v := viewer.FromContext(r.Context()); v != nil {
			key = "user:" + strconv.Itoa(v.UserID)
		}
		if wait, ok := lim.Take(key); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(throttle.Seconds(wait)))
			errs.Respond(w, http.StatusTooManyRequests, errs.RateLimited, throttle.Error(wait).Error())
			return
		}
		next.ServeHTTP(w, r)
	})
}
