package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Org is a node of the organization tree (组织): a county, township,
// village, community, county unit or Party branch.
type Org struct {
	ent.Schema
}

// Mixin of Org.
func (Org) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, OrgScope{}}
}

// Fields of Org.
func (Org) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Validate(validName).
			Comment("名称: the org's name, 1–60 characters.").
			Annotations(entgql.OrderField("NAME")),
		field.Enum("kind").
			NamedValues(
				"County", "COUNTY",
				"Township", "TOWNSHIP",
				"Village", "VILLAGE",
				"Community", "COMMUNITY",
				"Unit", "UNIT",
				"Branch", "BRANCH",
			).
			Immutable().
			Comment("层级: 县 COUNTY, 乡镇 TOWNSHIP, 村 VILLAGE, 社区 COMMUNITY, 单位 UNIT, 党支部 BRANCH.").
			Annotations(entgql.OrderField("KIND")),
		field.Enum("sector").
			NamedValues(
				"Rural", "RURAL",
				"Community", "COMMUNITY",
				"Agency", "AGENCY",
				"Institution", "INSTITUTION",
				"SOE", "SOE",
				"NonPublic", "NON_PUBLIC",
				"SocialOrg", "SOCIAL_ORG",
				"School", "SCHOOL",
				"ServiceWindow", "SERVICE_WINDOW",
			).
			Comment("领域: decides pledge topics, scoring catalogues and the member convention.").
			Annotations(entgql.Type("Sector"), entgql.OrderField("SECTOR")),
		field.String("code").
			Optional().
			Unique().
			MaxLen(32).
			Comment("组织代码: the org's code in the Party's records, when it has one."),
		field.String("path").
			Optional().
			Unique().
			Comment("Materialized path of org IDs from the root, e.g. /1/7/42/; maintained by the server. Hidden from the API: it names ancestors outside the caller's scope.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("parent_id").
			Optional().
			Comment("The parent org; a COUNTY has none.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
	}
}

// Edges of Org.
func (Org) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", Org.Type).
			Comment("下级组织: the orgs directly below this one.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			From("parent").
			Field("parent_id").
			Unique().
			Comment("上级组织: the org directly above; null when it is outside the caller's scope."),
		edge.To("members", Member.Type).
			Comment("党员: members of this branch.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("users", User.Type).
			Comment("Accounts managed at this org.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipAll)),
		edge.To("role_bindings", RoleBinding.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of Org.
func (Org) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("parent_id"),
	}
}

// Annotations of Org.
func (Org) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Annotation{Table: "orgs"},
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
