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

// HelpCard is an elderly or infirm member's help card (爱心帮扶卡): what
// the member needs and who helps.
type HelpCard struct {
	ent.Schema
}

// Mixin of HelpCard.
func (HelpCard) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of HelpCard.
func (HelpCard) Fields() []ent.Field {
	return []ent.Field{
		field.String("needs").NotEmpty().MaxLen(1000).Comment("帮扶需求"),
		field.Time("issued_on").SchemaType(day.SchemaType).Immutable().Comment("发卡日期").Annotations(dateType),
		orgColumn("branch_id", "the member's branch"),
		memberColumn("member_id", "党员"),
		field.Int("helper_id").Optional().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
	}
}

// Edges of HelpCard.
func (HelpCard) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("member", Member.Type).Ref("help_card").Field("member_id").Unique().Immutable(),
		edge.To("helper", Member.Type).Unique().Field("helper_id").
			Comment("帮扶人: the member assigned to help and visit; null outside the caller's scope."),
	}
}

// Indexes of HelpCard.
func (HelpCard) Indexes() []ent.Index {
	return []ent.Index{index.Fields("branch_id"), index.Fields("helper_id")}
}

// Annotations of HelpCard.
func (HelpCard) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
