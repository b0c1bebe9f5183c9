package authz

import (
	"context"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Can reports whether the viewer in ctx may do act on an object of type
// obj that belongs to the org at path: the same decision that the
// mutation rules make, for the viewerCan… fields.
func Can(ctx context.Context, path, obj, act string) bool {
	v := viewer.FromContext(ctx)
	return v != nil && v.Decider != nil && v.Allow(path, obj, act)
}

// CanAt is Can for an object that belongs to the org orgID (0: no org,
// which only a grant over everything covers). own tells that the caller
// sees the object as its own record (internal/scope), not through its
// grants.
//
// Most callers need no path: when the viewer may do act wherever it may
// read obj, or nowhere, the answer is the same for every object it can
// see through its grants. Otherwise the org's path comes from the
// request's loader.
func CanAt(ctx context.Context, orgID int, obj, act string, own bool) bool {
	v := viewer.FromContext(ctx)
	if v == nil || v.Decider == nil {
		return false
	}
	can := v.ScopeFor(obj, act)
	if can.All || orgID == 0 {
		return can.All
	}
	if !own {
		if len(can.Prefixes) == 0 {
			return false
		}
		if Covers(can, v.Scope(obj)) {
			return true
		}
	}
	l, ok := ctx.Value(pathsKey{}).(*dataloadgen.Loader[int, string])
	if !ok {
		return false
	}
	path, err := l.Load(ctx, orgID)
	return err == nil && v.Allow(path, obj, act)
}

type pathsKey struct{}

// WithPathLoader returns a context with a per-request loader of org
// paths, read in the viewer's scope: an org it cannot see has no path,
// and nothing is allowed there.
func WithPathLoader(ctx context.Context, c *ent.Client) context.Context {
	l := dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int) (map[int]string, error) {
		client := c
		if tx := ent.FromContext(ctx); tx != nil {
			client = tx
		}
		orgs, err := client.Org.Query().Where(org.IDIn(ids...)).Select(org.FieldID, org.FieldPath).All(ctx)
		if err != nil {
			return nil, err
		}
		paths := make(map[int]string, len(orgs))
		for _, o := range orgs {
			paths[o.ID] = o.Path
		}
		return paths, nil
	}, dataloadgen.WithWait(time.Millisecond))
	return context.WithValue(ctx, pathsKey{}, l)
}
