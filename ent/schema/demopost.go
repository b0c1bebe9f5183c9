package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// DemoPost is a demonstration post (党员示范岗) or responsibility zone
// (党员责任区): a member standing for the convention at an org.
type DemoPost struct {
	ent.Schema
}

// Mixin of DemoPost.
func (DemoPost) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "org_id", Member: "member_id"}}
}

// Fields of DemoPost.
func (DemoPost) Fields() []ent.Field {
	return []ent.Field{
		field.Int("org_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("member_id").
			Optional().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Enum("kind").
			NamedValues("DemonstrationPost", "DEMONSTRATION_POST", "ResponsibilityZone", "RESPONSIBILITY_ZONE").
			Immutable().
			Comment("党员示范岗 DEMONSTRATION_POST, 党员责任区 RESPONSIBILITY_ZONE.").
			Annotations(entgql.Type("DemoPostKind")),
		field.String("title").
			Validate(validName).
			Comment("名称: e.g. 景区服务示范岗, 村东片责任区.").
			Annotations(entgql.OrderField("TITLE")),
	}
}

// Edges of DemoPost.
func (DemoPost) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("org", Org.Type).
			Field("org_id").
			Unique().
			Required().
			Immutable().
			Comment("设岗组织: the org where the post or zone is set."),
		edge.To("member", Member.Type).
			Field("member_id").
			Unique().
			Comment("党员: the member who holds it; null outside the caller's scope."),
	}
}

// Indexes of DemoPost.
func (DemoPost) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("org_id", "kind"),
		index.Fields("member_id"),
	}
}

// Annotations of DemoPost.
func (DemoPost) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField().Description("党员示范岗 and 党员责任区 of the orgs in scope."),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}
