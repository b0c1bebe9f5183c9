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

// PoorHousehold is a poor household (贫困户) of a village.
type PoorHousehold struct {
	ent.Schema
}

// Mixin of PoorHousehold.
func (PoorHousehold) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "village_id"}}
}

// Fields of PoorHousehold.
func (PoorHousehold) Fields() []ent.Field {
	return []ent.Field{
		field.Int("village_id").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("head").
			Validate(validName).
			Comment("户主姓名").
			Annotations(entgql.OrderField("HEAD")),
		field.Int("size").
			Positive().
			Comment("家庭人口"),
		field.Enum("status").
			NamedValues("Poor", "POOR", "LiftedOut", "LIFTED_OUT", "RelapseRisk", "RELAPSE_RISK").
			Default("POOR").
			Comment("贫困状态: 贫困 POOR, 已脱贫 LIFTED_OUT, 返贫风险 RELAPSE_RISK.").
			Annotations(entgql.Type("HouseholdStatus"), entgql.OrderField("STATUS")),
		field.Time("status_on").
			SchemaType(day.SchemaType).
			Comment("状态变更日期: the day of the latest status change (or of registration).").
			Annotations(entgql.Type("Date")),
	}
}

// Edges of PoorHousehold.
func (PoorHousehold) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("village", Org.Type).
			Unique().
			Required().
			Field("village_id").
			Comment("所在村(社区)"),
		edge.To("status_changes", HouseholdStatusChange.Type).
			Comment("状态变更记录"),
		edge.To("problems", HouseholdProblem.Type).
			Comment("反映的问题").
			Annotations(entgql.RelayConnection()),
		edge.To("help_pairings", HelpPairing.Type).
			Comment("结对帮扶").
			Annotations(entgql.RelayConnection()),
		edge.From("leader_assignments", LeaderAssignment.Type).
			Ref("households").
			Comment("结对帮扶的县处级领导干部"),
		edge.From("leader_visits", LeaderVisit.Type).
			Ref("households").
			Comment("县处级领导干部的走访"),
	}
}

// Indexes of PoorHousehold.
func (PoorHousehold) Indexes() []ent.Index {
	return []ent.Index{index.Fields("village_id", "head")}
}

// Annotations of PoorHousehold.
func (PoorHousehold) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

// HouseholdStatusChange records one change of a poor household's status
// and its day.
type HouseholdStatusChange struct {
	ent.Schema
}

// Mixin of HouseholdStatusChange.
func (HouseholdStatusChange) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "village_id"}}
}

// Fields of HouseholdStatusChange. Its status is the household's enum
// (graph/pairing.graphqls): ent gives each schema its own enum type.
func (HouseholdStatusChange) Fields() []ent.Field {
	return []ent.Field{
		field.Int("household_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("village_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("status").
			NamedValues("Poor", "POOR", "LiftedOut", "LIFTED_OUT", "RelapseRisk", "RELAPSE_RISK").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("on").
			SchemaType(day.SchemaType).
			Immutable().
			Comment("变更日期").
			Annotations(entgql.Type("Date")),
	}
}

// Edges of HouseholdStatusChange.
func (HouseholdStatusChange) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("household", PoorHousehold.Type).
			Ref("status_changes").
			Field("household_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes of HouseholdStatusChange.
func (HouseholdStatusChange) Indexes() []ent.Index {
	return []ent.Index{index.Fields("household_id", "on"), index.Fields("village_id")}
}

// HouseholdProblem is a problem a poor household raised, and how and
// when it was solved.
type HouseholdProblem struct {
	ent.Schema
}

// Mixin of HouseholdProblem.
func (HouseholdProblem) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "village_id"}}
}

// Fields of HouseholdProblem.
func (HouseholdProblem) Fields() []ent.Field {
	return []ent.Field{
		field.Int("household_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("village_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("text").
			NotEmpty().
			Comment("问题"),
		field.Time("raised_on").
			SchemaType(day.SchemaType).
			Comment("反映日期").
			Annotations(entgql.Type("Date"), entgql.OrderField("RAISED_ON")),
		field.Time("solved_on").
			SchemaType(day.SchemaType).
			Optional().
			Nillable().
			Comment("解决日期: null while open.").
			Annotations(entgql.Type("Date")),
		field.String("solution").
			Default("").
			Comment("解决办法"),
	}
}

// Edges of HouseholdProblem.
func (HouseholdProblem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("household", PoorHousehold.Type).
			Ref("problems").
			Field("household_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes of HouseholdProblem.
func (HouseholdProblem) Indexes() []ent.Index {
	return []ent.Index{index.Fields("household_id"), index.Fields("village_id")}
}

// Annotations of HouseholdProblem.
func (HouseholdProblem) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}
