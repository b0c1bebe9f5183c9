package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partyorg/partyorg/internal/day"
)

// TrainingRecord is a training course a member attended (培训记录).
type TrainingRecord struct {
	ent.Schema
}

// Mixin of TrainingRecord.
func (TrainingRecord) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of TrainingRecord.
func (TrainingRecord) Fields() []ent.Field {
	return []ent.Field{
		field.String("course").NotEmpty().MaxLen(200).Comment("培训课程"),
		field.Enum("level").Values("COUNTY", "TOWNSHIP", "VILLAGE").
			Comment("举办层级: 县 COUNTY, 乡镇 TOWNSHIP, 村 VILLAGE.").
			Annotations(entgql.Type("TrainingLevel")),
		field.Time("on").SchemaType(day.SchemaType).Comment("培训日期").Annotations(dateType),
		field.Float("hours").Positive().Comment("学时"),
		orgColumn("branch_id", "the member's branch when trained"),
		memberColumn("member_id", "党员"),
	}
}

// Edges of TrainingRecord.
func (TrainingRecord) Edges() []ent.Edge {
	return []ent.Edge{ofMember("trainings", "member_id")}
}

// Indexes of TrainingRecord.
func (TrainingRecord) Indexes() []ent.Index {
	return []ent.Index{index.Fields("member_id"), index.Fields("branch_id")}
}

// Annotations of TrainingRecord.
func (TrainingRecord) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
