package graphiql_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/internal/graphiql"
)

// TestOffline fetches the page and every file it references from the
// server itself: all are there, and neither the page, nor its script,
// nor its stylesheet points anywhere else.
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
	page := get("/")
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) != 5 {
		t.Fatalf("the page references %d files, want 5 (a stylesheet, four scripts)", len(refs))
	}
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	for _, ref := range refs {
		path := ref[1]
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
		case strings.HasSuffix(path, "partyorg.js"):
			if m := external.FindString(body); m != "" {
				t.Errorf("%s points to %s", path, m)
			}
		}
	}
	if m := external.FindString(page); m != "" {
		t.Errorf("the page points to %s", m)
	}
}
