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

// Recitation is a branch's group recitation of its member convention on a
// theme Party day (主题党日诵读党员公约).
type Recitation struct {
	ent.Schema
}

// Mixin of Recitation.
func (Recitation) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id"}}
}

// Fields of Recitation.
func (Recitation) Fields() []ent.Field {
	return []ent.Field{
		field.Int("branch_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Time("on").
			SchemaType(day.SchemaType).
			Immutable().
			Comment("诵读日期: the theme Party day.").
			Annotations(entgql.Type("Date"), entgql.OrderField("ON")),
		field.Int("convention_id").
			Optional().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("convention_version").
			Immutable().
			Comment("公约版本: the version in force for the branch's sector that day (copied: the convention belongs to the county)."),
	}
}

// Edges of Recitation.
func (Recitation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("branch", Org.Type).
			Field("branch_id").
			Unique().
			Required().
			Immutable().
			Comment("党支部: the branch that recited."),
		edge.To("convention", Convention.Type).
			Field("convention_id").
			Unique().
			Immutable().
			Comment("党员公约: the version recited; null outside the caller's scope (it belongs to the county)."),
		edge.To("attendees", Member.Type).
			Comment("参加党员: the branch's members who recited."),
		edge.To("absences", RecitationAbsence.Type).
			Comment("缺席: members absent, with their reasons."),
	}
}

// Indexes of Recitation.
func (Recitation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("branch_id", "on"),
		index.Fields("convention_id"),
	}
}

// Annotations of Recitation.
func (Recitation) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField().Description("诵读党员公约: recitations of the branches in scope."),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}
