package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/graph/scalar"
	"github.com/partyorg/partyorg/internal/audit"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/viewer"
)

// DefaultDashboardCache is the number of dashboard answers kept when
// Options.DashboardCache is 0: a county's is ~90 KB. An answer above
// maxKept (a dashboard that also lists members) is not kept, which bounds
// the cache at 256 MiB.
const (
	DefaultDashboardCache = 256
	maxKept               = 1 << 20
)

// dashboardCache answers a dashboard query (one whose root fields are all
// `analytics`) that the same viewer asked before, on the same day, while
// the data under its orgs has not changed. What is "unchanged" comes from
// the database, not from this process: the audit chains' heads of the
// orgs' counties (audit.Version), which every audited write moves in its
// own transaction, so replicas never serve each other's stale answers.
// A hit costs two small statements instead of the families' aggregates
// and the GraphQL execution of ~5,000 fields, which alone is 10–18 ms of
// CPU per county dashboard.
type dashboardCache struct {
	client *ent.Client
	log    *slog.Logger
	kept   *lru.LRU[*graphql.Response]
}

var (
	_ graphql.HandlerExtension     = dashboardCache{}
	_ graphql.OperationInterceptor = dashboardCache{}
)

func (dashboardCache) ExtensionName() string                          { return "DashboardCache" }
func (dashboardCache) Validate(schema graphql.ExecutableSchema) error { return nil }

// InterceptOperation answers from the cache or keeps what the operation
// answers without errors.
func (c dashboardCache) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	vw := viewer.FromContext(ctx)
	orgs, ok := dashboardOrgs(oc)
	if !ok || vw == nil {
		return next(ctx)
	}
	version, err := audit.Version(ctx, c.client, orgs...)
	if err != nil {
		// An org that does not exist: the operation answers NOT_FOUND.
		c.log.DebugContext(ctx, "dashboard cache: no version", "err", err)
		return next(ctx)
	}
	key, err := cacheKey(oc, vw, version)
	if err != nil {
		return next(ctx)
	}
	if resp, ok := c.kept.Get(ctx, key); ok {
		hit := *resp // later extensions may add to the copy's Extensions, not to the kept one
		hit.Extensions = nil
		return graphql.OneShot(&hit)
	}
	answer := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := answer(ctx)
		if resp != nil && len(resp.Errors) == 0 && len(resp.Data) <= maxKept {
			kept := *resp
			c.kept.Add(ctx, key, &kept)
		}
		return resp
	}
}

// dashboardOrgs returns the orgs of a query whose root fields are all
// `analytics` (and __typename); ok is false for any other operation.
func dashboardOrgs(oc *graphql.OperationContext) (orgs []int, ok bool) {
	if oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return nil, false
	}
	for _, sel := range oc.Operation.SelectionSet {
		f, isField := sel.(*ast.Field)
		if !isField {
			return nil, false
		}
		switch f.Name {
		case "__typename":
			continue
		case "analytics":
		default:
			return nil, false
		}
		id, err := scalar.UnmarshalID(f.ArgumentMap(oc.Variables)["orgID"])
		if err != nil {
			return nil, false
		}
		orgs = append(orgs, id)
	}
	return orgs, len(orgs) > 0
}

// cacheKey names one answer: the document, its variables, the viewer
// with its grants (an answer is computed in the viewer's scope), today
// (the "current" figures move with it) and the data's version.
func cacheKey(oc *graphql.OperationContext, vw *viewer.Viewer, version string) (string, error) {
	vars, err := json.Marshal(oc.Variables)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00%v\x00%s\x00%s",
		oc.RawQuery, oc.OperationName, vars, vw.UserID, vw.Grants, day.Format(day.Today()), version)
	return hex.EncodeToString(h.Sum(nil)), nil
}
