package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// RecitationAbsence is a member absent from a recitation, with the reason
// (缺席原因).
type RecitationAbsence struct {
	ent.Schema
}

// Mixin of RecitationAbsence.
func (RecitationAbsence) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of RecitationAbsence.
func (RecitationAbsence) Fields() []ent.Field {
	return []ent.Field{
		field.Int("branch_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("recitation_id").Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("member_id").Optional().Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("reason").NotEmpty().MaxLen(200).Immutable().Comment("缺席原因"),
	}
}

// Edges of RecitationAbsence.
func (RecitationAbsence) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("recitation", Recitation.Type).
			Ref("absences").
			Field("recitation_id").
			Unique().
			Required().
			Immutable(),
		edge.To("member", Member.Type).
			Field("member_id").
			Unique().
			Immutable().
			Comment("缺席党员; null outside the caller's scope."),
	}
}

// Indexes of RecitationAbsence.
func (RecitationAbsence) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("recitation_id", "member_id").Unique(),
		index.Fields("member_id"),
	}
}
