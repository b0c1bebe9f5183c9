package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partyorg/partyorg/internal/day"
)

// MobileRecord is a mobile member's record card (流动党员登记): where the
// member went, when, and the village cadre who keeps in touch (分包联系).
type MobileRecord struct {
	ent.Schema
}

// Mixin of MobileRecord.
func (MobileRecord) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of MobileRecord.
func (MobileRecord) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("state").Values("AWAY", "RETURNED").Default("AWAY").
			Comment("状态: 外出 AWAY, 已返回 RETURNED."),
		field.String("destination").NotEmpty().MaxLen(200).Immutable().Comment("外出地点"),
		field.String("occupation").Optional().MaxLen(200).Immutable().Comment("从事职业或工作单位"),
		field.Time("left_on").SchemaType(day.SchemaType).Immutable().Comment("外出日期").Annotations(dateType),
		field.Time("expected_return_on").SchemaType(day.SchemaType).Optional().Nillable().Immutable().
			Comment("预计返回日期").Annotations(dateType),
		field.Time("returned_on").SchemaType(day.SchemaType).Optional().Nillable().Comment("返回日期").Annotations(dateType),
		field.Time("last_contact_on").SchemaType(day.SchemaType).Optional().Nillable().
			Comment("最近联系日期: the latest day in the contact log.").Annotations(dateType),
		field.String("category_before").Optional().Immutable().
			Comment("The member's category before leaving, restored on return.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		orgColumn("branch_id", "the member's branch"),
		memberColumn("member_id", "党员"),
		field.Int("contact_id").Optional().Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
	}
}

// Edges of MobileRecord.
func (MobileRecord) Edges() []ent.Edge {
	return []ent.Edge{
		ofMember("mobile_records", "member_id"),
		edge.To("contact", Member.Type).Unique().Immutable().Field("contact_id").
			Comment("联系人: the in-office cadre of the same village or community who keeps in touch."),
		edge.To("contacts", ContactLog.Type).
			Comment("联系记录: the contact log, thought reports and check-ins.").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of MobileRecord.
func (MobileRecord) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("member_id", "state"),
		// One open record per member.
		index.Fields("member_id").Unique().StorageKey("mobilerecord_member_away").
			Annotations(entsql.IndexWhere("state = 'AWAY'")),
		index.Fields("branch_id"),
		index.Fields("contact_id"),
	}
}

// Annotations of MobileRecord.
func (MobileRecord) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
