package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Member is a Party member (党员) or activist (入党积极分子) of one branch.
type Member struct {
	ent.Schema
}

// Mixin of Member.
func (Member) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "id"}}
}

// Fields of Member.
func (Member) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Validate(validName).
			Comment("姓名").
			Annotations(entgql.OrderField("NAME")),
		field.Enum("gender").
			NamedValues("Male", "MALE", "Female", "FEMALE").
			Optional().
			Comment("性别"),
		field.Time("birth_date").
			Optional().
			Comment("出生日期").
			Annotations(entgql.OrderField("BIRTH_DATE")),
		field.Time("joined_at").
			Optional().
			Comment("入党时间: the day the member joined the Party (for activists, the day the application was filed).").
			Annotations(entgql.OrderField("JOINED_AT")),
		field.Enum("status").
			NamedValues("Full", "FULL", "Probationary", "PROBATIONARY", "Activist", "ACTIVIST").
			Comment("党员状态: 正式党员 FULL, 预备党员 PROBATIONARY, 入党积极分子 ACTIVIST.").
			Annotations(entgql.OrderField("STATUS")),
		field.Enum("category").
			NamedValues(
				"InOfficeCadre", "IN_OFFICE_CADRE",
				"AtHomeNoPost", "AT_HOME_NO_POST",
				"Mobile", "MOBILE",
				"ElderlyInfirm", "ELDERLY_INFIRM",
			).
			Optional().
			Nillable().
			Comment("党员分类管理 (rural members): 村组干部在职党员 IN_OFFICE_CADRE, 在家无职党员 AT_HOME_NO_POST, 外出流动党员 MOBILE, 年老体弱党员 ELDERLY_INFIRM."),
		field.String("phone").
			Optional().
			Match(phonePattern).
			Comment("联系电话"),
		field.String("national_id").
			Optional().
			Match(nationalIDPattern).
			Comment("公民身份号码: 18 characters."),
		field.Int("branch_id").
			Comment("所在党支部").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
	}
}

// Edges of Member.
func (Member) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("branch", Org.Type).
			Ref("members").
			Field("branch_id").
			Unique().
			Required().
			Comment("所在党支部: the member's branch."),
		edge.From("recitations", Recitation.Type).
			Ref("attendees").
			Comment("诵读党员公约: recitations the member attended (internal/convention).").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of Member.
func (Member) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("branch_id", "name"),
		index.Fields("national_id").Unique(),
	}
}

// Annotations of Member.
func (Member) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
