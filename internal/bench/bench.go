// Package bench drives a running partyorg server over HTTP with the
// workloads in Workloads, as ADMIN and as a township ORG_ADMIN (the
// county's for the county dashboard), and runs the same results by
// hand-written SQL through database/sql in the same run. The arms of a
// workload take turns in short slices, so that the load of a shared
// machine falls on all of them alike and their ratios hold even where
// their absolute figures do not.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/partyorg/partyorg/internal/stats"
)

// Config says what to run and where.
type Config struct {
	// URL is the server's base URL (http://127.0.0.1:8080).
	URL string
	// DebugURL is the base URL of the server's --debug-addr listener; empty
	// leaves out statements, CPU and allocations per request.
	DebugURL string
	// DB is the server's database, filled by `partyorg gen`.
	DB string
	// Clients is the number of concurrent clients.
	Clients int
	// Slice is how long an arm runs at a turn; Rounds how many turns each
	// arm gets.
	Slice  time.Duration
	Rounds int
	// Only names the workloads to run; empty runs all.
	Only []string
}

// Arm is what one way of fetching a workload's result measured.
type Arm struct {
	Requests int
	Errors   int
	// FirstError is the first failure, for the report.
	FirstError error
	Elapsed    time.Duration
	Latencies  []time.Duration
	// Server is the growth of the server's counters while the arm ran
	// (GraphQL arms with a debug URL only).
	Server *stats.Snapshot
}

// Rate is requests per second.
func (a *Arm) Rate() float64 {
	if a.Elapsed <= 0 {
		return 0
	}
	return float64(a.Requests) / a.Elapsed.Seconds()
}

// Percentile returns the latency below which a share p of requests fell.
func (a *Arm) Percentile(p float64) time.Duration {
	if len(a.Latencies) == 0 {
		return 0
	}
	return a.Latencies[min(len(a.Latencies)-1, int(p*float64(len(a.Latencies))))]
}

// Result is one workload as one role: over GraphQL and by hand.
type Result struct {
	Workload, Role string
	GraphQL, SQL   *Arm
}

// Scoped compares, for one workload, the township ORG_ADMIN's requests
// (scoped) with the ADMIN's requests for the same rows (filtered), sent
// alternately by every client so that both meet the same load.
type Scoped struct {
	Workload string
	// Time is the summed latency of N requests of each.
	Scoped, Admin time.Duration
	N             int64
	mu            sync.Mutex
	// Pairs counts the pairs sent and their failures.
	Pairs *Arm
}

// Ratio is the scoped request's time over the ADMIN's.
func (s *Scoped) Ratio() float64 {
	if s.Admin == 0 {
		return 0
	}
	return float64(s.Scoped) / float64(s.Admin)
}

// Report is what Run measured.
type Report struct {
	Results []Result
	Scoped  []*Scoped
}

// Run signs in, runs the workloads and returns what it measured.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Clients < 1 || cfg.Rounds < 1 || cfg.Slice <= 0 {
		return nil, errors.New("bench: clients, rounds and slice must be positive")
	}
	e, c, closeDB, err := prepare(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer closeDB() //nolint:errcheck // read-mostly; nothing to lose
	report := &Report{}
	for _, w := range Workloads {
		if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, w.Name) {
			continue
		}
		type arm struct {
			*Arm
			op     func(ctx context.Context, client, n int) error
			server bool
		}
		var arms []arm
		for _, r := range e.rolesFor(w) {
			res := Result{Workload: w.Name, Role: r.Name, GraphQL: &Arm{}, SQL: &Arm{}}
			report.Results = append(report.Results, res)
			arms = append(arms,
				arm{res.GraphQL, func(ctx context.Context, client, n int) error {
					q, vars := w.Query(e, r, client, n)
					return c.do(ctx, r.Token, q, vars, nil)
				}, true},
				arm{res.SQL, func(ctx context.Context, client, n int) error {
					return w.SQL(ctx, e, r, client, n)
				}, false})
		}
		sc := &Scoped{Workload: w.Name, Pairs: &Arm{}}
		report.Scoped = append(report.Scoped, sc)
		arms = append(arms, arm{sc.Pairs, func(ctx context.Context, client, n int) error {
			return sc.pair(ctx, e, c, w, client, n)
		}, false})
		for range cfg.Rounds {
			for _, a := range arms {
				debug := ""
				if a.server {
					debug = cfg.DebugURL
				}
				if err := a.run(ctx, cfg.Clients, cfg.Slice, debug, a.op); err != nil {
					return nil, err
				}
			}
		}
		for _, a := range arms {
			slices.Sort(a.Latencies)
		}
	}
	return report, nil
}

// prepare opens the database, sets up the accounts and signs them in.
func prepare(ctx context.Context, cfg Config) (*Env, *caller, func() error, error) {
	e, closeDB, err := setup(ctx, cfg.DB, cfg.Clients)
	if err != nil {
		return nil, nil, nil, err
	}
	e.SQL.SetMaxOpenConns(cfg.Clients)
	e.SQL.SetMaxIdleConns(cfg.Clients)
	c := &caller{
		url:  cfg.URL + "/graphql",
		http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Clients}, Timeout: time.Minute},
	}
	for _, r := range append(slices.Clip(e.Roles), e.CountyAdmin) {
		q, vars := loginQuery(e, r, 0, 0)
		var out struct{ Login struct{ Token string } }
		if err := c.do(ctx, "", q, vars, &out); err != nil {
			closeDB() //nolint:errcheck // failing anyway
			return nil, nil, nil, fmt.Errorf("bench: signing in as %s: %w", r.Username, err)
		}
		r.Token = out.Login.Token
	}
	return e, c, closeDB, nil
}

// pair sends the workload as ADMIN and as ORG_ADMIN, in turns starting
// with either, and adds up their times.
func (s *Scoped) pair(ctx context.Context, e *Env, c *caller, w Workload, client, n int) error {
	var took [2]time.Duration
	for i := range 2 {
		k := (i + n) % 2
		r := e.rolesFor(w)[k]
		q, vars := w.Query(e, r, client, n)
		start := time.Now()
		if err := c.do(ctx, r.Token, q, vars, nil); err != nil {
			return err
		}
		took[k] = time.Since(start)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Admin += took[0]
	s.Scoped += took[1]
	s.N++
	return nil
}

// run drives op from clients goroutines for d and adds what it measured.
func (a *Arm) run(ctx context.Context, clients int, d time.Duration, debugURL string, op func(ctx context.Context, client, n int) error) error {
	var before stats.Snapshot
	if debugURL != "" {
		var err error
		if before, err = snapshot(ctx, debugURL); err != nil {
			return err
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for client := range clients {
		wg.Go(func() {
			var lat []time.Duration
			var fails int
			var first error
			for n := 0; time.Now().Before(deadline) && ctx.Err() == nil; n++ {
				t := time.Now()
				if err := op(ctx, client, n); err != nil {
					fails++
					if first == nil {
						first = err
					}
					continue
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			defer mu.Unlock()
			a.Latencies = append(a.Latencies, lat...)
			a.Requests += len(lat)
			a.Errors += fails
			if a.FirstError == nil {
				a.FirstError = first
			}
		})
	}
	wg.Wait()
	a.Elapsed += time.Since(start)
	if debugURL != "" {
		after, err := snapshot(ctx, debugURL)
		if err != nil {
			return err
		}
		grown := after.Sub(before)
		if a.Server != nil {
			grown = grown.Add(*a.Server)
		}
		a.Server = &grown
	}
	return ctx.Err()
}

func snapshot(ctx context.Context, debugURL string) (stats.Snapshot, error) {
	var s stats.Snapshot
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, debugURL+stats.Path, nil)
	if err != nil {
		return s, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, fmt.Errorf("bench: reading the server's counters: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("bench: %s%s: %s", debugURL, stats.Path, resp.Status)
	}
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

// caller posts GraphQL operations.
type caller struct {
	url  string
	http *http.Client
}

// do posts one operation; a GraphQL error fails it like a transport
// error. out, when not nil, receives data.
func (c *caller) do(ctx context.Context, token, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(raw))
	}
	var res struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("graphql: %s", res.Errors[0].Message)
	}
	if out != nil {
		return json.Unmarshal(res.Data, out)
	}
	return nil
}
