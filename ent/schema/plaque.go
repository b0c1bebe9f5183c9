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

// Plaque is a member's desk plate (党员桌牌) or household plaque
// (共产党员户标牌), printed with the member convention: who holds one,
// since when, withdrawn when.
type Plaque struct {
	ent.Schema
}

// Mixin of Plaque.
func (Plaque) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of Plaque.
func (Plaque) Fields() []ent.Field {
	return []ent.Field{
		field.Int("branch_id").
			Immutable().
			Comment("The holder's branch when it was issued.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("member_id").
			Optional().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Enum("kind").
			NamedValues("DeskPlate", "DESK_PLATE", "Household", "HOUSEHOLD").
			Immutable().
			Comment("党员桌牌 DESK_PLATE (机关亮身份), 共产党员户 HOUSEHOLD (农村党员户挂牌).").
			Annotations(entgql.Type("PlaqueKind")),
		field.Time("since").
			SchemaType(day.SchemaType).
			Immutable().
			Comment("挂牌日期").
			Annotations(entgql.Type("Date"), entgql.OrderField("SINCE")),
		field.Time("withdrawn_on").
			SchemaType(day.SchemaType).
			Optional().
			Nillable().
			Comment("摘牌日期: null while the plaque hangs.").
			Annotations(entgql.Type("Date")),
		field.String("withdrawal_reason").Optional().Comment("摘牌原因"),
	}
}

// Edges of Plaque.
func (Plaque) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("branch", Org.Type).
			Field("branch_id").
			Unique().
			Required().
			Immutable().
			Comment("党支部: the branch it belongs to."),
		edge.To("member", Member.Type).
			Field("member_id").
			Unique().
			Immutable().
			Comment("持牌党员; null outside the caller's scope."),
	}
}

// Indexes of Plaque.
func (Plaque) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("branch_id", "kind"),
		index.Fields("member_id", "kind"),
	}
}

// Annotations of Plaque.
func (Plaque) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField().Description("党员桌牌 and 共产党员户 plaques of the branches in scope, hanging or withdrawn."),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}
