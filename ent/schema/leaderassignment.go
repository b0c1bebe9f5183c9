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

// LeaderAssignment is a county-level leader's assignment for a year (党员
// 干部做表率): one township (分包乡镇), one poor village in it (联系贫困村)
// and one or two poor households of that village (结对帮扶). It belongs
// to its township; the leader always reads its own.
type LeaderAssignment struct {
	ent.Schema
}

// Mixin of LeaderAssignment.
func (LeaderAssignment) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "township_id", Member: "leader_id"}}
}

// Fields of LeaderAssignment. The org and member columns are optional in
// ent only so that their edges may be null for a leader reading its own
// assignment outside its scope; internal/pairing always sets them.
func (LeaderAssignment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("leader_id").
			Optional().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("year").
			Immutable().
			Comment("年度").
			Annotations(entgql.OrderField("YEAR")),
		field.Int("township_id").
			Optional().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("village_id").
			Optional().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("leader_name").
			Immutable().
			Comment("县处级领导干部姓名, copied.").
			Annotations(entgql.OrderField("LEADER_NAME")),
	}
}

// Edges of LeaderAssignment.
func (LeaderAssignment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("leader", Member.Type).
			Unique().
			Field("leader_id").
			Immutable().
			Comment("县处级领导干部"),
		edge.To("township", Org.Type).
			Unique().
			Field("township_id").
			Immutable().
			Comment("分包乡镇"),
		edge.To("village", Org.Type).
			Unique().
			Field("village_id").
			Immutable().
			Comment("联系贫困村"),
		edge.To("households", PoorHousehold.Type).
			Comment("结对帮扶贫困户 (1–2)"),
		edge.To("visits", LeaderVisit.Type).
			Comment("驻村走访").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of LeaderAssignment: one township per leader and year.
func (LeaderAssignment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("leader_id", "year").Unique(),
		index.Fields("township_id", "year"),
		index.Fields("village_id"),
	}
}

// Annotations of LeaderAssignment.
func (LeaderAssignment) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

// LeaderVisit is a leader's visit to its township and poor village
// (驻村走访): the households visited and the problems solved.
type LeaderVisit struct {
	ent.Schema
}

// Mixin of LeaderVisit.
func (LeaderVisit) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "township_id", Member: "leader_id"}}
}

// Fields of LeaderVisit.
func (LeaderVisit) Fields() []ent.Field {
	return []ent.Field{
		field.Int("assignment_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("township_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("leader_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("on").
			SchemaType(day.SchemaType).
			Immutable().
			Comment("走访日期").
			Annotations(entgql.Type("Date"), entgql.OrderField("ON")),
		field.String("place").
			Default("").
			Immutable().
			Comment("驻村地点"),
		field.Int("problems_solved").
			NonNegative().
			Immutable().
			Comment("解决实际问题数"),
		field.String("note").
			Default("").
			Immutable().
			Comment("走访情况"),
	}
}

// Edges of LeaderVisit.
func (LeaderVisit) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("assignment", LeaderAssignment.Type).
			Ref("visits").
			Field("assignment_id").
			Unique().
			Required().
			Immutable(),
		edge.To("households", PoorHousehold.Type).
			Comment("走访贫困户"),
	}
}

// Indexes of LeaderVisit.
func (LeaderVisit) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("assignment_id", "on"),
		index.Fields("township_id"),
		index.Fields("leader_id"),
	}
}

// Annotations of LeaderVisit.
func (LeaderVisit) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}
