// Package audit records every mutation in the append-only audit trail:
// who, when, which operation on which object, and the changed fields.
package audit

import (
	"context"
	"fmt"
	"time"

	entgo "entgo.io/ent"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/auditlog"
	"github.com/partyorg/partyorg/ent/hook"
	"github.com/partyorg/partyorg/internal/scope"
)

// redacted fields are recorded as changed, never with their value.
var redacted = map[string]bool{"password_hash": true}

// Redacted is what the trail shows instead of a secret.
const Redacted = "[redacted]"

var ops = map[ent.Op]auditlog.Op{
	ent.OpCreate:    auditlog.OpCreate,
	ent.OpUpdateOne: auditlog.OpUpdate,
	ent.OpDeleteOne: auditlog.OpDelete,
}

// Hook records each create, update and delete of one object of a type
// scoped by col (scope.PathColumn for orgs themselves), in the same
// transaction as the change, chained to its county's trail (chain.go).
// An object that belongs to a second org too (also, ScopedBy.Also: a
// branch pairing's village branch) has its entries read by that org's
// scope as well. (Bulk updates and deletes are refused for scoped types;
// see ent/schema.)
func Hook(col, also string) entgo.Hook {
	return hook.If(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			c := m.(interface{ Client() *ent.Client }).Client()
			orgID, err := orgBefore(ctx, m, col, func() (int, error) { return m.(orgIDBefore).OrgIDBefore(ctx) })
			if err != nil {
				return nil, err
			}
			var alsoID *int
			if also != "" {
				alsoID, err = orgBefore(ctx, m, also, func() (int, error) { return m.(alsoOrgIDBefore).AlsoOrgIDBefore(ctx) })
				if err != nil {
					return nil, err
				}
			}
			id, _ := m.(interface{ ID() (int, bool) }).ID()
			e := &ent.AuditLog{At: time.Now(), Op: ops[m.Op()], Type: m.Type(), Changes: changed(m)}
			// An org about to be deleted is looked up while it exists.
			countyKnown := col == scope.PathColumn && m.Op().Is(ent.OpDeleteOne)
			if countyKnown {
				if e.CountyID, err = countyOf(ctx, c, id); err != nil {
					return nil, err
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			id, _ = m.(interface{ ID() (int, bool) }).ID()
			e.ObjectID = id
			if col == scope.PathColumn {
				orgID = &id
			}
			if alsoID != nil {
				e.AlsoOrgID = *alsoID
			}
			if orgID != nil {
				e.OrgID = *orgID
				if !countyKnown {
					if e.CountyID, err = countyOf(ctx, c, *orgID); err != nil {
						return nil, err
					}
				}
			}
			if err := appendEntry(ctx, c, e); err != nil {
				return nil, fmt.Errorf("audit: %w", err)
			}
			return v, nil
		})
	}, hook.HasOp(ent.OpCreate|ent.OpUpdateOne|ent.OpDeleteOne))
}

// The mutations of scoped types tell the org a row had before a one-row
// update or delete (ent/template).
type (
	orgIDBefore interface {
		OrgIDBefore(context.Context) (int, error)
	}
	alsoOrgIDBefore interface {
		AlsoOrgIDBefore(context.Context) (int, error)
	}
)

// orgBefore returns the org an object belongs to by its column col: the
// new one when the mutation sets it, else the one it had (read by
// before).
func orgBefore(ctx context.Context, m ent.Mutation, col string, before func() (int, error)) (*int, error) {
	if col == scope.PathColumn {
		return nil, nil
	}
	if v, ok := m.Field(col); ok {
		id := v.(int)
		return &id, nil
	}
	if m.Op().Is(ent.OpCreate) || m.FieldCleared(col) {
		return nil, nil
	}
	id, err := before()
	if err != nil || id == 0 {
		return nil, err
	}
	return &id, nil
}

func changed(m ent.Mutation) map[string]any {
	c := map[string]any{}
	for _, f := range m.Fields() {
		v, _ := m.Field(f)
		if redacted[f] {
			v = Redacted
		}
		c[f] = v
	}
	for _, f := range m.ClearedFields() {
		c[f] = nil
	}
	return c
}

// Entry is an act that the trail records but that is no write through
// ent, such as an export.
type Entry struct {
	Op              auditlog.Op
	Type            string
	ObjectID, OrgID int
	Changes         map[string]any
}

// Record writes e to the trail as the viewer in ctx, in a transaction of
// its own (the chain's head is locked until it ends).
func Record(ctx context.Context, c *ent.Client, e Entry) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return err
	}
	county, err := countyOf(ctx, tx.Client(), e.OrgID)
	if err == nil {
		err = appendEntry(ctx, tx.Client(), &ent.AuditLog{At: time.Now(), Op: e.Op, Type: e.Type,
			ObjectID: e.ObjectID, OrgID: e.OrgID, CountyID: county, Changes: e.Changes})
	}
	if err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("audit: %w", err)
	}
	return tx.Commit()
}
