package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// PointCatalog is a county's catalogue of point items (积分项目) for one
// year and sector: the items and the grade thresholds that the year's
// scores are computed with. Each change before it freezes is a new
// revision; the highest revision is the one in force.
type PointCatalog struct {
	ent.Schema
}

// Mixin of PointCatalog.
func (PointCatalog) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "county_id"}}
}

// Fields of PointCatalog.
func (PointCatalog) Fields() []ent.Field {
	return []ent.Field{
		field.Int("county_id").
			Immutable().
			Comment("所属县: the county that set the catalogue.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("year").Immutable().Comment("积分年度: 16 Dec of the year before to 15 Dec."),
		// Sector is an org's sector (Org.sector); GraphQL shows it as the
		// Sector enum through a resolver, ent's own enum type would clash.
		field.String("sector").
			Immutable().
			Comment("领域").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("revision").Immutable().Default(1).Comment("修订版本: 1 for the first catalogue of the year and sector, then 2, 3 … until it freezes."),
		field.Int("excellent").Immutable().Default(110).Comment("优秀: the lowest total graded EXCELLENT."),
		field.Int("qualified").Immutable().Default(90).Comment("合格: the lowest total graded QUALIFIED."),
		field.Int("basically_qualified").Immutable().Default(70).Comment("基本合格: the lowest total graded BASICALLY_QUALIFIED; below it UNQUALIFIED."),
	}
}

// Edges of PointCatalog.
func (PointCatalog) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("county", Org.Type).
			Field("county_id").
			Unique().
			Required().
			Immutable().
			Comment("所属县"),
		// items is resolved by hand (graph/points.graphqls): everyone who
		// reads a catalogue reads its items, which belong to the county.
		edge.To("items", PointItem.Type).
			Comment("积分项目").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of PointCatalog.
func (PointCatalog) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("county_id", "year", "sector", "revision").Unique(),
	}
}

// Annotations of PointCatalog.
func (PointCatalog) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
