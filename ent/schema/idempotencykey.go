package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// IdempotencyKey remembers the response to a request sent with an
// Idempotency-Key header, so that a client's retry is answered again
// instead of done twice (internal/idempotency). Not part of the API.
type IdempotencyKey struct {
	ent.Schema
}

// Fields of IdempotencyKey.
func (IdempotencyKey) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable().Comment("Keys are the user's own: two users never share one."),
		field.String("key").Immutable().MaxLen(255),
		field.String("request_hash").Immutable().Comment("SHA-256 of the request body, hex."),
		field.Int("status").Default(0).Comment("The response's HTTP status; 0 while the request runs."),
		field.Bytes("response").Optional().Comment("The response body."),
		field.Time("created_at").Default(time.Now).Immutable(),
	}
}

// Indexes of IdempotencyKey.
func (IdempotencyKey) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id", "key").Unique(),
		index.Fields("created_at"),
	}
}

// Annotations of IdempotencyKey.
func (IdempotencyKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
