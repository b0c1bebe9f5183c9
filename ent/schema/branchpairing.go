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

// BranchPairing is a pairing of a county unit's branch with a village or
// community branch (支部结对共联建). It belongs to both branches: either
// side's scope reads it.
type BranchPairing struct {
	ent.Schema
}

// Mixin of BranchPairing.
func (BranchPairing) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "unit_branch_id", Also: "village_branch_id"}}
}

// Fields of BranchPairing. The org and member columns are optional in
// ent only so that their edges may be null for a viewer who cannot see
// the far side; internal/pairing always sets them.
func (BranchPairing) Fields() []ent.Field {
	return []ent.Field{
		field.Int("unit_branch_id").
			Optional().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("village_branch_id").
			Optional().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("responsible_id").
			Optional().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("unit_branch_name").
			Comment("县直单位党支部名称: the unit branch's name, copied so that the village side sees it.").
			Annotations(entgql.OrderField("UNIT_BRANCH_NAME")),
		field.String("village_branch_name").
			Comment("农村(社区)党支部名称: the village or community branch's name, copied so that the unit side sees it.").
			Annotations(entgql.OrderField("VILLAGE_BRANCH_NAME")),
		field.Time("start_on").
			SchemaType(day.SchemaType).
			Comment("结对开始日期").
			Annotations(entgql.Type("Date"), entgql.OrderField("START_ON")),
		field.Time("end_on").
			SchemaType(day.SchemaType).
			Optional().
			Nillable().
			Comment("结对结束日期: planned at creation, or the day the pairing was ended.").
			Annotations(entgql.Type("Date")),
		field.Enum("status").
			NamedValues("Active", "ACTIVE", "Ended", "ENDED").
			Default("ACTIVE").
			Comment("结对状态: 结对中 ACTIVE, 已结束 ENDED."),
	}
}

// Edges of BranchPairing.
func (BranchPairing) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("unit_branch", Org.Type).
			Unique().
			Field("unit_branch_id").
			Comment("县直单位党支部: null unless it is in the caller's scope."),
		edge.To("village_branch", Org.Type).
			Unique().
			Field("village_branch_id").
			Comment("农村(社区)党支部: null unless it is in the caller's scope."),
		edge.To("responsible", Member.Type).
			Unique().
			Field("responsible_id").
			Comment("结对联建负责人: a committee member of the unit branch; null unless in the caller's scope."),
		edge.To("activities", JointActivity.Type).
			Comment("共建活动").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of BranchPairing.
func (BranchPairing) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("unit_branch_id"),
		index.Fields("village_branch_id"),
		index.Fields("responsible_id"),
	}
}

// Annotations of BranchPairing.
func (BranchPairing) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
