package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// RoleBinding grants a user one role at one org (its home for that role);
// ADMIN needs no org. Bindings are granted and revoked, never edited.
type RoleBinding struct {
	ent.Schema
}

// Mixin of RoleBinding.
func (RoleBinding) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "org_id", User: "user_id"}}
}

// Fields of RoleBinding.
func (RoleBinding) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("role").
			NamedValues("Admin", "ADMIN", "OrgAdmin", "ORG_ADMIN", "Viewer", "VIEWER", "Member", "MEMBER").
			Immutable().
			Comment("ADMIN: every county; ORG_ADMIN: the org's subtree; VIEWER: reads the subtree; MEMBER: a Party member's own records.").
			Annotations(entgql.Type("Role")),
		field.Int("user_id").Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("org_id").Optional().Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
	}
}

// Edges of RoleBinding.
func (RoleBinding) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).
			Ref("roles").
			Field("user_id").
			Unique().
			Required().
			Immutable(),
		edge.From("org", Org.Type).
			Ref("role_bindings").
			Field("org_id").
			Unique().
			Immutable().
			Comment("The role's home org; null for ADMIN, or when outside the caller's scope."),
	}
}

// Indexes of RoleBinding.
func (RoleBinding) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id", "role", "org_id").Unique(),
		index.Fields("org_id"),
	}
}

// Annotations of RoleBinding.
func (RoleBinding) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
