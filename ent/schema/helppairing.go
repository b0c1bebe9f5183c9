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

// HelpPairing pairs a member with a poor household it helps (结对帮扶).
// It belongs to the household's village and to the member's branch: each
// side's scope reads it, and the member always reads its own.
type HelpPairing struct {
	ent.Schema
}

// Mixin of HelpPairing.
func (HelpPairing) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "village_id", Also: "branch_id", Member: "member_id"}}
}

// Fields of HelpPairing. member_id and household_id are optional in ent
// only so that their edges may be null for a viewer who cannot see that
// side; internal/pairing always sets them.
func (HelpPairing) Fields() []ent.Field {
	return []ent.Field{
		field.Int("member_id").
			Optional().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("household_id").
			Optional().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("village_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("branch_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("member_name").
			Immutable().
			Comment("帮扶党员姓名, copied for the household's side."),
		field.String("household_head").
			Immutable().
			Comment("贫困户户主, copied for the member's side."),
		field.Time("since").
			SchemaType(day.SchemaType).
			Immutable().
			Comment("结对日期").
			Annotations(entgql.Type("Date"), entgql.OrderField("SINCE")),
	}
}

// Edges of HelpPairing.
func (HelpPairing) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("member", Member.Type).
			Unique().
			Field("member_id").
			Immutable().
			Comment("帮扶党员: null unless in the caller's scope."),
		edge.From("household", PoorHousehold.Type).
			Ref("help_pairings").
			Unique().
			Field("household_id").
			Immutable().
			Comment("贫困户: null unless in the caller's scope."),
		edge.To("records", HelpRecord.Type).
			Comment("帮扶记录").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of HelpPairing: one pairing per member and household; the cap
// counts a member's pairings.
func (HelpPairing) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("member_id", "household_id").Unique(),
		index.Fields("household_id"),
		index.Fields("village_id"),
		index.Fields("branch_id"),
	}
}

// Annotations of HelpPairing.
func (HelpPairing) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

// HelpRecord is one act of help (扶志 扶能 扶业) within a help pairing.
type HelpRecord struct {
	ent.Schema
}

// Mixin of HelpRecord.
func (HelpRecord) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, ScopedBy{Column: "village_id", Also: "branch_id", Member: "member_id"}}
}

// Fields of HelpRecord.
func (HelpRecord) Fields() []ent.Field {
	return []ent.Field{
		field.Int("pairing_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("village_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("branch_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("member_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("kind").
			NamedValues("Ambition", "AMBITION", "Skills", "SKILLS", "Industry", "INDUSTRY").
			Immutable().
			Comment("帮扶方式: 扶志 AMBITION (思想上), 扶能 SKILLS (技术上), 扶业 INDUSTRY (发展上).").
			Annotations(entgql.Type("HelpKind")),
		field.Time("on").
			SchemaType(day.SchemaType).
			Immutable().
			Comment("帮扶日期").
			Annotations(entgql.Type("Date"), entgql.OrderField("ON")),
		field.String("text").
			NotEmpty().
			Immutable().
			Comment("帮扶内容: what was done."),
	}
}

// Edges of HelpRecord.
func (HelpRecord) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("pairing", HelpPairing.Type).
			Ref("records").
			Field("pairing_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes of HelpRecord.
func (HelpRecord) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("pairing_id", "on"),
		index.Fields("village_id"),
		index.Fields("branch_id"),
		index.Fields("member_id"),
	}
}

// Annotations of HelpRecord.
func (HelpRecord) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}
