package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partyorg/partyorg/internal/day"
)

// PledgeReview is the branch committee's review of a pledge (组织审诺)
// against the five whethers (五个是否).
type PledgeReview struct {
	ent.Schema
}

// Mixin of PledgeReview: it belongs to its pledge's branch.
func (PledgeReview) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of PledgeReview.
func (PledgeReview) Fields() []ent.Field {
	return []ent.Field{
		field.Int("pledge_id").Immutable(),
		field.Int("branch_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("member_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("approve").
			Immutable().
			Comment("审定通过: false sends the pledge back (RETURNED)."),
		field.Bool("serves_reform").Immutable().Comment("是否符合服从服务改革大局、落实改革要求、执行改革纪律"),
		field.Bool("exemplary").Immutable().Comment("是否符合共产党员创先争优、模范带头的要求"),
		field.Bool("fits_post").Immutable().Comment("是否切合党员本人实际、所在岗位和职责的特点"),
		field.Bool("meets_wishes").Immutable().Comment("是否符合组织要求和基层、群众的意愿"),
		field.Bool("leaders_first").Immutable().Comment("党员领导干部是否带头参加承诺践诺活动"),
		field.Text("comment").
			Optional().
			Immutable().
			Comment("具体意见: required for a return or any no."),
		field.Time("on").
			Immutable().
			SchemaType(day.SchemaType).
			Comment("审诺之日").
			Annotations(entgql.Type("Date")),
		field.String("reviewer").
			Immutable().
			Comment("审诺人: the reviewer's username."),
	}
}

// Edges of PledgeReview.
func (PledgeReview) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("pledge", Pledge.Type).
			Ref("reviews").
			Field("pledge_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes of PledgeReview.
func (PledgeReview) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("pledge_id"),
		index.Fields("branch_id"),
	}
}
