package bench

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// Interval is what a soak measured in one interval of its run.
type Interval struct {
	// End is when the interval ended, from the soak's start.
	End      time.Duration
	Requests int
	Errors   int
	// FirstError is the interval's first failure.
	FirstError error
	P99        time.Duration
	// HeapLive is the server's live heap at the interval's end (0
	// without a debug URL).
	HeapLive uint64
}

// Soak holds a steady load for d: cfg.Clients clients send every
// workload, as ADMIN and as ORG_ADMIN, in turn, as fast as answers come.
// Every interval it records requests, errors, p99 and the server's live
// heap, so that a long run shows whether errors appear or memory grows.
func Soak(ctx context.Context, cfg Config, d, interval time.Duration) ([]Interval, error) {
	if cfg.Clients < 1 || d <= 0 || interval <= 0 {
		return nil, fmt.Errorf("bench: clients, duration and interval must be positive")
	}
	e, c, closeDB, err := prepare(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer closeDB() //nolint:errcheck // read-mostly; nothing to lose
	var (
		mu  sync.Mutex
		cur = &Interval{}
		lat []time.Duration
		out []Interval
	)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for client := range cfg.Clients {
		wg.Go(func() {
			for n := 0; time.Now().Before(deadline) && ctx.Err() == nil; n++ {
				w := Workloads[(client+n)%len(Workloads)]
				roles := e.rolesFor(w)
				r := roles[n%len(roles)]
				q, vars := w.Query(e, r, client, n)
				t := time.Now()
				err := c.do(ctx, r.Token, q, vars, nil)
				took := time.Since(t)
				mu.Lock()
				if err != nil {
					cur.Errors++
					if cur.FirstError == nil {
						cur.FirstError = fmt.Errorf("%s as %s: %w", w.Name, r.Name, err)
					}
				} else {
					cur.Requests++
					lat = append(lat, took)
				}
				mu.Unlock()
			}
		})
	}
	closeInterval := func() error {
		mu.Lock()
		iv, l := cur, lat
		cur, lat = &Interval{}, nil
		mu.Unlock()
		iv.End = time.Since(start).Round(time.Second)
		if len(l) > 0 {
			slices.Sort(l)
			iv.P99 = l[min(len(l)-1, len(l)*99/100)]
		}
		if cfg.DebugURL != "" {
			s, err := snapshot(ctx, cfg.DebugURL)
			if err != nil {
				return err
			}
			iv.HeapLive = s.HeapLive
		}
		out = append(out, *iv)
		return nil
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for {
		select {
		case <-tick.C:
			if err := closeInterval(); err != nil {
				return out, err
			}
		case <-done:
			return out, closeInterval()
		}
	}
}

// WriteSoak prints a soak's intervals as a Markdown table and a verdict.
func WriteSoak(w io.Writer, ivs []Interval) {
	fmt.Fprintln(w, "| until | requests | errors | p99 ms | live heap MB |")
	fmt.Fprintln(w, "|--:|--:|--:|--:|--:|")
	errs := 0
	for _, iv := range ivs {
		errs += iv.Errors
		fmt.Fprintf(w, "| %s | %d | %d | %.1f | %.1f |\n", iv.End, iv.Requests, iv.Errors,
			float64(iv.P99)/float64(time.Millisecond), float64(iv.HeapLive)/(1<<20))
	}
	for _, iv := range ivs {
		if iv.FirstError != nil {
			fmt.Fprintf(w, "\nfirst error (until %s): %v\n", iv.End, iv.FirstError)
			break
		}
	}
	fmt.Fprintf(w, "\n%d errors in all\n", errs)
}
