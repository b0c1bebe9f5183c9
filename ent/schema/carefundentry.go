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

// CareFundEntry is one entry in the ledger of an org's hardship care fund
// (困难党员关爱基金) or mutual-aid supermarket (党员互助超市, goods valued in
// fen). Entries are never changed: a correction is a REVERSAL naming the
// entry it reverses.
type CareFundEntry struct {
	ent.Schema
}

// Mixin of CareFundEntry.
func (CareFundEntry) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "org_id", Member: "member_id"}}
}

// Fields of CareFundEntry.
func (CareFundEntry) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("DONATION", "DISBURSEMENT", "REVERSAL").Immutable().
			Comment("类别: 捐赠 DONATION, 支出 DISBURSEMENT, 冲正 REVERSAL."),
		field.Int64("amount_fen").Positive().Immutable().Comment("金额 (分)").
			Annotations(entgql.Type("Int")),
		field.Time("on").SchemaType(day.SchemaType).Immutable().Comment("日期").Annotations(dateType),
		field.String("donor").Optional().MaxLen(200).Immutable().Comment("捐赠人"),
		field.String("reason").Optional().MaxLen(1000).Immutable().Comment("事由"),
		field.String("approver").Optional().MaxLen(100).Immutable().Comment("审批人: the account that recorded the disbursement or reversal."),
		field.String("reversed_kind").Optional().Immutable().
			Comment("The kind of the entry a REVERSAL reverses, so the balance needs no join.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		orgColumn("org_id", "基金所属组织"),
		field.Int("member_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("reverses_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
	}
}

// Edges of CareFundEntry.
func (CareFundEntry) Edges() []ent.Edge {
	return []ent.Edge{
		orgEdge("fund", "org_id", "基金所属组织: the org whose fund this is."),
		edge.From("member", Member.Type).Ref("care_fund_entries").Field("member_id").Unique().Immutable().
			Comment("受助党员: the member a disbursement went to."),
		edge.To("reversed_by", CareFundEntry.Type).Unique().Annotations(entgql.Skip(entgql.SkipAll)).
			From("reverses").Field("reverses_id").Unique().Immutable().
			Comment("被冲正的记录: the entry a REVERSAL reverses."),
	}
}

// Indexes of CareFundEntry.
func (CareFundEntry) Indexes() []ent.Index {
	return []ent.Index{index.Fields("org_id", "kind"), index.Fields("member_id")}
}

// Annotations of CareFundEntry.
func (CareFundEntry) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
