package bench_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/partyorg/partyorg/internal/bench"
	"github.com/partyorg/partyorg/internal/demo"
	"github.com/partyorg/partyorg/internal/server"
	"github.com/partyorg/partyorg/internal/stats"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestSmoke runs every workload for a moment against a real server on a
// small generated county and checks that each arm ran without errors and
// that the server's counters came through; it asserts nothing about the
// figures.
func TestSmoke(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		ctx := context.Background()
		size := demo.Size{Townships: 2, VillagesPerTownship: 2, BranchesPerVillage: 2, MembersPerBranch: 3, Seed: 1, Year: 2025}
		if _, err := demo.Generate(ctx, d.Client, size); err != nil {
			t.Fatal(err)
		}
		// No rate limit: the clients send as fast as they can.
		h, err := server.NewHandler(ctx, d.Client, server.Config{Secret: "bench-secret", RateLimit: -1}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		debug := httptest.NewServer(stats.Handler(d.Statements))
		defer debug.Close()

		report, err := bench.Run(ctx, bench.Config{URL: srv.URL, DebugURL: debug.URL, DB: d.DSN, Clients: 2, Slice: 50 * time.Millisecond, Rounds: 1})
		if err != nil {
			t.Fatal(err)
		}
		results := report.Results
		if want := 2 * len(bench.Workloads); len(results) != want {
			t.Fatalf("%d results, want %d (each workload as ADMIN and ORG_ADMIN)", len(results), want)
		}
		for _, r := range results {
			for name, a := range map[string]*bench.Arm{"GraphQL": r.GraphQL, "SQL": r.SQL} {
				if a.Errors > 0 || a.Requests == 0 {
					t.Errorf("%s %s %s: %d requests, %d errors, first: %v", r.Workload, r.Role, name, a.Requests, a.Errors, a.FirstError)
				}
			}
			if s := r.GraphQL.Server; s == nil || s.Statements < int64(r.GraphQL.Requests) {
				t.Errorf("%s %s: server counters %+v for %d requests, want a statement or more per request", r.Workload, r.Role, s, r.GraphQL.Requests)
			}
		}
		for _, s := range report.Scoped {
			if s.N == 0 || s.Pairs.Errors > 0 || s.Scoped <= 0 || s.Admin <= 0 {
				t.Errorf("%s: %d scoped/ADMIN pairs, %d failed (first: %v)", s.Workload, s.N, s.Pairs.Errors, s.Pairs.FirstError)
			}
		}
		// A soak of a moment: intervals recorded, no errors, the heap read.
		ivs, err := bench.Soak(ctx, bench.Config{URL: srv.URL, DebugURL: debug.URL, DB: d.DSN, Clients: 2}, 300*time.Millisecond, 100*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		soaked := 0
		for _, iv := range ivs {
			soaked += iv.Requests
			if iv.Errors > 0 || iv.HeapLive == 0 {
				t.Errorf("soak interval until %s: %d errors (first: %v), heap %d", iv.End, iv.Errors, iv.FirstError, iv.HeapLive)
			}
		}
		if len(ivs) < 2 || soaked == 0 {
			t.Errorf("soak: %d intervals, %d requests", len(ivs), soaked)
		}
		var out bytes.Buffer
		bench.Write(&out, report)
		for _, w := range bench.Workloads {
			if !strings.Contains(out.String(), "| "+w.Name+" | ORG_ADMIN |") {
				t.Errorf("the report has no line for %s as ORG_ADMIN:\n%s", w.Name, out.String())
			}
		}
	})
}
