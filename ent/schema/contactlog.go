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

// ContactLog is one contact with a mobile member (联系记录): a thought
// report, a check-in or a remote activity.
type ContactLog struct {
	ent.Schema
}

// Mixin of ContactLog.
func (ContactLog) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of ContactLog.
func (ContactLog) Fields() []ent.Field {
	return []ent.Field{
		field.Time("on").SchemaType(day.SchemaType).Immutable().Comment("联系日期").Annotations(dateType),
		field.Enum("kind").Values("THOUGHT_REPORT", "CHECK_IN", "REMOTE_ACTIVITY").Immutable().
			Comment("联系方式: 思想汇报 THOUGHT_REPORT, 报到联系 CHECK_IN, 远程参加组织生活 REMOTE_ACTIVITY.").
			Annotations(entgql.Type("ContactKind")),
		field.String("channel").Optional().MaxLen(50).Immutable().Comment("渠道: 电话, 微信群, 书信 …"),
		field.String("note").Optional().MaxLen(1000).Immutable().Comment("内容摘要"),
		orgColumn("branch_id", "the member's branch"),
		memberColumn("member_id", "党员"),
		field.Int("record_id").Optional().Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
	}
}

// Edges of ContactLog.
func (ContactLog) Edges() []ent.Edge {
	return []ent.Edge{
		ofMember("contact_logs", "member_id"),
		edge.From("record", MobileRecord.Type).Ref("contacts").Field("record_id").Unique().Immutable(),
	}
}

// Indexes of ContactLog. (branch_id, on) reads a subtree's contacts of a period from
// the index alone (the dashboards' monthly series, issue 11).
func (ContactLog) Indexes() []ent.Index {
	return []ent.Index{index.Fields("member_id", "on"), index.Fields("record_id"), index.Fields("branch_id", "on")}
}

// Annotations of ContactLog.
func (ContactLog) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
