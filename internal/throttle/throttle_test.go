package throttle_test

import (
	"testing"
	"time"

	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/throttle"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := throttle.New(10*time.Second, 3).WithClock(func() time.Time { return now })
	for i := range 3 {
		if wait, ok := l.Take("a"); !ok {
			t.Fatalf("take %d refused (wait %s) within the burst", i+1, wait)
		}
	}
	if w := l.Wait("a"); w != 10*time.Second {
		t.Errorf("Wait after the burst = %s, want 10s", w)
	}
	wait, ok := l.Take("a")
	if ok || wait != 10*time.Second {
		t.Fatalf("take 4 = %s, %v; want refused for 10s", wait, ok)
	}
	if _, ok := l.Take("b"); !ok {
		t.Error("another key shares the bucket")
	}
	now = now.Add(10 * time.Second)
	if w := l.Wait("a"); w != 0 {
		t.Errorf("Wait after refill = %s, want 0", w)
	}
	if _, ok := l.Take("a"); !ok {
		t.Error("refused after a refill")
	}
	// Wait spends nothing: a refused Take did not either.
	if _, ok := l.Take("a"); ok {
		t.Error("a second take after one refill succeeded")
	}
}

func TestErrorCode(t *testing.T) {
	err := throttle.Error(1500 * time.Millisecond)
	if code, _ := errs.CodeOf(err); code != errs.RateLimited {
		t.Errorf("code %q, want RATE_LIMITED", code)
	}
	if throttle.Seconds(1500*time.Millisecond) != 2 {
		t.Error("Retry-After must round up")
	}
}
