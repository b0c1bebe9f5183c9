package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AnnualResult is a member's year-end result (年度积分、评定等次), frozen
// when the branch closes the year: later changes to catalogues or
// entries do not touch it. It is also the rollup that rankings and
// distributions group.
type AnnualResult struct {
	ent.Schema
}

// Mixin of AnnualResult.
func (AnnualResult) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of AnnualResult.
func (AnnualResult) Fields() []ent.Field {
	return []ent.Field{
		field.Int("branch_id").
			Immutable().
			Comment("党支部").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("member_id").
			Immutable().
			Comment("党员").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("year").Immutable().Comment("积分年度"),
		// Status and sector as they were at the close, for distributions.
		field.String("status").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("sector").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("base").Immutable().Comment("基础积分"),
		field.Int("bonus").Immutable().Comment("贡献加分"),
		field.Int("deduction").Immutable().Comment("违规扣分"),
		field.Bool("vetoed").Immutable().Comment("一票否决"),
		field.Int("total").Immutable().Comment("年度积分 = 基础积分 + 贡献加分 − 违规扣分; 0 when vetoed.").
			Annotations(entgql.OrderField("TOTAL")),
		field.Enum("grade").
			NamedValues("Excellent", "EXCELLENT", "Qualified", "QUALIFIED", "BasicallyQualified", "BASICALLY_QUALIFIED", "Unqualified", "UNQUALIFIED").
			Immutable().
			Comment("评定等次: 优秀 EXCELLENT, 合格 QUALIFIED, 基本合格 BASICALLY_QUALIFIED, 不合格 UNQUALIFIED.").
			Annotations(entgql.Type("Grade")),
		field.Strings("consequences").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of AnnualResult.
func (AnnualResult) Edges() []ent.Edge {
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
			Comment("党员"),
	}
}

// Indexes of AnnualResult: one per member and year; a branch's year is
// what rankings group.
func (AnnualResult) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("member_id", "year").Unique(),
		index.Fields("year", "branch_id", "grade", "total"),
	}
}

// Annotations of AnnualResult.
func (AnnualResult) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
