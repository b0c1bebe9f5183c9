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

// PointAppeal is a member's appeal (申辩、问询) against one of its own
// entries while the half-year is in FEEDBACK; the branch answers it.
type PointAppeal struct {
	ent.Schema
}

// Mixin of PointAppeal.
func (PointAppeal) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of PointAppeal.
func (PointAppeal) Fields() []ent.Field {
	return []ent.Field{
		field.Int("branch_id").
			Immutable().
			Comment("党支部").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("member_id").
			Immutable().
			Comment("申辩党员").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("half_year_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("entry_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("text").Immutable().NotEmpty().Comment("申辩内容"),
		field.Enum("state").
			NamedValues("Open", "OPEN", "Accepted", "ACCEPTED", "Rejected", "REJECTED").
			Default("OPEN").
			Comment("状态: 待答复 OPEN, 申辩成立 ACCEPTED, 申辩不成立 REJECTED.").
			Annotations(entgql.Type("PointAppealState")),
		field.String("answer").Optional().Comment("答复"),
		field.Time("answered_on").
			Optional().
			Nillable().
			SchemaType(day.SchemaType).
			Comment("答复日期").
			Annotations(entgql.Type("Date")),
	}
}

// Edges of PointAppeal.
func (PointAppeal) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("branch", Org.Type).
			Field("branch_id").
			Unique().
			Required().
			Immutable().
			Comment("党支部"),
		edge.To("member", Member.Type).
			Field("member_id").
			Unique().
			Required().
			Immutable().
			Comment("申辩党员"),
		edge.From("half_year", PointHalfYear.Type).
			Ref("appeals").
			Field("half_year_id").
			Unique().
			Required().
			Immutable().
			Comment("半年"),
		edge.To("entry", PointEntry.Type).
			Field("entry_id").
			Unique().
			Required().
			Immutable().
			Comment("申辩的积分记录"),
	}
}

// Indexes of PointAppeal.
func (PointAppeal) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("half_year_id", "state"),
		index.Fields("entry_id"),
		index.Fields("branch_id"),
		index.Fields("member_id"),
	}
}

// Annotations of PointAppeal.
func (PointAppeal) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
