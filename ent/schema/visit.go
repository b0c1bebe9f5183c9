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

// Visit is a visit to an elderly or infirm member (走访慰问记录).
type Visit struct {
	ent.Schema
}

// Mixin of Visit.
func (Visit) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of Visit.
func (Visit) Fields() []ent.Field {
	return []ent.Field{
		field.Time("on").SchemaType(day.SchemaType).Immutable().Comment("走访日期").Annotations(dateType),
		field.String("findings").Optional().MaxLen(2000).Immutable().Comment("走访情况"),
		field.String("problems_solved").Optional().MaxLen(2000).Immutable().Comment("解决的问题"),
		orgColumn("branch_id", "the member's branch"),
		memberColumn("member_id", "党员"),
		field.Int("visitor_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
	}
}

// Edges of Visit.
func (Visit) Edges() []ent.Edge {
	return []ent.Edge{
		ofMember("visits", "member_id"),
		edge.To("visitor", Member.Type).Unique().Immutable().Field("visitor_id").
			Comment("走访人; null outside the caller's scope."),
	}
}

// Indexes of Visit. (branch_id, on) reads a subtree's visits of a period from
// the index alone (the dashboards' monthly series, issue 11).
func (Visit) Indexes() []ent.Index {
	return []ent.Index{index.Fields("member_id", "on"), index.Fields("branch_id", "on"), index.Fields("visitor_id")}
}

// Annotations of Visit.
func (Visit) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
