package graph_test

import (
	"context"
	"testing"

	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

// TestLoginTakesNoWriteLock signs in while another connection holds
// SQLite's write lock: a sign-in writes nothing, so it must not wait for
// the lock (in a transaction it would, and fail after the busy timeout).
func TestLoginTakesNoWriteLock(t *testing.T) {
	d := testdb.Open(t, "sqlite")
	apitest.Matrix(t, d.Client, 1, 1, 1, 1)
	api := apitest.New(t, d)
	// Write transactions take the lock when they begin (_txlock=immediate).
	tx, err := d.Client.Tx(viewer.NewSystemContext(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // nothing was written
	api.Login(t, "admin", apitest.Password)
}
