package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/graph"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/server"
	"github.com/partyorg/partyorg/internal/testdb"
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
