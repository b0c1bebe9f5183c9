package bench

import (
	"fmt"
	"io"
	"time"
)

// Write prints results as Markdown tables: each workload and role over
// GraphQL beside its hand-written SQL, then the scoped ORG_ADMIN beside
// the ADMIN reading the same rows.
func Write(w io.Writer, results []Result) {
	fmt.Fprintln(w, "| workload | role | partyorg req/s | p50 / p95 / p99 ms | SQL req/s | p50 / p95 / p99 ms | ratio | stmts/req | server CPU ms/req | allocs/req | KB/req |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range results {
		g, s := r.GraphQL, r.SQL
		fmt.Fprintf(w, "| %s | %s | %.0f | %s | %.0f | %s | %s | %s |\n",
			r.Workload, r.Role, g.Rate(), percentiles(g), s.Rate(), percentiles(s), ratio(g.Rate(), s.Rate()), perRequest(g))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| workload | ORG_ADMIN (scoped) req/s | ADMIN (same rows) req/s | scoped time ÷ ADMIN time |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	byKey := map[[2]string]*Arm{}
	var order []string
	for _, r := range results {
		if _, seen := byKey[[2]string{r.Workload, "ADMIN"}]; !seen && r.Role == "ADMIN" {
			order = append(order, r.Workload)
		}
		byKey[[2]string{r.Workload, r.Role}] = r.GraphQL
	}
	for _, name := range order {
		scoped, admin := byKey[[2]string{name, "ORG_ADMIN"}], byKey[[2]string{name, "ADMIN"}]
		if scoped == nil || admin == nil {
			continue
		}
		fmt.Fprintf(w, "| %s | %.0f | %.0f | %s |\n", name, scoped.Rate(), admin.Rate(), ratio(admin.Rate(), scoped.Rate()))
	}
	for _, r := range results {
		for _, a := range []struct {
			name string
			*Arm
		}{{"partyorg", r.GraphQL}, {"SQL", r.SQL}} {
			if a.Errors > 0 {
				fmt.Fprintf(w, "\n%s %s %s: %d of %d requests failed, first: %v\n", r.Workload, r.Role, a.name, a.Errors, a.Errors+a.Requests, a.FirstError)
			}
		}
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
