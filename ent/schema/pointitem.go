package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// PointItem is one item of a point catalogue (积分项目). Items never
// change: a change is a new catalogue version.
type PointItem struct {
	ent.Schema
}

// Mixin of PointItem.
func (PointItem) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "county_id"}}
}

// Fields of PointItem.
func (PointItem) Fields() []ent.Field {
	return []ent.Field{
		field.Int("county_id").
			Immutable().
			Comment("所属县").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("catalog_id").
			Immutable().
			Comment("积分目录").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Enum("part").
			NamedValues("Base", "BASE", "Bonus", "BONUS", "Deduction", "DEDUCTION", "Veto", "VETO").
			Immutable().
			Comment("积分部分: 基础积分 BASE, 贡献加分 BONUS, 违规扣分 DEDUCTION, 一票否决 VETO.").
			Annotations(entgql.Type("PointPart")),
		field.String("title").Immutable().NotEmpty().Comment("项目名称"),
		field.Int("points").Immutable().NonNegative().Comment("分值: points per entry (a DEDUCTION item's are subtracted)."),
		field.Int("year_cap").
			Optional().
			Nillable().
			Immutable().
			Comment("年度上限: at most this many points a year from the item (BONUS, DEDUCTION)."),
		field.Int("position").Immutable().Default(0).Comment("顺序").Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of PointItem.
func (PointItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("county", Org.Type).
			Field("county_id").
			Unique().
			Required().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("catalog", PointCatalog.Type).
			Ref("items").
			Field("catalog_id").
			Unique().
			Required().
			Immutable().
			Comment("积分目录").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of PointItem.
func (PointItem) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("catalog_id", "position"),
		index.Fields("county_id"),
	}
}
