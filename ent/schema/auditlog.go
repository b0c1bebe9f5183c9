package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AuditLog is one entry of the append-only audit trail (操作日志): who
// changed what, when. Entries are written by a hook on every mutation
// and never updated or deleted.
type AuditLog struct {
	ent.Schema
}

// Mixin of AuditLog.
func (AuditLog) Mixin() []ent.Mixin {
	return []ent.Mixin{ScopedBy{Column: "org_id", Also: "also_org_id", Unaudited: true}}
}

// Fields of AuditLog.
func (AuditLog) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").
			Default(time.Now).
			Immutable().
			Annotations(entgql.OrderField("AT")),
		field.Int("actor_id").
			Optional().
			Immutable().
			Comment("The user who made the change; null for the server itself.").
			Annotations(entgql.Type("ID")),
		field.String("actor").
			Immutable().
			Comment("The username of the actor at the time."),
		field.Enum("op").
			NamedValues("Create", "CREATE", "Update", "UPDATE", "Delete", "DELETE", "Export", "EXPORT").
			Immutable(),
		field.String("type").
			Immutable().
			Comment("The object type, e.g. Member."),
		field.Int("object_id").
			Immutable().
			Comment("The changed object's ID.").
			Annotations(entgql.Type("ID")),
		field.JSON("changes", map[string]any{}).
			Optional().
			Immutable().
			Comment("Changed fields with their new values; secrets are redacted.").
			Annotations(entgql.Type("Map")),
		field.Int("org_id").
			Optional().
			Immutable().
			Comment("The org the changed object belongs to; decides who may read the entry.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("also_org_id").
			Optional().
			Immutable().
			Comment("The second org of an object that belongs to two (a branch pairing's village branch, ScopedBy.Also): its scope reads the entry too.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		// The hash chain (internal/audit): each county's entries are
		// numbered 1, 2, … and each hash covers the entry and the hash
		// before it, so a changed or removed entry breaks the chain.
		field.Int("county_id").
			Default(0).
			Immutable().
			Comment("The county of the entry's org (its chain); 0 for none.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("seq").
			Default(0).
			Immutable().
			Comment("The entry's number in its county's chain, from 1; 0 for entries written before the chain existed.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("prev_hash").
			Default("").
			Immutable().
			Comment("The hash of the chain's previous entry, hex; empty for the first.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("hash").
			Default("").
			Immutable().
			Comment("SHA-256 over the entry's canonical form and prev_hash, hex.").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of AuditLog.
func (AuditLog) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("org_id", "at"),
		index.Fields("also_org_id", "at"),
		index.Fields("type", "object_id"),
		index.Fields("county_id", "seq"),
	}
}

// Annotations of AuditLog.
func (AuditLog) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
