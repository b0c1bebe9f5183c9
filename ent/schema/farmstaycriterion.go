package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// FarmStayCriterion is the village's judgement of a nominated farm stay on
// one of the ten criteria (十个带头).
type FarmStayCriterion struct {
	ent.Schema
}

// Mixin of FarmStayCriterion.
func (FarmStayCriterion) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "village_id"}}
}

// Fields of FarmStayCriterion.
func (FarmStayCriterion) Fields() []ent.Field {
	return []ent.Field{
		field.Int("village_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("nomination_id").Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Enum("criterion").
			NamedValues(
				"PublicWelfare", "PUBLIC_WELFARE",
				"Discipline", "DISCIPLINE",
				"FairPrices", "FAIR_PRICES",
				"NewCustoms", "NEW_CUSTOMS",
				"Environment", "ENVIRONMENT",
				"Kindness", "KINDNESS",
				"GuestsAsFamily", "GUESTS_AS_FAMILY",
				"CommonProsperity", "COMMON_PROSPERITY",
				"Innovation", "INNOVATION",
				"CivilizedTourism", "CIVILIZED_TOURISM",
			).
			Immutable().
			Comment("十个带头: 带头热心公益 PUBLIC_WELFARE, 带头遵纪守法 DISCIPLINE, 带头诚信经营 FAIR_PRICES, 带头移风易俗 NEW_CUSTOMS, 带头保护环境 ENVIRONMENT, 带头邻里和睦 KINDNESS, 带头宾至如归 GUESTS_AS_FAMILY, 带头共同致富 COMMON_PROSPERITY, 带头创新发展 INNOVATION, 带头文明旅游 CIVILIZED_TOURISM.").
			Annotations(entgql.Type("ModelCriterion")),
		field.Bool("passed").Immutable().Comment("达标: whether the farm stay meets the criterion."),
		field.String("remark").Optional().Immutable().Comment("说明: the village's remark."),
	}
}

// Edges of FarmStayCriterion.
func (FarmStayCriterion) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("nomination", FarmStayNomination.Type).
			Ref("criteria").
			Field("nomination_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes of FarmStayCriterion.
func (FarmStayCriterion) Indexes() []ent.Index {
	return []ent.Index{index.Fields("nomination_id", "criterion").Unique()}
}
