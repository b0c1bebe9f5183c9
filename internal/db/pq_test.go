package db_test

import (
	"context"
	"slices"
	"testing"

	"github.com/partyorg/partyorg/internal/testdb"
)

// TestStatementTimeout: every PostgreSQL connection carries a statement
// timeout, so no statement runs away even outside a request's deadline.
func TestStatementTimeout(t *testing.T) {
	if !slices.Contains(testdb.Dialects(), "postgres") {
		t.Skip("needs PostgreSQL (PARTYORG_TEST_PG)")
	}
	d := testdb.Open(t, "postgres")
	rows, err := d.Client.QueryContext(context.Background(), "SHOW statement_timeout")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got string
	for rows.Next() {
		if err := rows.Scan(&got); err != nil {
			t.Fatal(err)
		}
	}
	if got != "30s" {
		t.Fatalf("statement_timeout = %q, want 30s", got)
	}
}
