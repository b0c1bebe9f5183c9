// Package version makes updates conditional on what the client last
// read: every updatable row carries a version that each one-row update
// moves on, and an update made with If(ctx, n) applies only while the row
// is still at version n (CONFLICT otherwise, nothing written). The check
// and the write are one statement (UPDATE … WHERE id = ? AND version =
// ?), so of two clients that read the same version one wins.
package version

import (
	"context"

	entgo "entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/hook"
	"github.com/partyorg/partyorg/internal/errs"
)

// Field is the version column of every updatable type (ent/schema's
// Timestamps mixin).
const Field = "version"

type key struct{}

// expect is the version an update of the row id must find.
type expect struct{ id, version int }

// If returns ctx for an update of row id that applies only at version
// *v; a nil v (the client sent no ifVersion) leaves it unconditional.
// Other rows a workflow updates on the way keep their own versions.
func If(ctx context.Context, id int, v *int) context.Context {
	if v == nil {
		return ctx
	}
	return context.WithValue(ctx, key{}, expect{id, *v})
}

// Hook moves the version of each one-row update on, and makes the update
// conditional when its context asks (If).
func Hook() entgo.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if err := m.AddField(Field, 1); err != nil {
				return nil, err
			}
			want, conditional := ctx.Value(key{}).(expect)
			if conditional {
				id, _ := m.(interface{ ID() (int, bool) }).ID()
				conditional = id == want.id
			}
			if conditional {
				m.(interface{ WhereP(...func(*sql.Selector)) }).WhereP(sql.FieldEQ(Field, want.version))
			}
			v, err := next.Mutate(ctx, m)
			// The privacy rule has found the row already: "not found" now
			// means it is no longer at the version asked for.
			if conditional && ent.IsNotFound(err) {
				return nil, errs.New(errs.Conflict, "the %s has changed since version %d: read it again", m.Type(), want.version)
			}
			return v, err
		})
	}, ent.OpUpdateOne)
}
