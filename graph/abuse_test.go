package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partyorg/partyorg/graph"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/auth"
	"github.com/partyorg/partyorg/internal/server"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/throttle"
)

// post sends a raw body to /graphql and returns the status and the first
// error's code.
func post(t *testing.T, api *apitest.API, token string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, api.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Errors []apitest.Error `json:"errors"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if len(out.Errors) == 0 {
		return resp.StatusCode, ""
	}
	return resp.StatusCode, out.Errors[0].Code()
}

// TestAbuseLimits: each abusive request is refused with its status and
// code before any SQL runs, and the server answers the next request.
func TestAbuseLimits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 1, 1, 1, 1)
		api := apitest.New(t, d)
		admin := api.Login(t, "admin", apitest.Password)
		op := func(query string) []byte {
			b, _ := json.Marshal(map[string]any{"query": query})
			return b
		}
		ids := func(n int) string {
			id := fmt.Sprintf("%q", fmt.Sprint(tree.Orgs["C"].ID))
			return "[" + strings.TrimSuffix(strings.Repeat(id+",", n), ",") + "]"
		}
		nested := "{ orgs(first: 1) { edges { node { " + strings.Repeat("children(first: 1) { edges { node { ", 8) + "name" + strings.Repeat(" } } }", 8) + " } } } }"
		padded := append(op(`{ viewer { id } }`), bytes.Repeat([]byte(" "), server.MaxBody)...)
		tests := []struct {
			name   string
			body   []byte
			status int
			code   string
		}{
			{"body over 1 MiB", padded, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT"},
			{"batch of operations", []byte(`[` + string(op(`{ viewer { id } }`)) + `,` + string(op(`{ viewer { id } }`)) + `]`), http.StatusBadRequest, "BAD_USER_INPUT"},
			{"nodes with 101 IDs", op(`{ nodes(ids: ` + ids(graph.MaxNodes+1) + `) { id } }`), http.StatusOK, "TOO_COMPLEX"},
			{"nodes with 100 IDs", op(`{ nodes(ids: ` + ids(graph.MaxNodes) + `) { id } }`), http.StatusOK, ""},
			{"too deep", op(nested), http.StatusOK, "TOO_COMPLEX"},
			{"200 aliases of 1000 orgs", op(aliases(200, "orgs(first: 1000) { edges { node { name } } }")), http.StatusOK, "TOO_COMPLEX"},
			{"dashboards three levels down", op(`{ analytics(orgID: "1", year: 2025) { children { children { children { ` + dashboardFigures + ` } } } } }`), http.StatusOK, "TOO_COMPLEX"},
			{"a root list without a page, nesting lists", op(`{ orgs { edges { node { children { edges { node { children { edges { node { name } } } } } } } } } }`), http.StatusOK, "TOO_COMPLEX"},
		}
		// What signing in costs per request: a refused request runs no
		// statement beyond it.
		before := d.Statements.Load()
		post(t, api, admin.Token, op(`{ __typename }`))
		auth := d.Statements.Load() - before
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before := d.Statements.Load()
				status, code := post(t, api, admin.Token, tc.body)
				if status != tc.status || code != tc.code {
					t.Fatalf("HTTP %d, code %q; want %d, %q", status, code, tc.status, tc.code)
				}
				if ran := d.Statements.Load() - before; tc.code != "" && ran > auth {
					t.Errorf("%d SQL statements ran for a refused request (signing in takes %d)", ran, auth)
				}
				admin.MustDo(t, `{ viewer { id } }`, nil, nil)
			})
		}
	})
}

// TestProduction: a production server has no GraphiQL and answers no
// introspection; the development server has both.
func TestProduction(t *testing.T) {
	d := testdb.Open(t, "sqlite")
	apitest.Matrix(t, d.Client, 1, 1, 1, 1)
	for _, prod := range []bool{false, true} {
		t.Run(fmt.Sprintf("production=%v", prod), func(t *testing.T) {
			api := apitest.NewWith(t, d, server.Config{Production: prod})
			resp, err := http.Get(api.URL + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if want := map[bool]int{false: http.StatusOK, true: http.StatusNotFound}[prod]; resp.StatusCode != want {
				t.Errorf("GET / = %d, want %d", resp.StatusCode, want)
			}
			admin := api.Login(t, "admin", apitest.Password)
			var out struct {
				Schema *struct{ QueryType struct{ Name string } } `json:"__schema"`
			}
			errs := admin.Do(t, `{ __schema { queryType { name } } }`, nil, &out)
			if got := len(errs) == 0 && out.Schema != nil; got == prod {
				t.Errorf("introspection answered = %v (errors %v)", got, errs)
			}
			admin.MustDo(t, `{ viewer { id } }`, nil, nil)
		})
	}
}

// TestRateLimits: a user past its request rate gets 429 with Retry-After
// and RATE_LIMITED while other users go on; failed sign-ins are
// throttled per username (existing or not, with the same answer) and per
// address, and then even the right password is refused.
func TestRateLimits(t *testing.T) {
	d := testdb.Open(t, "sqlite")
	apitest.Matrix(t, d.Client, 1, 1, 1, 1)
	// The request limit and the login throttle, each on a server of its own.
	unlimited := throttle.New(time.Nanosecond, 1<<30)
	api := apitest.NewWith(t, d, server.Config{RateLimit: 1, Logins: auth.NewLoginsWith(unlimited, unlimited)}) // a burst of 5
	logins := apitest.NewWith(t, d, server.Config{
		RateLimit: -1,
		Logins:    auth.NewLoginsWith(throttle.New(time.Hour, 3), throttle.New(time.Hour, 8)),
	})
	login := func(username, password string) (int, string, string) {
		body, _ := json.Marshal(map[string]any{
			"query":     `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
			"variables": map[string]any{"u": username, "p": password},
		})
		resp, err := http.Post(logins.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Errors []apitest.Error `json:"errors"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		code, msg := "", ""
		if len(out.Errors) > 0 {
			code, msg = out.Errors[0].Code(), out.Errors[0].Message
		}
		return resp.StatusCode, code, msg
	}
	if status, code, _ := login("admin", apitest.Password); status != http.StatusOK || code != "" {
		t.Fatalf("first sign-in: %d %s", status, code)
	}
	admin := api.Login(t, "admin", apitest.Password)
	viewerC := api.Login(t, apitest.Username("VIEWER", "C"), apitest.Password)

	t.Run("requests", func(t *testing.T) {
		refused := 0
		for range 8 {
			if status, code := post(t, api, admin.Token, []byte(`{"query":"{ viewer { id } }"}`)); status == http.StatusTooManyRequests {
				if code != "RATE_LIMITED" {
					t.Errorf("429 with code %q", code)
				}
				refused++
			}
		}
		if refused < 2 {
			t.Errorf("%d of 8 requests refused, want at least 2 past a burst of 5", refused)
		}
		req, _ := http.NewRequest(http.MethodPost, api.URL+"/graphql", strings.NewReader(`{"query":"{ viewer { id } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+admin.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
			t.Errorf("HTTP %d, Retry-After %q; want 429, 1", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		viewerC.MustDo(t, `{ viewer { id } }`, nil, nil)
	})

	t.Run("logins", func(t *testing.T) {
		for _, username := range []string{"admin", "nobody-by-this-name"} {
			for i := range 3 {
				if status, code, _ := login(username, "wrong-password"); status != http.StatusOK || code != "UNAUTHENTICATED" {
					t.Fatalf("%s failure %d: %d %s, want UNAUTHENTICATED", username, i+1, status, code)
				}
			}
		}
		_, _, ghostMsg := login("nobody-by-this-name", "wrong-password")
		status, code, adminMsg := login("admin", apitest.Password)
		if status != http.StatusTooManyRequests || code != "RATE_LIMITED" {
			t.Fatalf("right password after 3 failures: %d %s, want 429 RATE_LIMITED", status, code)
		}
		// The same words; only the seconds to wait go down as time passes.
		digits := regexp.MustCompile(`[0-9]+`)
		if digits.ReplaceAllString(ghostMsg, "N") != digits.ReplaceAllString(adminMsg, "N") {
			t.Errorf("answers differ: %q for a missing user, %q for admin", ghostMsg, adminMsg)
		}
		// The address has spent 6 of 8; two more usernames fail, then the
		// address is throttled for a fresh username too.
		login("a", "wrong-password")
		login("b", "wrong-password")
		if status, code, _ := login(apitest.Username("VIEWER", "C"), apitest.Password); status != http.StatusTooManyRequests || code != "RATE_LIMITED" {
			t.Errorf("fresh username from a throttled address: %d %s, want 429 RATE_LIMITED", status, code)
		}
	})
}

// TestInternalErrorsMasked: a failure inside the server reaches the
// client as INTERNAL with a request ID and no detail, and the log line
// with the detail carries the same ID.
func TestInternalErrorsMasked(t *testing.T) {
	d := testdb.Open(t, "sqlite")
	api := apitest.New(t, d)
	// The database goes away under the server.
	if err := d.Client.Close(); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"query": `mutation { login(username: "someone", password: "whatever1") { token } }`})
	resp, err := http.Post(api.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Errors []apitest.Error }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	id := resp.Header.Get("X-Request-ID")
	if len(out.Errors) != 1 || out.Errors[0].Code() != "INTERNAL" || id == "" || out.Errors[0].Extensions["requestID"] != id {
		t.Fatalf("errors %+v, X-Request-ID %q; want one INTERNAL error naming the request", out.Errors, id)
	}
	if msg := out.Errors[0].Message; strings.Contains(msg, "sql") || strings.Contains(msg, "closed") {
		t.Errorf("the client sees the detail: %q", msg)
	}
	if log := api.Log.String(); !strings.Contains(log, "requestID="+id) || !strings.Contains(log, "closed") {
		t.Errorf("log lacks the request ID or the detail:\n%s", log)
	}
}

// TestRequestTimeout: an operation past the request's time limit is
// refused with TOO_COMPLEX, not an internal error.
func TestRequestTimeout(t *testing.T) {
	d := testdb.Open(t, "sqlite")
	apitest.Matrix(t, d.Client, 1, 1, 1, 1)
	token := apitest.New(t, d).Login(t, "admin", apitest.Password).Token
	api := apitest.NewWith(t, d, server.Config{RateLimit: -1, RequestTimeout: time.Nanosecond})
	errs := api.WithToken(token).Do(t, `{ members { totalCount } }`, nil, nil)
	if len(errs) == 0 || errs[0].Code() != "TOO_COMPLEX" {
		t.Fatalf("errors %v, want TOO_COMPLEX", errs)
	}
}

// aliases repeats a selection n times under aliases a0, a1, ….
func aliases(n int, selection string) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, selection)
	}
	b.WriteString("}")
	return b.String()
}

// dashboardFigures are every figure family of an org's dashboard.
const dashboardFigures = `org { name } members { total byStatus { key count } byCategory { key count } byAgeBand { key count } withoutPost }
  points { average grades { key count } histogram { key count } } pledges { byState { key count } fulfilmentRate }
  careFund { balanceFen } mobile { contactRate } elderly { visitRate } pairings { branchCoverage householdCoverage }
  leaders { complianceRate } monthly { month entriesApproved visits }`

// TestLimitsFitRealQueries: the queries dashboards really send are within
// every limit: the nested tree from a township, a 1,000-row export page
// with each member's branch and village, the township tree with member
// counts, and a county's dashboard two levels down.
func TestLimitsFitRealQueries(t *testing.T) {
	d := testdb.Open(t, "sqlite")
	tree := apitest.Matrix(t, d.Client, 2, 2, 2, 2)
	admin := apitest.New(t, d).Login(t, "admin", apitest.Password)
	township := fmt.Sprint(tree.Orgs["C.T1"].ID)
	for name, q := range map[string]string{
		"nested tree":                       `query($id: ID!) { node(id: $id) { ... on Org { name children { edges { node { name children { edges { node { name members { totalCount } } } } } } } } } }`,
		"export page":                       `{ members(first: 1000) { totalCount pageInfo { hasNextPage endCursor } edges { node { name status category branch { name parent { name } } } } } }`,
		"township tree":                     `{ orgs(first: 30, where: { kind: TOWNSHIP }) { edges { node { name children { edges { node { name children { edges { node { name members(first: 10) { totalCount } } } } } } } } } } }`,
		"county dashboard, two levels down": `query($id: ID!) { analytics(orgID: $id, year: 2025) { ` + dashboardFigures + ` ranking(metric: AVERAGE_POINTS) { rank value org { name } } children { ` + dashboardFigures + ` children { ` + dashboardFigures + ` } } } }`,
	} {
		if errs := admin.Do(t, q, map[string]any{"id": township}, nil); len(errs) > 0 {
			t.Errorf("%s: %v", name, errs)
		}
	}
}
