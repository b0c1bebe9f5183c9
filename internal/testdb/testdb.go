// Package testdb gives tests a fresh, migrated database: an SQLite file
// always, and a PostgreSQL database of their own when PARTYORG_TEST_PG
// holds a server URL.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/internal/db"
)

// EnvPG names the variable holding a PostgreSQL URL for tests.
const EnvPG = "PARTYORG_TEST_PG"

// DB is one database under test.
type DB struct {
	// Name is "sqlite" or "postgres".
	Name string
	// DSN opens it again (for a second client or the whole server).
	DSN    string
	Client *ent.Client
	// Statements counts the SQL statements the client has run.
	Statements *atomic.Int64
}

// Each runs f as a subtest on SQLite and, when PARTYORG_TEST_PG is set, on
// PostgreSQL, each with a new migrated database.
func Each(t *testing.T, f func(t *testing.T, d *DB)) {
	t.Helper()
	for _, name := range Dialects() {
		t.Run(name, func(t *testing.T) { f(t, Open(t, name)) })
	}
}

// Dialects lists the databases tests run on here.
func Dialects() []string {
	if os.Getenv(EnvPG) != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Open returns a new migrated database of the named kind, removed when
// the test ends.
func Open(tb testing.TB, name string) *DB {
	tb.Helper()
	var dsn string
	switch name {
	case "sqlite":
		dsn = filepath.Join(tb.TempDir(), "partyorg.db")
	case "postgres":
		dsn = createPG(tb)
	default:
		tb.Fatalf("testdb: unknown database %q", name)
	}
	drv, err := db.OpenDriver(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { drv.Close() })
	if err := db.Migrate(context.Background(), ent.NewClient(ent.Driver(drv))); err != nil {
		tb.Fatal(err)
	}
	n := new(atomic.Int64)
	return &DB{Name: name, DSN: dsn, Client: ent.NewClient(ent.Driver(db.Counting(drv, n))), Statements: n}
}

// createPG creates a database of the test's own on the server named by
// PARTYORG_TEST_PG (go test runs packages in parallel) and drops it after.
func createPG(tb testing.TB) string {
	base := os.Getenv(EnvPG)
	if base == "" {
		tb.Skip("PARTYORG_TEST_PG is not set")
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "partyorg_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("testdb: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("postgres", base)
		if err != nil {
			tb.Error(err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			tb.Errorf("testdb: dropping %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
