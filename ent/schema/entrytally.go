package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// EntryTally counts a branch's approved point entries in one points
// period (积分月度汇总): the rollup the dashboards' monthly series reads
// instead of a county's 360,000 entries a year (internal/analytics). It
// is kept in the transaction that approves an entry and recomputed by
// `partyorg rollup --rebuild` (internal/rollup). It is not served over
// GraphQL.
type EntryTally struct {
	ent.Schema
}

// Mixin of EntryTally: read in the branch's scope like the entries; only
// internal/rollup writes it, not audited since it is derived.
func (EntryTally) Mixin() []ent.Mixin {
	return []ent.Mixin{ScopedBy{Column: "branch_id", Unaudited: true}}
}

// Fields of EntryTally.
func (EntryTally) Fields() []ent.Field {
	return []ent.Field{
		field.Int("branch_id").Immutable(),
		field.Int("year").Immutable().Comment("积分年度"),
		field.String("period").Immutable().Comment("积分月份 YYYY-MM (16th to 15th)."),
		field.Int("approved").Comment("entries approved"),
	}
}

// Edges of EntryTally.
func (EntryTally) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("branch", Org.Type).Field("branch_id").Unique().Required().Immutable(),
	}
}

// Indexes of EntryTally: one row per branch and period.
func (EntryTally) Indexes() []ent.Index {
	return []ent.Index{index.Fields("branch_id", "period").Unique()}
}

// Annotations of EntryTally.
func (EntryTally) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
