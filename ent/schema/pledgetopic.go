package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partyorg/partyorg/internal/day"
)

// PledgeTopic is a direction a pledge may take in one sector (承诺方向,
// seed 二(一)): reference data, seeded on a fresh database for every
// sector and maintained by ADMIN (for every county) and county
// ORG_ADMINs (for their county).
type PledgeTopic struct {
	ent.Schema
}

// Mixin of PledgeTopic.
func (PledgeTopic) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}}
}

// Fields of PledgeTopic.
func (PledgeTopic) Fields() []ent.Field {
	return []ent.Field{
		field.String("sector").
			Immutable().
			Comment("领域 (an org.Sector value); GraphQL resolves it as Sector.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("title").
			Immutable().
			NotEmpty().
			MaxLen(100).
			Comment("承诺方向"),
		field.Int("county_id").
			Optional().
			Nillable().
			Immutable().
			Comment("The county that added the topic; null for the topics of every county.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("created_by").
			Optional().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("retired_on").
			Optional().
			Nillable().
			SchemaType(day.SchemaType).
			Comment("停用之日: from this day the topic is no longer in force; pledges made under it keep it.").
			Annotations(entgql.Type("Date")),
		field.String("retired_by").
			Optional().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of PledgeTopic.
func (PledgeTopic) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("sector"),
	}
}
