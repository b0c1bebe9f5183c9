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

// PointHalfYear is a branch's half-year of points (半年汇总反馈公示):
// periods 01–06 or 07–12 of a year. It exists once the branch closes the
// half-year for feedback; before that the half-year is OPEN.
type PointHalfYear struct {
	ent.Schema
}

// Mixin of PointHalfYear.
func (PointHalfYear) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id"}}
}

// Fields of PointHalfYear.
func (PointHalfYear) Fields() []ent.Field {
	return []ent.Field{
		field.Int("branch_id").
			Immutable().
			Comment("党支部").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("year").Immutable().Comment("积分年度"),
		field.Int("half").Immutable().Range(1, 2).Comment("半年: 1 (periods 01–06) or 2 (07–12)."),
		field.Enum("state").
			NamedValues("Open", "OPEN", "Feedback", "FEEDBACK", "Published", "PUBLISHED").
			Default("OPEN").
			Comment("状态: 登记中 OPEN, 反馈申辩 FEEDBACK, 公示存档 PUBLISHED.").
			Annotations(entgql.Type("HalfYearState")),
		field.Time("closed_on").
			Optional().
			Nillable().
			SchemaType(day.SchemaType).
			Comment("汇总反馈日期").
			Annotations(entgql.Type("Date")),
		field.Time("published_on").
			Optional().
			Nillable().
			SchemaType(day.SchemaType).
			Comment("党员大会审议通过、公示日期").
			Annotations(entgql.Type("Date")),
	}
}

// Edges of PointHalfYear.
func (PointHalfYear) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("branch", Org.Type).
			Field("branch_id").
			Unique().
			Required().
			Immutable().
			Comment("党支部"),
		edge.To("appeals", PointAppeal.Type).
			Comment("申辩").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of PointHalfYear.
func (PointHalfYear) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("branch_id", "year", "half").Unique(),
	}
}

// Annotations of PointHalfYear.
func (PointHalfYear) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
