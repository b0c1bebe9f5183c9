package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"github.com/partyorg/partyorg/internal/scope"
)

// ScopedBy scopes a type by the org it belongs to: Column holds that
// org's ID. It is the whole of what a new practice needs for the scope
// rule: reads (lists, edges, node, counts and Has<Edge>With filters) see
// only rows of orgs in the viewer's scope, writes are checked with Casbin
// against the org's path, and every mutation is audited.
type ScopedBy struct {
	mixin.Schema
	Column string
	// Also names a second org column: the row belongs to both orgs, so
	// either org's scope reads it and either org's writers may write it.
	Also string
	// Member names a column holding a member ID: that member always
	// reads the row (its own record, pledges, entries), whatever its
	// grants say. User does the same for a user ID.
	Member, User string
	// Unaudited skips the audit hook (for the audit trail itself).
	Unaudited bool
}

// annotation is the scope that ent/template and the read interceptor apply.
func (m ScopedBy) annotation() scope.Annotation {
	return scope.Annotation{Column: m.Column, Also: m.Also, Member: m.Member, User: m.User}
}

// Annotations of ScopedBy tell ent/template how the type is scoped.
func (m ScopedBy) Annotations() []schema.Annotation {
	return []schema.Annotation{m.annotation()}
}

// OrgScope scopes the org tree itself, by its materialized path.
type OrgScope struct {
	mixin.Schema
}

// Annotations of OrgScope.
func (OrgScope) Annotations() []schema.Annotation {
	return []schema.Annotation{scope.Annotation{Column: scope.PathColumn}}
}

// Timestamps records when a row was created and last updated, and its
// version, which every update moves on (internal/version: updates made
// with ifVersion apply only at the version the client read).
type Timestamps struct {
	mixin.Schema
}

// Fields of Timestamps.
func (Timestamps) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Default(time.Now).
			Immutable().
			Annotations(
				entgql.OrderField("CREATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
		field.Time("updated_at").
			Default(time.Now).
			UpdateDefault(time.Now).
			Annotations(
				entgql.OrderField("UPDATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
		field.Int("version").
			Default(1).
			Comment("版本: moves on with every update; send it back as ifVersion to update only what you read.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
	}
}
