package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partyorg/partyorg/internal/day"
)

// CategoryChange records a change of a member's category (党员分类), with
// its day and reason: the history of how the member has been managed.
// Written by the member hook, never edited.
type CategoryChange struct {
	ent.Schema
}

// Mixin of CategoryChange.
func (CategoryChange) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "branch_id", Member: "member_id"}}
}

// Fields of CategoryChange.
func (CategoryChange) Fields() []ent.Field {
	return []ent.Field{
		// The categories are MemberCategory values; GraphQL shows them as
		// that enum (graph/classification.graphqls).
		field.String("from").Optional().Immutable().Comment("原类别").Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("to").Optional().Immutable().Comment("新类别").Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("on").SchemaType(day.SchemaType).Comment("变更日期").Annotations(dateType).Immutable(),
		field.String("reason").Optional().Immutable().Comment("变更原因"),
		orgColumn("branch_id", "the member's branch at the change"),
		memberColumn("member_id", "党员"),
	}
}

// Edges of CategoryChange.
func (CategoryChange) Edges() []ent.Edge {
	return []ent.Edge{ofMember("category_changes", "member_id")}
}

// Indexes of CategoryChange.
func (CategoryChange) Indexes() []ent.Index {
	return []ent.Index{index.Fields("member_id"), index.Fields("branch_id")}
}

// Annotations of CategoryChange.
func (CategoryChange) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
