package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// PointTally is the rollup of a branch's closed year (积分统计): how many
// members, the sum of their totals, and how many of them have each
// grade, status and consequence. closeYear writes it with the results;
// rankings and distributions add up these rows (a county year: 1,500)
// instead of the members' results (30,000). Derived from the audited
// results, so not audited itself; not part of the API.
type PointTally struct {
	ent.Schema
}

// Mixin of PointTally.
func (PointTally) Mixin() []ent.Mixin {
	return []ent.Mixin{ScopedBy{Column: "branch_id", Unaudited: true}}
}

// Fields of PointTally.
func (PointTally) Fields() []ent.Field {
	count := func(name, comment string) ent.Field {
		return field.Int(name).Immutable().Default(0).Comment(comment)
	}
	return []ent.Field{
		field.Int("branch_id").Immutable(),
		field.Int("year").Immutable(),
		field.String("sector").Immutable().Comment("The branch's sector at the close."),
		count("members", "Members with a result."),
		count("total", "The sum of their totals."),
		count("excellent", "评定等次 counts"),
		count("qualified", ""),
		count("basically_qualified", ""),
		count("unqualified", ""),
		count("status_full", "Status counts at the close"),
		count("status_probationary", ""),
		count("status_activist", ""),
		count("report_veto", "结果运用 counts: members with each consequence"),
		count("extend_probation", ""),
		count("cancel_probation", ""),
		count("priority_development", ""),
		count("cancel_activist", ""),
		count("talk_and_help", ""),
		count("recommend_award", ""),
	}
}

// Edges of PointTally.
func (PointTally) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("branch", Org.Type).Field("branch_id").Unique().Required().Immutable(),
	}
}

// Indexes of PointTally: a branch's year once.
func (PointTally) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("year", "branch_id").Unique(),
	}
}

// Annotations of PointTally.
func (PointTally) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// PointTallyBand is the histogram of a branch's closed year (积分分段):
// how many members' totals fall in each band of points.HistogramBand,
// written by closeYear with the PointTally. Not part of the API.
type PointTallyBand struct {
	ent.Schema
}

// Mixin of PointTallyBand.
func (PointTallyBand) Mixin() []ent.Mixin {
	return []ent.Mixin{ScopedBy{Column: "branch_id", Unaudited: true}}
}

// Fields of PointTallyBand.
func (PointTallyBand) Fields() []ent.Field {
	return []ent.Field{
		field.Int("branch_id").Immutable(),
		field.Int("year").Immutable(),
		field.Int("band").Immutable().Comment("The lowest total of the band, also below 0."),
		field.Int("members").Immutable().Comment("Members whose total falls in the band."),
	}
}

// Edges of PointTallyBand.
func (PointTallyBand) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("branch", Org.Type).Field("branch_id").Unique().Required().Immutable(),
	}
}

// Indexes of PointTallyBand: the histogram of a subtree reads only this
// index. (A branch's year has each band once: closeYear writes them with
// the branch's PointTally, whose index is unique.)
func (PointTallyBand) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("year", "branch_id", "band", "members"),
	}
}

// Annotations of PointTallyBand.
func (PointTallyBand) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
