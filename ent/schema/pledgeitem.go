package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// PledgeItem is one item of a pledge (承诺事项): a topic of the branch's
// sector and what the member pledges under it.
type PledgeItem struct {
	ent.Schema
}

// Mixin of PledgeItem: it belongs to its pledge's branch.
func (PledgeItem) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of PledgeItem.
func (PledgeItem) Fields() []ent.Field {
	return []ent.Field{
		field.Int("pledge_id").Immutable(),
		field.Int("branch_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("member_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("topic_id").Immutable(),
		field.Text("content").
			Comment("承诺内容"),
		field.Enum("result").
			NamedValues("Fulfilled", "FULFILLED", "Partly", "PARTLY", "NotFulfilled", "NOT_FULFILLED").
			Optional().
			Nillable().
			Comment("民主评诺结果: 已兑现 FULFILLED, 部分兑现 PARTLY, 未兑现 NOT_FULFILLED; null until evaluated.").
			Annotations(entgql.Type("PledgeResult")),
	}
}

// Edges of PledgeItem.
func (PledgeItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("pledge", Pledge.Type).
			Ref("items").
			Field("pledge_id").
			Unique().
			Required().
			Immutable(),
		edge.To("topic", PledgeTopic.Type).
			Field("topic_id").
			Unique().
			Required().
			Immutable().
			Comment("承诺方向: the sector's topic the item falls under."),
	}
}

// Indexes of PledgeItem.
func (PledgeItem) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("pledge_id"),
		index.Fields("branch_id"),
		index.Fields("topic_id"),
	}
}
