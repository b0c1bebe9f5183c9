package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/day"
)

// Convention is one version of a county's member convention (党员公约)
// for one sector. Publishing adds a version; old versions stay.
type Convention struct {
	ent.Schema
}

// Mixin of Convention. A convention's rows never change (a new text is a
// new version), so it has no Timestamps: their row version would clash
// with the convention's own version number.
func (Convention) Mixin() []ent.Mixin {
	return []ent.Mixin{ScopedBy{Column: "county_id"}}
}

// Fields of Convention.
func (Convention) Fields() []ent.Field {
	return []ent.Field{
		field.Int("county_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		// The org's sector enum, stored as its value: GraphQL shows it as
		// Sector through a resolver (one Go type per GraphQL enum).
		field.String("sector").
			Immutable().
			Validate(func(s string) error { return org.SectorValidator(org.Sector(s)) }).
			Comment("领域: the sector whose members recite it.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("version").
			Immutable().
			Positive().
			Comment("版本: 1 for the first text of a sector, then one more each time.").
			Annotations(entgql.OrderField("VERSION")),
		field.Text("text").
			NotEmpty().
			Immutable().
			Comment("公约全文"),
		field.Time("effective_from").
			SchemaType(day.SchemaType).
			Immutable().
			Comment("施行日期: in force from this day until the next version's.").
			Annotations(entgql.Type("Date"), entgql.OrderField("EFFECTIVE_FROM")),
	}
}

// Edges of Convention.
func (Convention) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("county", Org.Type).
			Field("county_id").
			Unique().
			Required().
			Immutable().
			Comment("发布县: the county that published it."),
	}
}

// Indexes of Convention.
func (Convention) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("county_id", "sector", "version").Unique(),
		index.Fields("county_id", "sector", "effective_from").Unique(),
	}
}

// Annotations of Convention.
func (Convention) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField().Description("党员公约: every version of the conventions of the counties in scope."),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}
