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
	return []ent.Mixin{ScopedBy{Column: "org_id", Unaudited: true}}
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
			NamedValues("Create", "CREATE", "Update", "UPDATE", "Delete", "DELETE").
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
	}
}

// Indexes of AuditLog.
func (AuditLog) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("org_id", "at"),
		index.Fields("type", "object_id"),
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
