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

// PointEntry is one line of a member's points ledger (积分登记). Entries
// are never changed or deleted, except the one review step that moves a
// DECLARED entry to APPROVED or REJECTED; a correction is a new entry
// that reverses an approved one.
type PointEntry struct {
	ent.Schema
}

// Mixin of PointEntry.
func (PointEntry) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of PointEntry.
func (PointEntry) Fields() []ent.Field {
	return []ent.Field{
		field.Int("branch_id").
			Immutable().
			Comment("所在党支部: the member's branch when the entry was made.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("member_id").
			Immutable().
			Comment("党员").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("item_id").
			Immutable().
			Comment("积分项目").
			Annotations(entgql.Skip(entgql.SkipAll)),
		// Part, cap and title are the item's, copied so that scores and
		// rankings group entries without joining the catalogue.
		field.String("part").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("item_title").Immutable().Comment("项目名称 (copied from the item)."),
		field.Int("points").Immutable().Comment("分值: the item's points; negative in a reversing entry."),
		field.Int("year").Immutable().Comment("积分年度").Annotations(entgql.OrderField("YEAR")),
		field.String("period").
			Immutable().
			Comment(`积分月度 "YYYY-MM": the 16th of the month before to the 15th of this month.`).
			Annotations(entgql.OrderField("PERIOD")),
		field.Time("occurred_on").
			Immutable().
			SchemaType(day.SchemaType).
			Comment("发生日期").
			Annotations(entgql.Type("Date"), entgql.OrderField("OCCURRED_ON")),
		field.Enum("source").
			NamedValues("SelfDeclared", "SELF_DECLARED", "BranchRecorded", "BRANCH_RECORDED", "MassCertified", "MASS_CERTIFIED").
			Immutable().
			Comment("积分方式: 个人自行申报 SELF_DECLARED, 党支部记录在案 BRANCH_RECORDED, 群众证实 MASS_CERTIFIED.").
			Annotations(entgql.Type("PointSource")),
		field.String("evidence").Optional().Immutable().Comment("佐证材料"),
		field.Strings("certifiers").Optional().Immutable().Comment("证实群众: who certified a MASS_CERTIFIED entry."),
		field.Enum("state").
			NamedValues("Declared", "DECLARED", "Approved", "APPROVED", "Rejected", "REJECTED").
			Default("DECLARED").
			Comment("审核状态: 已申报 DECLARED, 已通过 APPROVED, 未通过 REJECTED.").
			Annotations(entgql.Type("PointEntryState")),
		field.String("reason").Optional().Comment("理由: why the entry was rejected, or why it reverses another."),
		field.Int("entered_by").Immutable().Comment("登记人: the user who entered it.").Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("reviewed_by").Optional().Nillable().Comment("审核人").Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("reviewed_on").
			Optional().
			Nillable().
			SchemaType(day.SchemaType).
			Comment("审核日期").
			Annotations(entgql.Type("Date")),
		field.Int("reverses_id").
			Optional().
			Nillable().
			Unique().
			Immutable().
			Comment("冲正: the entry this one reverses.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
	}
}

// Edges of PointEntry.
func (PointEntry) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("branch", Org.Type).
			Field("branch_id").
			Unique().
			Required().
			Immutable().
			Comment("所在党支部"),
		edge.To("member", Member.Type).
			Field("member_id").
			Unique().
			Required().
			Immutable().
			Comment("党员"),
		edge.To("item", PointItem.Type).
			Field("item_id").
			Unique().
			Required().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("reversed_by", PointEntry.Type).
			Unique().
			Comment("冲正记录: the entry that reverses this one.").
			From("reverses").
			Field("reverses_id").
			Unique().
			Immutable().
			Comment("冲正: the entry this one reverses."),
	}
}

// Indexes of PointEntry: a member's year (score), a branch's periods
// (half-year close, lists), an item's approvals (frozen catalogues).
func (PointEntry) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("member_id", "year", "state"),
		index.Fields("branch_id", "year", "period", "state"),
		index.Fields("item_id", "state"),
	}
}

// Annotations of PointEntry.
func (PointEntry) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}
