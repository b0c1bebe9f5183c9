package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// FarmStayOpinion is one agency's opinion (部门意见) collected by the
// township when it reviews a farm-stay nomination.
type FarmStayOpinion struct {
	ent.Schema
}

// Mixin of FarmStayOpinion.
func (FarmStayOpinion) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "village_id"}}
}

// Fields of FarmStayOpinion.
func (FarmStayOpinion) Fields() []ent.Field {
	return []ent.Field{
		field.Int("village_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("nomination_id").Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Enum("agency").
			NamedValues(
				"Discipline", "DISCIPLINE",
				"Governance", "GOVERNANCE",
				"Police", "POLICE",
				"Environment", "ENVIRONMENT",
				"Tourism", "TOURISM",
				"FoodDrug", "FOOD_DRUG",
			).
			Immutable().
			Comment("征求意见部门: 纪委 DISCIPLINE, 综治 GOVERNANCE, 公安 POLICE, 环保 ENVIRONMENT, 旅游 TOURISM, 食品药品监管 FOOD_DRUG.").
			Annotations(entgql.Type("Agency")),
		field.Bool("favourable").Immutable().Comment("同意: whether the agency's opinion is favourable."),
		field.String("text").Optional().Immutable().Comment("意见: the agency's opinion as written."),
	}
}

// Edges of FarmStayOpinion.
func (FarmStayOpinion) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("nomination", FarmStayNomination.Type).
			Ref("opinions").
			Field("nomination_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes of FarmStayOpinion.
func (FarmStayOpinion) Indexes() []ent.Index {
	return []ent.Index{index.Fields("nomination_id", "agency").Unique()}
}
