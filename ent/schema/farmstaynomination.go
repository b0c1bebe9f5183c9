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

// FarmStayNomination is a farm stay run by a Party member, nominated as a
// model household (党员农家宾馆示范户): village recommendation, public
// notice, township review, county approval with a plaque (internal/farmstay).
type FarmStayNomination struct {
	ent.Schema
}

// Mixin of FarmStayNomination.
func (FarmStayNomination) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "village_id"}}
}

// Fields of FarmStayNomination.
func (FarmStayNomination) Fields() []ent.Field {
	return []ent.Field{
		field.Int("village_id").
			Immutable().
			Comment("推荐村: the village that recommends the farm stay.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("member_id").
			Optional().
			Immutable().
			Comment("经营党员: the member who runs the farm stay.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("name").
			Validate(validName).
			Comment("宾馆名称: the farm stay's name.").
			Annotations(entgql.OrderField("NAME")),
		field.String("licence_no").
			NotEmpty().
			MaxLen(64).
			Comment("工商营业执照号: the business licence number."),
		field.Time("operating_since").SchemaType(day.SchemaType).Annotations(entgql.Type("Date")).
			Comment("开业日期: the day operations began, at least six months before the nomination."),
		field.Time("nominated_on").SchemaType(day.SchemaType).Annotations(entgql.Type("Date")).
			Comment("推荐日期: the day the village recommended it.").
			Annotations(entgql.OrderField("NOMINATED_ON")),
		field.Enum("stage").
			NamedValues(
				"Recommended", "RECOMMENDED",
				"Notice", "NOTICE",
				"TownshipReviewed", "TOWNSHIP_REVIEWED",
				"Approved", "APPROVED",
				"Rejected", "REJECTED",
			).
			Default("RECOMMENDED").
			Comment("评选阶段: 村级推荐 RECOMMENDED, 公示 NOTICE, 乡镇评审 TOWNSHIP_REVIEWED, 县级审定 APPROVED, 未通过 REJECTED.").
			Annotations(entgql.Type("NominationStage"), entgql.OrderField("STAGE")),
		field.Time("notice_from").SchemaType(day.SchemaType).Annotations(entgql.Type("Date")).Optional().Nillable().Comment("公示开始: the first day of the public notice."),
		field.Time("notice_to").SchemaType(day.SchemaType).Annotations(entgql.Type("Date")).Optional().Nillable().Comment("公示结束: the last day of the public notice."),
		field.Int("open_objections").
			Default(0).
			NonNegative().
			Comment("Objections not yet resolved; the township review needs none (checked in the same statement that moves the stage).").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("reviewed_on").SchemaType(day.SchemaType).Annotations(entgql.Type("Date")).Optional().Nillable().Comment("乡镇评审日期: the day of the township's review."),
		field.String("review_comment").Optional().Comment("乡镇评审意见: the township's comment on its review."),
		field.Time("rejected_on").SchemaType(day.SchemaType).Annotations(entgql.Type("Date")).Optional().Nillable().Comment("未通过日期: the day the nomination was rejected."),
		field.String("rejection_reason").Optional().Comment("未通过原因: why it was rejected."),
		field.String("batch").
			Optional().
			Comment("命名批次: the county's named batch (第一批 …)."),
		field.Time("approved_on").SchemaType(day.SchemaType).Annotations(entgql.Type("Date")).Optional().Nillable().Comment("县级审定日期: the day the county approved it."),
		field.Int("county_id").
			Optional().
			Nillable().
			Comment("The county whose plaque numbers it takes (set on approval).").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("plaque_no").
			Optional().
			Nillable().
			Comment("牌匾编号: the plaque's number, unique in the county.").
			Annotations(entgql.OrderField("PLAQUE_NO")),
		field.Time("plaque_withdrawn_on").SchemaType(day.SchemaType).Annotations(entgql.Type("Date")).Optional().Nillable().Comment("摘牌日期: the day the plaque was withdrawn."),
		field.String("plaque_withdrawal_reason").Optional().Comment("摘牌原因: why the plaque was withdrawn."),
	}
}

// Edges of FarmStayNomination.
func (FarmStayNomination) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("village", Org.Type).
			Field("village_id").
			Unique().
			Required().
			Immutable().
			Comment("推荐村: the village the nomination belongs to."),
		edge.To("member", Member.Type).
			Field("member_id").
			Unique().
			Immutable().
			Comment("经营党员: the member who runs the farm stay; null when outside the caller's scope."),
		edge.To("criteria", FarmStayCriterion.Type).
			Comment("十个带头: how the village judged each of the ten criteria."),
		edge.To("opinions", FarmStayOpinion.Type).
			Comment("部门意见: the six agencies' opinions collected by the township."),
		edge.To("objections", FarmStayObjection.Type).
			Comment("公示异议: objections lodged during the public notice."),
	}
}

// Indexes of FarmStayNomination.
func (FarmStayNomination) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("village_id", "stage"),
		index.Fields("member_id"),
		index.Fields("batch"),
		// Plaque numbers are unique in a county; NULLs (not yet approved)
		// never collide.
		index.Fields("county_id", "plaque_no").Unique(),
	}
}

// Annotations of FarmStayNomination.
func (FarmStayNomination) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField().Description("党员农家宾馆示范户: farm-stay nominations of the villages in scope, by batch (where: batch), township (where: withinOrg) and stage."),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}
