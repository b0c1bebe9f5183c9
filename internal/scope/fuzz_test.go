package scope_test

import (
	"database/sql"
	"strconv"
	"strings"
	"testing"

	entsql "entgo.io/ent/dialect/sql"
	_ "modernc.org/sqlite"

	"github.com/partyorg/partyorg/internal/scope"
)

// path makes a materialized path from fuzz bytes: each byte a segment,
// as the tree writes them ("/3/250/7/").
func path(b []byte) string {
	var sb strings.Builder
	sb.WriteByte('/')
	for _, x := range b {
		sb.WriteString(strconv.Itoa(int(x)))
		sb.WriteByte('/')
	}
	return sb.String()
}

// FuzzUnder holds the scope's SQL range equal to "the path lies in the
// prefix's subtree" (a string prefix of whole segments), run by SQLite
// itself: no prefix like /1/4/ may reach /1/49/, none may miss a
// descendant.
func FuzzUnder(f *testing.F) {
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE TABLE orgs (path TEXT)"); err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][2][]byte{
		{{1, 4}, {1, 49}}, {{1, 4}, {1, 4, 9}}, {{1}, {1}}, {{1, 4}, {1}}, {{255}, {255, 0}}, {{9}, {10}},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, prefix, p []byte) {
		if len(prefix) > 12 || len(p) > 12 {
			t.Skip()
		}
		pre, row := path(prefix), path(p)
		q, args := entsql.Select("path").From(entsql.Table("orgs")).Where(scope.Under("path", []string{pre})).Query()
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec("INSERT INTO orgs (path) VALUES (?)", row); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.QueryRow("SELECT count(*) FROM ("+q+")", args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if want := strings.HasPrefix(row, pre); (n == 1) != want {
			t.Fatalf("Under(%q) matches %q: %v, want %v", pre, row, n == 1, want)
		}
	})
}

func TestCountyPath(t *testing.T) {
	for path, want := range map[string]string{"/1/7/42/": "/1/", "/1/": "/1/", "/": "", "": ""} {
		if got := scope.CountyPath(path); got != want {
			t.Errorf("CountyPath(%q) = %q, want %q", path, got, want)
		}
	}
}
