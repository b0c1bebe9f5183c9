package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// User is an account that signs in to partyorg. Its home org (org_id)
// decides which ORG_ADMINs manage it; what it may see follows from its
// role bindings.
type User struct {
	ent.Schema
}

// Mixin of User.
func (User) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "org_id", User: "id"}}
}

// Fields of User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("username").
			Unique().
			Match(regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{2,31}$`)).
			Comment("Login name: 3–32 lowercase letters, digits, '.', '_' or '-'.").
			Annotations(entgql.OrderField("USERNAME")),
		field.String("password_hash").
			Sensitive().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("disabled").
			Default(false).
			Comment("A disabled account cannot sign in."),
		field.Int("token_version").
			Default(0).
			Comment("Moves on at every password change and disable: tokens issued before carry an older version and are refused.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("member_id").
			Optional().
			Unique().
			Comment("The Party member this account belongs to, if any.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("org_id").
			Optional().
			Comment("The org whose administrators manage this account; null for accounts only ADMIN manages.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
	}
}

// Edges of User.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("member", Member.Type).
			Field("member_id").
			Unique().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("org", Org.Type).
			Ref("users").
			Field("org_id").
			Unique().
			Comment("The org whose administrators manage this account.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("roles", RoleBinding.Type).
			Comment("The caller's role bindings: each a role held at one org.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Annotations of User.
func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}
