package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partyorg/partyorg/internal/day"
)

// JointActivity is an activity of a branch pairing (共建活动). Like its
// pairing it belongs to both branches.
type JointActivity struct {
	ent.Schema
}

// Mixin of JointActivity.
func (JointActivity) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "unit_branch_id", Also: "village_branch_id"}}
}

// Fields of JointActivity.
func (JointActivity) Fields() []ent.Field {
	return []ent.Field{
		field.Int("pairing_id").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("unit_branch_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("village_branch_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("area").
			NamedValues(
				"OrganizationBuilding", "ORGANIZATION_BUILDING",
				"MemberEducation", "MEMBER_EDUCATION",
				"CadreTeam", "CADRE_TEAM",
				"Talent", "TALENT",
			).
			Comment("共建领域: 基层组织建设 ORGANIZATION_BUILDING, 党员教育管理 MEMBER_EDUCATION, 干部队伍建设 CADRE_TEAM, 人才培育 TALENT.").
			Annotations(entgql.Type("JointArea")),
		field.Time("on").
			SchemaType(day.SchemaType).
			Comment("活动日期").
			Annotations(entgql.Type("Date"), entgql.OrderField("ON")),
		field.String("title").
			NotEmpty().
			Comment("活动主题"),
		field.Strings("participants").
			Default([]string{}).
			Comment("参加人员"),
		field.String("outcome").
			Default("").
			Comment("活动成效"),
	}
}

// Edges of JointActivity.
func (JointActivity) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("pairing", BranchPairing.Type).
			Ref("activities").
			Field("pairing_id").
			Unique().
			Required().
			Comment("所属结对"),
	}
}

// Indexes of JointActivity.
func (JointActivity) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("pairing_id", "on"),
		index.Fields("unit_branch_id"),
		index.Fields("village_branch_id"),
	}
}

// Annotations of JointActivity.
func (JointActivity) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
	}
}
