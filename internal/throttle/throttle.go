// Package throttle limits how often a key (a user, an address, a
// username being signed in to) may act: a token bucket per key from
// golang.org/x/time/rate, kept in memory. Each replica counts on its own,
// so a fleet of n replicas allows up to n times the rate: the limits are
// there to stop abuse, not to meter.
package throttle

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/partyorg/partyorg/internal/errs"
)

// Limiter is a token bucket per key: burst acts at once, then one per
// every.
type Limiter struct {
	mu    sync.Mutex
	every time.Duration
	burst int
	keys  map[string]*bucket
	// now is time.Now, or a test's clock.
	now func() time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// New returns a limiter that lets each key act burst times at once and
// then once per every.
func New(every time.Duration, burst int) *Limiter {
	return &Limiter{every: every, burst: burst, keys: map[string]*bucket{}, now: time.Now}
}

// WithClock makes the limiter read time from now (for tests).
func (l *Limiter) WithClock(now func() time.Time) *Limiter {
	l.now = now
	return l
}

// maxKeys bounds the memory of the limiter: past it, buckets that have
// refilled completely (and so behave as new ones) are dropped.
const maxKeys = 100_000

func (l *Limiter) bucket(key string, now time.Time) *bucket {
	b, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= maxKeys {
			l.evict(now)
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.keys[key] = b
	}
	b.seen = now
	return b
}

func (l *Limiter) evict(now time.Time) {
	full := l.every * time.Duration(l.burst)
	for k, b := range l.keys {
		if now.Sub(b.seen) > full {
			delete(l.keys, k)
		}
	}
}

// Take spends one action of key; when none is left it spends nothing and
// returns how long until one is.
func (l *Limiter) Take(key string) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	r := l.bucket(key, now).lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// Wait returns how long until key may act (0: it may now), spending
// nothing.
func (l *Limiter) Wait(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	lim := l.bucket(key, now).lim
	if lim.TokensAt(now) >= 1 {
		return 0
	}
	r := lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return d
}

// Limited is RATE_LIMITED with the time after which to try again.
type Limited struct {
	Wait time.Duration
	err  error
}

// Error returns the refusal of an action for wait.
func Error(wait time.Duration) error {
	return &Limited{Wait: wait, err: errs.New(errs.RateLimited, "too many requests: try again in %d s", Seconds(wait))}
}

func (e *Limited) Error() string { return e.err.Error() }

// Unwrap gives the refusal its code.
func (e *Limited) Unwrap() error { return e.err }

// Seconds is a wait as Retry-After gives it: whole seconds, rounded up.
func Seconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

type hintKey struct{}

// hint carries a refusal from a resolver to the HTTP response, which
// gqlgen writes after every resolver has run.
type hint struct {
	mu   sync.Mutex
	wait time.Duration
}

// Hinted marks the request in ctx as refused for wait (see Middleware).
func Hinted(ctx context.Context, wait time.Duration) {
	if h, ok := ctx.Value(hintKey{}).(*hint); ok {
		h.mu.Lock()
		h.wait = max(h.wait, wait)
		h.mu.Unlock()
	}
}

// Middleware lets resolvers refuse a request with HTTP 429: a request
// marked with Hinted answers 429 with Retry-After.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := &hint{}
		next.ServeHTTP(&hintWriter{ResponseWriter: w, h: h}, r.WithContext(context.WithValue(r.Context(), hintKey{}, h)))
	})
}

type hintWriter struct {
	http.ResponseWriter
	h       *hint
	written bool
}

func (w *hintWriter) WriteHeader(status int) {
	if !w.written {
		w.written = true
		w.h.mu.Lock()
		wait := w.h.wait
		w.h.mu.Unlock()
		if wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(Seconds(wait)))
			status = http.StatusTooManyRequests
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *hintWriter) Write(b []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}
