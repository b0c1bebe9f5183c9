package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partyorg/partyorg/internal/day"
)

// FarmStayObjection is an objection (异议) lodged against a farm-stay
// nomination during its public notice.
type FarmStayObjection struct {
	ent.Schema
}

// Mixin of FarmStayObjection.
func (FarmStayObjection) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "village_id"}}
}

// Fields of FarmStayObjection.
func (FarmStayObjection) Fields() []ent.Field {
	return []ent.Field{
		field.Int("village_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("nomination_id").Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Text("text").NotEmpty().Immutable().Comment("异议内容"),
		field.Time("lodged_on").SchemaType(day.SchemaType).Annotations(entgql.Type("Date")).Immutable().Comment("提出日期: a day of the notice."),
		field.Enum("state").
			NamedValues("Open", "OPEN", "Upheld", "UPHELD", "Dismissed", "DISMISSED").
			Default("OPEN").
			Comment("处理状态: 待处理 OPEN, 成立 UPHELD (the nomination is rejected), 不成立 DISMISSED.").
			Annotations(entgql.Type("ObjectionState")),
		field.Text("answer").Optional().Comment("处理意见: the answer given when it was resolved."),
		field.Time("resolved_on").SchemaType(day.SchemaType).Annotations(entgql.Type("Date")).Optional().Nillable().Comment("处理日期"),
	}
}

// Edges of FarmStayObjection.
func (FarmStayObjection) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("nomination", FarmStayNomination.Type).
			Ref("objections").
			Field("nomination_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes of FarmStayObjection.
func (FarmStayObjection) Indexes() []ent.Index {
	return []ent.Index{index.Fields("nomination_id", "state")}
}
