package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partyorg/partyorg/internal/day"
)

// WelfarePost is a public-welfare post (党员公益岗) of a village or
// community branch, held by one of its members without a post ("一编三定":
// set post, set duty, set term).
type WelfarePost struct {
	ent.Schema
}

// Mixin of WelfarePost.
func (WelfarePost) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "holder_id"}}
}

// Fields of WelfarePost.
func (WelfarePost) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").
			Values("POLICY_PUBLICITY", "WEALTH_DEMONSTRATION", "DISPUTE_MEDIATION", "ENVIRONMENT",
				"PUBLIC_OPINION", "CULTURE_SPORTS", "CONVENIENCE_SERVICE").
			Comment("公益岗类别: 政策法规宣传 POLICY_PUBLICITY, 致富示范 WEALTH_DEMONSTRATION, 矛盾纠纷调解 DISPUTE_MEDIATION, 环境卫生 ENVIRONMENT, 社情民意收集 PUBLIC_OPINION, 文体活动 CULTURE_SPORTS, 便民服务代办 CONVENIENCE_SERVICE."),
		field.String("duty").
			NotEmpty().
			MaxLen(500).
			Comment("定责: the post's duty."),
		field.Time("term_start").SchemaType(day.SchemaType).Comment("任期起: the first day of the term.").Annotations(dateType).Optional().Nillable(),
		field.Time("term_end").SchemaType(day.SchemaType).Comment("任期止: the last day of the term.").Annotations(dateType).Optional().Nillable(),
		orgColumn("branch_id", "所在党支部"),
		field.Int("holder_id").
			Optional().
			Nillable().
			Comment("在岗党员: the member holding the post; none while vacant.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
	}
}

// Edges of WelfarePost.
func (WelfarePost) Edges() []ent.Edge {
	return []ent.Edge{
		orgEdge("branch", "branch_id", "所在党支部: the village or community branch of the post."),
		edge.From("holder", Member.Type).
			Ref("post").
			Field("holder_id").
			Unique().
			Comment("在岗党员: the holder; null while vacant or outside the caller's scope."),
	}
}

// Indexes of WelfarePost.
func (WelfarePost) Indexes() []ent.Index {
	return []ent.Index{index.Fields("branch_id")}
}

// Annotations of WelfarePost.
func (WelfarePost) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
