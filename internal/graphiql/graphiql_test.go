package graphiql_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/internal/graphiql"
)

// vendored are the libraries' builds from npm: they name their
// homepages and licences in comments and messages, which load nothing.
var vendored = []string{"/graphiql/graphiql.min.js", "/graphiql/react.production.min.js", "/graphiql/react-dom.production.min.js"}

// TestOffline fetches the page, every file it references and every file
// partyorg's own scripts fetch (the example tabs), from the server
// itself: all are there, and none of the page, partyorg's scripts, the
// tabs and the stylesheet points anywhere else.
func TestOffline(t *testing.T) {
	srv := httptest.NewServer(graphiql.Handler())
	defer srv.Close()
	get := func(path string) string {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		return string(b)
	}
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	page := get("/")
	if m := external.FindString(page); m != "" {
		t.Errorf("the page points to %s", m)
	}
	var refs []string
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		refs = append(refs, m[1])
	}
	if len(refs) != 5 {
		t.Fatalf("the page references %d files, want 5 (a stylesheet, four scripts): %v", len(refs), refs)
	}
	fetched := map[string]bool{}
	for len(refs) > 0 {
		path := refs[0]
		refs = refs[1:]
		if fetched[path] {
			continue
		}
		fetched[path] = true
		if !strings.HasPrefix(path, "/graphiql/") {
			t.Errorf("%s is not served here", path)
			continue
		}
		body := get(path)
		switch {
		case strings.HasSuffix(path, ".css"):
			// Fonts and icons are inlined as data: URLs.
			for _, u := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(body, -1) {
				if !strings.HasPrefix(strings.Trim(u[1], `"'`), "data:") {
					t.Errorf("%s loads %s", path, u[1])
				}
			}
		case slices.Contains(vendored, path):
		default:
			// partyorg's own script and what it fetches.
			if m := external.FindString(body); m != "" {
				t.Errorf("%s points to %s", path, m)
			}
			for _, m := range regexp.MustCompile(`"(/graphiql/[^"]+)"`).FindAllStringSubmatch(body, -1) {
				refs = append(refs, m[1])
			}
		}
	}
	if !fetched["/graphiql/examples.json"] {
		t.Errorf("partyorg.js does not fetch the example tabs; fetched %v", fetched)
	}
}

// TestExamples checks that the page opens with the tabs dashboard
// builders need: how to sign in and paste the token, the analytics
// dashboard, a ranking, a member page with pagination, each served as
// GraphiQL's defaultTabs. graph's TestGraphiQLExamples checks them
// against the schema.
func TestExamples(t *testing.T) {
	srv := httptest.NewServer(graphiql.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/graphiql/examples.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tabs []struct{ Query, Variables string }
	if err := json.NewDecoder(resp.Body).Decode(&tabs); err != nil {
		t.Fatal(err)
	}
	if len(tabs) == 0 || !strings.Contains(tabs[0].Query, `{ "Authorization": "Bearer <token>" }`) || !strings.Contains(tabs[0].Query, "login(") {
		t.Errorf("the first tab does not say how to sign in and paste the token:\n%s", tabs[0].Query)
	}
	for _, want := range []string{"analytics(orgID:", "ranking(metric:", "members(first:", "endCursor"} {
		if !slices.ContainsFunc(tabs, func(tab struct{ Query, Variables string }) bool { return strings.Contains(tab.Query, want) }) {
			t.Errorf("no tab holds %q", want)
		}
	}
	for i, tab := range tabs {
		if tab.Variables != "" && !json.Valid([]byte(tab.Variables)) {
			t.Errorf("tab %d: variables are not JSON: %s", i+1, tab.Variables)
		}
	}
}
