package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Building blocks the practices' schemas share: the org column a row
// belongs to (ScopedBy's Column), its edge, member references and days.

// orgColumn is the org a practice row belongs to, fixed when the row is
// written: hidden from GraphQL, which shows the edge instead. The
// practice always sets it; it is Optional only so that the edge may be
// null in GraphQL, as every edge to an object outside the caller's scope
// must be (a member reads its own records, not its branch's fund).
func orgColumn(col, comment string) ent.Field {
	return field.Int(col).Optional().Immutable().Comment(comment).Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput))
}

// orgEdge is the edge over an orgColumn.
func orgEdge(name, col, comment string) ent.Edge {
	return edge.To(name, Org.Type).Unique().Immutable().Field(col).Comment(comment)
}

// memberColumn is a column holding the member a record is about, shown
// through its edge; Optional like orgColumn, for the same reason (a
// member's old records stay with its old branch when it moves).
func memberColumn(col, comment string) ent.Field {
	return field.Int(col).Optional().Immutable().Comment(comment).Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput))
}

// ofMember is the edge from a member's record to the member; the member
// lists the records through its edge ref.
func ofMember(ref, col string) ent.Edge {
	return edge.From("member", Member.Type).Ref(ref).Field(col).Unique().Immutable()
}

// dateType shows a day field, field.Time(…).SchemaType(day.SchemaType),
// as scalar Date (internal/day).
var dateType = entgql.Type("Date")

// hiddenFromInputs keeps an edge out of entgql's create and update inputs:
// the practice's own mutations set it.
var hiddenFromInputs = entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
