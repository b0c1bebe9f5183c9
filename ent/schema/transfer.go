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

// Transfer records a member's move between branches (组织关系转接): where
// the member was and when it moved. It belongs to the receiving branch;
// the far side's name is copied, as its edge may be outside scope.
type Transfer struct {
	ent.Schema
}

// Mixin of Transfer.
func (Transfer) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "to_branch_id", Member: "member_id"}}
}

// Fields of Transfer.
func (Transfer) Fields() []ent.Field {
	return []ent.Field{
		field.Time("on").SchemaType(day.SchemaType).Comment("转接日期").Annotations(dateType).Immutable(),
		field.Int("from_branch_id").Optional().Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("from_branch_name").Immutable().Comment("转出党支部名称 (copied)"),
		orgColumn("to_branch_id", "转入党支部"),
		field.String("to_branch_name").Immutable().Comment("转入党支部名称 (copied)"),
		memberColumn("member_id", "党员"),
	}
}

// Edges of Transfer.
func (Transfer) Edges() []ent.Edge {
	return []ent.Edge{
		ofMember("transfers", "member_id"),
		edge.To("from_branch", Org.Type).Unique().Immutable().Field("from_branch_id").
			Comment("转出党支部; null outside the caller's scope."),
		orgEdge("to_branch", "to_branch_id", "转入党支部"),
	}
}

// Indexes of Transfer.
func (Transfer) Indexes() []ent.Index {
	return []ent.Index{index.Fields("member_id"), index.Fields("to_branch_id"), index.Fields("from_branch_id")}
}

// Annotations of Transfer.
func (Transfer) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
