// Package idempotency makes a request sent with an Idempotency-Key header
// happen once: the first one runs and its response is kept for a day
// (covering any client's retries); the same key with the same body
// answers that response again, with another body CONFLICT. Keys belong
// to the signed-in user, so users never collide.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/idempotencykey"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/tee"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Header is the request header that names a key.
const Header = "Idempotency-Key"

// TTL is how long a key is kept.
const TTL = 24 * time.Hour

// How long a retry waits for the first request with its key to finish,
// polling at pollEvery.
const (
	waitFor   = 30 * time.Second
	pollEvery = 50 * time.Millisecond
)

// Middleware runs each keyed request of a signed-in user once. It must
// run after the viewer is known; requests without the header, or without
// a viewer (sign-in), pass through.
func Middleware(c *ent.Client) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Header.Get(Header)
			v := viewer.FromContext(r.Context())
			if key == "" || v == nil || v.UserID == 0 {
				next.ServeHTTP(w, r)
				return
			}
			if len(key) > 255 {
				errs.Respond(w, http.StatusBadRequest, errs.BadUserInput, "the Idempotency-Key is over 255 characters")
				return
			}
			body, err := io.ReadAll(r.Body)
			if err != nil {
				errs.Respond(w, http.StatusBadRequest, errs.BadUserInput, "the request body could not be read")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			sum := sha256.Sum256(body)
			s := &store{c: c, ctx: viewer.NewSystemContext(r.Context()), user: v.UserID, key: key, hash: hex.EncodeToString(sum[:])}
			s.serve(w, r, next)
		})
	}
}

type store struct {
	c          *ent.Client
	ctx        context.Context
	user       int
	key, hash  string
	claimedRow int
}

func (s *store) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	row, err := s.claim()
	switch {
	case err != nil:
		errs.Respond(w, http.StatusInternalServerError, errs.Internal, "internal error")
		return
	case row != nil:
		s.replay(w, row)
		return
	}
	rec := tee.New(w)
	next.ServeHTTP(rec, r)
	// A request that failed inside the server is not remembered: its
	// retry runs again. Anything else, refusals included, is the answer.
	if rec.Status >= 500 || bytes.Contains(rec.Body.Bytes(), []byte(`"code":"INTERNAL"`)) {
		_ = s.c.IdempotencyKey.DeleteOneID(s.claimedRow).Exec(s.ctx)
		return
	}
	_ = s.c.IdempotencyKey.UpdateOneID(s.claimedRow).SetStatus(rec.Status).SetResponse(rec.Body.Bytes()).Exec(s.ctx)
}

// claim records the key as running; when it is taken already it returns
// the row of the request that took it, once that request has finished.
func (s *store) claim() (*ent.IdempotencyKey, error) {
	// Keys past their day are forgotten.
	if _, err := s.c.IdempotencyKey.Delete().
		Where(idempotencykey.UserID(s.user), idempotencykey.CreatedAtLT(time.Now().Add(-TTL))).
		Exec(s.ctx); err != nil {
		return nil, err
	}
	row, err := s.c.IdempotencyKey.Create().
		SetUserID(s.user).SetKey(s.key).SetRequestHash(s.hash).Save(s.ctx)
	if err == nil {
		s.claimedRow = row.ID
		return nil, nil
	}
	if !ent.IsConstraintError(err) {
		return nil, err
	}
	deadline := time.Now().Add(waitFor)
	for {
		row, err := s.c.IdempotencyKey.Query().
			Where(idempotencykey.UserID(s.user), idempotencykey.Key(s.key)).Only(s.ctx)
		switch {
		case ent.IsNotFound(err):
			// The first request failed and let its key go: run this one.
			return s.claim()
		case err != nil:
			return nil, err
		case row.RequestHash != s.hash || row.Status != 0 || time.Now().After(deadline):
			return row, nil
		}
		select {
		case <-s.ctx.Done():
			return nil, s.ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

func (s *store) replay(w http.ResponseWriter, row *ent.IdempotencyKey) {
	switch {
	case row.RequestHash != s.hash:
		errs.Respond(w, http.StatusConflict, errs.Conflict, "this Idempotency-Key was used for another request: use a new key for a new request")
	case row.Status == 0:
		errs.Respond(w, http.StatusConflict, errs.Conflict, "the request with this Idempotency-Key is still running: retry later")
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(row.Status)
		_, _ = w.Write(row.Response)
	}
}
