package orgtree

import (
	"context"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/scope"
	"github.com/partyorg/partyorg/internal/viewer"
)

// County returns the county at the root of the org id's path. Practices
// keep per-county things (conventions, plaque numbers) that a township's
// or a branch's step must find although the county lies above the
// caller's scope, so the lookup is the server's own; callers check the
// caller's rights at id first.
func County(ctx context.Context, c *ent.Client, id int) (*ent.Org, error) {
	sys := viewer.NewSystemContext(ctx)
	path, err := c.Org.Query().Where(org.ID(id)).Select(org.FieldPath).String(sys)
	if err != nil {
		return nil, err
	}
	return c.Org.Query().Where(org.Path(scope.CountyPath(path))).Only(sys)
}
