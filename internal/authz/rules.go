package authz

import (
	"context"

	entgo "entgo.io/ent"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/intercept"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/privacy"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/scope"
	"github.com/partyorg/partyorg/internal/viewer"
)

// FilterReads limits every read of a type scoped as a says to the
// viewer's scope: root lists, edges, node lookups and counts all go
// through it.
func FilterReads(a scope.Annotation) entgo.Interceptor {
	return intercept.TraverseFunc(func(ctx context.Context, q intercept.Query) error {
		q.WhereP(scope.Filter(viewer.FromContext(ctx), q.Type(), a))
		return nil
	})
}

// ScopedMutationRule checks a write to a type whose rows belong to the
// org in column col: the org must be readable (else NOT_FOUND) and the
// policy must allow the action there (else FORBIDDEN). Moving a row to
// another org also needs "create" at the new one. A row that belongs to
// a second org too (column also, "" for none) may be written by whoever
// may write it at either org.
func ScopedMutationRule(col, also string) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		err := checkScoped(ctx, m, col, orgBefore.OrgIDBefore)
		if err != nil && also != "" {
			err = either(err, checkScoped(ctx, m, also, alsoBefore.AlsoOrgIDBefore))
		}
		return skipIfAllowed(err)
	})
}

// either is the answer of two checks of which one must pass, both having
// failed: the second unless the first says more than NOT_FOUND (FORBIDDEN
// when either org is readable).
func either(a, b error) error {
	if code, _ := errs.CodeOf(a); code == errs.NotFound {
		return b
	}
	return a
}

// OrgMutationRule checks writes to the org tree: creating an org is a
// "create" at its parent, updating or deleting one is checked at the org
// itself, and moving one also needs "create" at the new parent.
func OrgMutationRule() privacy.MutationRule {
	return privacy.OrgMutationRuleFunc(func(ctx context.Context, m *ent.OrgMutation) error {
		return skipIfAllowed(checkOrg(ctx, m))
	})
}

// skipIfAllowed lets the policy's next rule decide once a check passed.
func skipIfAllowed(err error) error {
	if err != nil {
		return err
	}
	return privacy.Skip
}

// orgBefore is implemented by the mutations of scoped types (ent/template).
type orgBefore interface {
	OrgIDBefore(context.Context) (int, error)
}

// alsoBefore is implemented by the mutations of types that belong to two
// orgs.
type alsoBefore interface {
	AlsoOrgIDBefore(context.Context) (int, error)
}

func checkScoped[B any](ctx context.Context, m ent.Mutation, col string, before func(B, context.Context) (int, error)) error {
	v, err := caller(ctx)
	if err != nil {
		return err
	}
	c := clientOf(m)
	switch {
	case m.Op().Is(ent.OpCreate):
		return allowAt(ctx, c, v, fieldOrg(m, col), m.Type(), Create)
	case m.Op().Is(ent.OpUpdateOne | ent.OpDeleteOne):
		old, err := before(m.(B), ctx)
		if err != nil {
			return notFound(err, m.Type())
		}
		if err := allowAt(ctx, c, v, asID(old), m.Type(), action(m.Op())); err != nil {
			return err
		}
		if _, set := m.Field(col); set || m.FieldCleared(col) {
			return allowAt(ctx, c, v, fieldOrg(m, col), m.Type(), Create)
		}
		return nil
	default:
		return allowAt(ctx, c, v, nil, m.Type(), m.Op().String())
	}
}

func checkOrg(ctx context.Context, m *ent.OrgMutation) error {
	v, err := caller(ctx)
	if err != nil {
		return err
	}
	c := m.Client()
	parent := func() *int {
		if id, ok := m.ParentID(); ok {
			return &id
		}
		return nil
	}
	switch {
	case m.Op().Is(ent.OpCreate):
		return allowAt(ctx, c, v, parent(), m.Type(), Create)
	case m.Op().Is(ent.OpUpdateOne | ent.OpDeleteOne):
		id, _ := m.ID()
		if err := allowAt(ctx, c, v, &id, m.Type(), action(m.Op())); err != nil {
			return err
		}
		if _, set := m.ParentID(); set || m.ParentCleared() {
			return allowAt(ctx, c, v, parent(), m.Type(), Create)
		}
		return nil
	default:
		return allowAt(ctx, c, v, nil, m.Type(), m.Op().String())
	}
}

// action is the policy action of a one-row update or delete.
func action(op ent.Op) string {
	if op.Is(ent.OpDeleteOne) {
		return Delete
	}
	return Update
}

// Require checks that the viewer in ctx may do act on an object of type
// obj that belongs to the org orgID: NOT_FOUND when the org is outside
// its read scope, FORBIDDEN when the policy refuses. Workflow steps of
// the practices (internal/<practice>) call it with their own actions.
func Require(ctx context.Context, c *ent.Client, orgID int, obj, act string) error {
	v, err := caller(ctx)
	if err != nil {
		return err
	}
	return allowAt(ctx, c, v, &orgID, obj, act)
}

// RequireAny is Require for an object that belongs to several orgs at
// once (a pairing of two branches): the viewer may act when it may at any
// of them. Refused everywhere, it is FORBIDDEN when any org is readable,
// else NOT_FOUND.
func RequireAny(ctx context.Context, c *ent.Client, obj, act string, orgIDs ...int) error {
	err := errs.New(errs.NotFound, "Org not found")
	for _, id := range orgIDs {
		e := Require(ctx, c, id, obj, act)
		if e == nil {
			return nil
		}
		err = either(err, e)
	}
	return err
}

// allowAt checks act on obj at the org orgID (nil: at the root, which
// only a grant over everything covers); nil means allowed. The org is looked up with the
// viewer's own scope, so an org it cannot see is NOT_FOUND.
func allowAt(ctx context.Context, c *ent.Client, v *viewer.Viewer, orgID *int, obj, act string) error {
	path := Root
	if orgID != nil {
		p, err := c.Org.Query().Where(org.ID(*orgID)).Select(org.FieldPath).String(ctx)
		if err != nil {
			return notFound(err, "Org")
		}
		path = p
	}
	if !v.Allow(path, obj, act) {
		return privacy.Denyf("%w", errs.New(errs.Forbidden, "not permitted to %s this %s", act, obj))
	}
	return nil
}

func caller(ctx context.Context) (*viewer.Viewer, error) {
	v := viewer.FromContext(ctx)
	if v == nil || v.Decider == nil {
		return nil, privacy.Denyf("%w", errs.New(errs.Unauthenticated, "sign in first"))
	}
	return v, nil
}

// notFound turns a lookup that the scope hid into NOT_FOUND.
func notFound(err error, typ string) error {
	if ent.IsNotFound(err) {
		return errs.New(errs.NotFound, "%s not found", typ)
	}
	return err
}

func clientOf(m ent.Mutation) *ent.Client {
	return m.(interface{ Client() *ent.Client }).Client()
}

func fieldOrg(m ent.Mutation, col string) *int {
	v, _ := m.Field(col)
	return asID(v)
}

func asID(v ent.Value) *int {
	switch id := v.(type) {
	case int:
		if id != 0 {
			return &id
		}
	case *int:
		return id
	}
	return nil
}
