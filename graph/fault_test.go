package graph_test

import (
	"database/sql"
	"slices"
	"testing"

	_ "github.com/lib/pq"

	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestDatabaseConnectionsKilled: PostgreSQL ends every connection of the
// server (as a restart or failover does). Requests in that moment fail
// cleanly with INTERNAL, and the server recovers by itself: the ones
// after succeed.
func TestDatabaseConnectionsKilled(t *testing.T) {
	if !slices.Contains(testdb.Dialects(), "postgres") {
		t.Skip("needs PostgreSQL (PARTYORG_TEST_PG)")
	}
	d := testdb.Open(t, "postgres")
	apitest.Matrix(t, d.Client, 1, 1, 1, 2)
	api := apitest.New(t, d)
	admin := api.Login(t, "admin", apitest.Password)
	const q = `{ members(first: 10) { totalCount edges { node { name branch { name } } } } }`
	admin.MustDo(t, q, nil, nil)

	other, err := sql.Open("postgres", d.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for round := range 3 {
		var killed int
		if err := other.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&killed); err != nil {
			t.Fatal(err)
		}
		if killed == 0 {
			t.Fatalf("round %d: no server connection to end", round)
		}
		failed := 0
		for i := range 10 {
			errs := admin.Do(t, q, nil, nil)
			for _, e := range errs {
				if e.Code() != "INTERNAL" {
					t.Errorf("round %d request %d: %s, want a clean INTERNAL", round, i, e)
				}
			}
			if len(errs) > 0 {
				failed++
			}
		}
		// Recovered: the last requests all succeed.
		for i := range 3 {
			if errs := admin.Do(t, q, nil, nil); len(errs) > 0 {
				t.Fatalf("round %d: request %d after recovery failed: %v", round, i, errs)
			}
		}
		t.Logf("round %d: %d connections ended, %d of 10 requests failed", round, killed, failed)
	}
}
