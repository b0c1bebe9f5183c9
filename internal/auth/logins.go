package auth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/throttle"
)

// Logins signs in and throttles failed attempts per username and per
// client address. A username is throttled whether or not it exists, so
// the answer tells nothing about which usernames do.
type Logins struct {
	byName, byAddr *throttle.Limiter
}

// Login limits: 5 failures at once per username, then one per 20 s; 20
// per address (an office behind one NAT), then one per 3 s.
const (
	nameEvery, nameBurst = 20 * time.Second, 5
	addrEvery, addrBurst = 3 * time.Second, 20
)

// NewLogins returns the login throttle with partyorg's limits.
func NewLogins() *Logins {
	return NewLoginsWith(throttle.New(nameEvery, nameBurst), throttle.New(addrEvery, addrBurst))
}

// NewLoginsWith throttles with the given limiters (for tests).
func NewLoginsWith(byName, byAddr *throttle.Limiter) *Logins {
	return &Logins{byName: byName, byAddr: byAddr}
}

// Authenticate is account.Authenticate behind the throttle: while a
// username or the caller's address has no attempts left it answers
// RATE_LIMITED without checking the password.
func (l *Logins) Authenticate(ctx context.Context, c *ent.Client, username, password string) (*ent.User, error) {
	addr := clientAddr(ctx)
	if wait := max(l.byName.Wait(username), l.byAddr.Wait(addr)); wait > 0 {
		return nil, throttle.Error(wait)
	}
	u, err := account.Authenticate(ctx, c, username, password)
	if errors.Is(err, account.ErrBadCredentials) {
		l.byName.Take(username)
		l.byAddr.Take(addr)
	}
	return u, err
}

type addrKey struct{}

// clientAddr is the address the request came from (its host only).
func clientAddr(ctx context.Context) string {
	addr, _ := ctx.Value(addrKey{}).(string)
	return addr
}

// withClientAddr records the request's address for the login throttle.
// Behind a proxy every client shares the proxy's address; partyorg does
// not trust X-Forwarded-For, which any client can set.
func withClientAddr(ctx context.Context, r *http.Request) context.Context {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return context.WithValue(ctx, addrKey{}, host)
}
