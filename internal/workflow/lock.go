package workflow

import (
	"context"

	"entgo.io/ent/dialect"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/viewer"
)

// LockOrg serializes, until the transaction ends, the steps that number
// or version something per org (a county's plaque numbers, a sector's
// convention versions): the second caller waits and then sees the first
// one's rows. On PostgreSQL it locks the org's row (SELECT … FOR UPDATE);
// SQLite write transactions take the database lock when they begin
// (internal/db), so they are serialized already.
//
// The lock is the server's own work: the caller's rights were checked
// before, and the org may lie above its read scope.
func LockOrg(ctx context.Context, c *ent.Client, id int) error {
	if c.Dialect() != dialect.Postgres {
		return nil
	}
	_, err := c.Org.Query().Where(org.ID(id)).ForUpdate().IDs(viewer.NewSystemContext(ctx))
	return err
}
