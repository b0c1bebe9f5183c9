package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/sync/singleflight"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/graph/scalar"
	"github.com/partyorg/partyorg/internal/audit"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/tee"
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
// `analytics`) that the same viewer sent before, on the same day, while
// the data under its orgs has not changed, with the bytes it answered
// then. What is "unchanged" comes from the database, not from this
// process: the audit chains' heads of the orgs' counties (audit.Version),
// which every audited write moves in its own transaction, so replicas
// never serve each other's stale answers. A hit costs two small
// statements instead of the families' aggregates, the GraphQL execution
// of ~5,000 fields and the JSON of ~90 KB (10–25 ms of CPU for a county).
//
// It sits in front of gqlgen, over the request as sent, and considers only
// documents in gqlgen's cache of parsed and validated queries (docs): a
// document it has not validated yet goes to gqlgen, which caches it.
type dashboardCache struct {
	client *ent.Client
	log    *slog.Logger
	docs   graphql.Cache[*ast.QueryDocument]
	kept   *lru.LRU[answer]
	flight singleflight.Group
}

// answer is a response as it was written.
type answer struct {
	contentType string
	body        []byte
}

func (a answer) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", a.contentType)
	_, _ = w.Write(a.body)
}

// request is a GraphQL request body as sent.
type request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// wrap answers next's dashboards from the cache. Concurrent misses of
// one answer (a county's dashboard opened in many offices after a write)
// compute it once: the first request computes it, the others wait for it.
func (c *dashboardCache) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		key, ok := c.key(ctx, r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if a, ok := c.kept.Get(ctx, key); ok {
			a.write(w)
			return
		}
		led := false
		v, _, _ := c.flight.Do(key, func() (any, error) {
			led = true
			rec := tee.New(w)
			next.ServeHTTP(rec, r)
			var errors struct {
				Errors json.RawMessage `json:"errors"`
			}
			if rec.Status != http.StatusOK || rec.Body.Len() > maxKept ||
				json.Unmarshal(rec.Body.Bytes(), &errors) != nil || len(errors.Errors) > 0 {
				return nil, nil
			}
			a := answer{contentType: w.Header().Get("Content-Type"), body: rec.Body.Bytes()}
			c.kept.Add(ctx, key, a)
			return a, nil
		})
		switch a, ok := v.(answer); {
		case led:
		case ok:
			a.write(w)
		default:
			// The first request's answer was an error (its own timeout,
			// say): this one is answered on its own.
			next.ServeHTTP(w, r)
		}
	})
}

// key names the answer to r: the request, the viewer with its grants (an
// answer is computed in the viewer's scope), the media types it accepts,
// today (the "current" figures move with it) and the version of the data
// under the dashboard's orgs, read before the answer is computed so that
// an answer is never kept under a version newer than its data. ok is
// false for any request but a dashboard query.
func (c *dashboardCache) key(ctx context.Context, r *http.Request) (key string, ok bool) {
	vw := viewer.FromContext(ctx)
	if vw == nil {
		return "", false
	}
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	// Most requests are not dashboards: they are not decoded twice.
	var req request
	if err != nil || !bytes.Contains(body, []byte("analytics")) || json.Unmarshal(body, &req) != nil {
		return "", false
	}
	doc, ok := c.docs.Get(ctx, req.Query)
	if !ok {
		return "", false
	}
	orgs, ok := dashboardOrgs(doc.Operations.ForName(req.OperationName), req.Variables)
	if !ok {
		return "", false
	}
	version, err := audit.Version(ctx, c.client, orgs...)
	if err != nil {
		c.log.WarnContext(ctx, "dashboard cache: reading the data's version", "err", err)
		return "", false
	}
	vars, err := json.Marshal(req.Variables)
	if err != nil {
		return "", false
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00%v\x00%s\x00%s\x00%s",
		req.Query, req.OperationName, vars, vw.UserID, vw.Grants, r.Header.Get("Accept"), day.Format(day.Today()), version)
	return hex.EncodeToString(h.Sum(nil)), true
}

// dashboardOrgs returns the orgs of a query whose root fields are all
// `analytics` (and __typename); ok is false for any other operation.
func dashboardOrgs(op *ast.OperationDefinition, vars map[string]any) (orgs []int, ok bool) {
	if op == nil || op.Operation != ast.Query {
		return nil, false
	}
	for _, sel := range op.SelectionSet {
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
		id, err := scalar.UnmarshalID(f.ArgumentMap(vars)["orgID"])
		if err != nil {
			return nil, false
		}
		orgs = append(orgs, id)
	}
	return orgs, len(orgs) > 0
}
