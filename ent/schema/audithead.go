package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// AuditHead is the head of one county's audit chain: the sequence number
// and hash of its last entry. Appending an entry locks its county's head
// row, so the chain never forks under concurrent writes. Not part of the
// API.
type AuditHead struct {
	ent.Schema
}

// Fields of AuditHead.
func (AuditHead) Fields() []ent.Field {
	return []ent.Field{
		field.Int("county_id").Unique().Immutable().
			Comment("The county whose chain this is; 0 for entries that belong to no org."),
		field.Int("seq").Comment("The sequence number of the chain's last entry."),
		field.String("hash").Comment("The hash of the chain's last entry, hex."),
	}
}

// Annotations of AuditHead.
func (AuditHead) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
