package orgtree

import (
	"context"
	"strings"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
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
	root := path
	if i := strings.IndexByte(path[1:], '/'); i >= 0 {
		root = path[:i+2]
	}
	return c.Org.Query().Where(org.Path(root)).Only(sys)
}
