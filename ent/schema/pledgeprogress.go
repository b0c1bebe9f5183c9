package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partyorg/partyorg/internal/day"
)

// PledgeProgress is a quarterly report on a published pledge (扎实践诺:
// 党员每季度报告兑现承诺情况), one per quarter.
type PledgeProgress struct {
	ent.Schema
}

// Mixin of PledgeProgress: it belongs to its pledge's branch.
func (PledgeProgress) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of PledgeProgress.
func (PledgeProgress) Fields() []ent.Field {
	return []ent.Field{
		field.Int("pledge_id").Immutable(),
		field.Int("branch_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("member_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("quarter").
			Immutable().
			Range(1, 4).
			Comment("季度, 1–4, of the pledge's year."),
		field.Text("text").
			Immutable().
			Comment("兑现承诺情况"),
		field.Time("on").
			Immutable().
			SchemaType(day.SchemaType).
			Comment("报告之日").
			Annotations(entgql.Type("Date")),
		field.String("reporter").
			Immutable().
			Comment("The username that recorded the report."),
	}
}

// Edges of PledgeProgress.
func (PledgeProgress) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("pledge", Pledge.Type).
			Ref("progress").
			Field("pledge_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes of PledgeProgress: one report per quarter.
func (PledgeProgress) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("pledge_id", "quarter").Unique(),
		index.Fields("branch_id"),
	}
}
