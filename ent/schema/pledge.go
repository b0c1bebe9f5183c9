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

// Pledge is a member's pledge (党员承诺践诺书) for a year, annual or for a
// village cadre's term, and the five steps it goes through (internal/pledge).
type Pledge struct {
	ent.Schema
}

// Mixin of Pledge: it belongs to the member's branch; the member always
// reads its own.
func (Pledge) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of Pledge.
func (Pledge) Fields() []ent.Field {
	return []ent.Field{
		field.Int("member_id").
			Immutable().
			Comment("承诺党员"),
		field.String("member_name").
			Comment("承诺党员姓名: copied, for callers who cannot read the member record."),
		field.Int("branch_id").
			Immutable().
			Comment("所在党支部: the member's branch when the pledge was made.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("year").
			Immutable().
			Comment("承诺年度").
			Annotations(entgql.OrderField("YEAR")),
		field.Enum("kind").
			NamedValues("Annual", "ANNUAL", "Term", "TERM").
			Immutable().
			Comment("承诺类型: 年度承诺 ANNUAL, 任职目标承诺 TERM (village cadres)."),
		field.Enum("state").
			NamedValues(
				"Draft", "DRAFT",
				"Submitted", "SUBMITTED",
				"Returned", "RETURNED",
				"Approved", "APPROVED",
				"Published", "PUBLISHED",
				"Evaluated", "EVALUATED",
			).
			Default("DRAFT").
			Comment("承诺践诺五步: 科学定诺 DRAFT → SUBMITTED → 组织审诺 APPROVED or RETURNED → 公开示诺 PUBLISHED (扎实践诺) → 民主评诺 EVALUATED.").
			Annotations(entgql.OrderField("STATE")),
		field.Time("submitted_on").
			Optional().
			Nillable().
			SchemaType(day.SchemaType).
			Comment("提交审诺之日").
			Annotations(entgql.Type("Date")),
		field.Time("published_on").
			Optional().
			Nillable().
			SchemaType(day.SchemaType).
			Comment("公开示诺之日").
			Annotations(entgql.Type("Date")),
		field.Strings("channels").
			Optional().
			Comment("示诺载体: the display channels (DisplayChannel values).").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("report_from").
			Default(1).
			Comment("The first quarter whose progress report is due: the quarter of publication (1 when published before the year, 5 after it).").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("evaluated_on").
			Optional().
			Nillable().
			SchemaType(day.SchemaType).
			Comment("民主评诺之日").
			Annotations(entgql.Type("Date")),
		field.String("early_close_reason").
			Optional().
			Nillable().
			Comment("提前验收原因: why the branch evaluated the pledge before the year ended."),
	}
}

// Edges of Pledge.
func (Pledge) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("member", Member.Type).
			Field("member_id").
			Unique().
			Required().
			Immutable().
			Comment("承诺党员").
			// graph/pledge.graphqls declares it nullable: the caller may
			// read a pledge but not its member (see memberName).
			Annotations(entgql.Skip(entgql.SkipType)),
		edge.To("branch", Org.Type).
			Field("branch_id").
			Unique().
			Required().
			Immutable().
			Comment("所在党支部").
			Annotations(entgql.Skip(entgql.SkipType)),
		edge.To("items", PledgeItem.Type).
			Comment("承诺事项"),
		edge.To("reviews", PledgeReview.Type).
			Comment("组织审诺: the branch committee's reviews, oldest first."),
		edge.To("progress", PledgeProgress.Type).
			Comment("践诺情况: the quarterly progress reports."),
	}
}

// Indexes of Pledge.
func (Pledge) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("branch_id", "year", "state"),
		index.Fields("member_id", "year", "kind").Unique(),
	}
}

// Annotations of Pledge.
func (Pledge) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}
