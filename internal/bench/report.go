package bench

import (
	"fmt"
	"io"
	"time"
)

// Write prints a report as Markdown tables: each workload and role over
// GraphQL beside its hand-written SQL, then the scoped ORG_ADMIN beside
// the ADMIN reading the same rows.
func Write(w io.Writer, r *Report) {
	fmt.Fprintln(w, "| workload | role | partyorg req/s | p50 / p95 / p99 ms | SQL req/s | p50 / p95 / p99 ms | ratio | stmts/req | server CPU ms/req | allocs/req | KB/req |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, res := range r.Results {
		g, s := res.GraphQL, res.SQL
		fmt.Fprintf(w, "| %s | %s | %.0f | %s | %.0f | %s | %s | %s |\n",
			res.Workload, res.Role, g.Rate(), percentiles(g), s.Rate(), percentiles(s), ratio(g.Rate(), s.Rate()), perRequest(g))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| workload | pairs | ORG_ADMIN (scoped) mean ms | ADMIN (same rows) mean ms | scoped ÷ ADMIN |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|")
	for _, s := range r.Scoped {
		if s.N == 0 {
			continue
		}
		mean := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(s.N) }
		fmt.Fprintf(w, "| %s | %d | %.1f | %.1f | %.2f |\n", s.Workload, s.N, mean(s.Scoped), mean(s.Admin), s.Ratio())
	}
	failed := func(what string, a *Arm) {
		if a.Errors > 0 {
			fmt.Fprintf(w, "\n%s: %d of %d requests failed, first: %v\n", what, a.Errors, a.Errors+a.Requests, a.FirstError)
		}
	}
	for _, res := range r.Results {
		failed(res.Workload+" "+res.Role+" partyorg", res.GraphQL)
		failed(res.Workload+" "+res.Role+" SQL", res.SQL)
	}
	for _, s := range r.Scoped {
		failed(s.Workload+" scoped/ADMIN pairs", s.Pairs)
	}
}

func percentiles(a *Arm) string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }
	return ms(a.Percentile(0.50)) + " / " + ms(a.Percentile(0.95)) + " / " + ms(a.Percentile(0.99))
}

func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", a/b)
}

// perRequest is the server's counters per GraphQL request.
func perRequest(a *Arm) string {
	if a.Server == nil || a.Requests == 0 {
		return "– | – | – | –"
	}
	n := float64(a.Requests)
	s := a.Server
	return fmt.Sprintf("%.1f | %.2f | %.0f | %.0f", float64(s.Statements)/n, float64(s.CPU)/float64(time.Millisecond)/n,
		float64(s.AllocObjects)/n, float64(s.AllocBytes)/1024/n)
}
