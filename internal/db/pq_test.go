package db_test

import (
	"context"
	"slices"
	"testing"

	"github.com/partyorg/partyorg/internal/testdb"
)

// TestSettings: every PostgreSQL connection carries a statement timeout,
// so no statement runs away even outside a request's deadline, and JIT
// compilation off, so that no statement waits seconds to be compiled.
func TestSettings(t *testing.T) {
	if !slices.Contains(testdb.Dialects(), "postgres") {
		t.Skip("needs PostgreSQL (PARTYORG_TEST_PG)")
	}
	d := testdb.Open(t, "postgres")
	for _, tc := range []struct{ setting, want string }{
		{"statement_timeout", "30s"},
		{"jit", "off"},
	} {
		rows, err := d.Client.QueryContext(context.Background(), "SHOW "+tc.setting)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for rows.Next() {
			if err := rows.Scan(&got); err != nil {
				t.Fatal(err)
			}
		}
		rows.Close()
		if got != tc.want {
			t.Errorf("%s = %q, want %q", tc.setting, got, tc.want)
		}
	}
}
