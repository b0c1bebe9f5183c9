// Package graph serves partyorg's GraphQL schema: the ent-generated
// types in ent.graphqls, the hand-written ones beside it, and thin
// resolvers that translate to ent and internal/ packages.
package graph

//go:generate go tool gqlgen
//go:generate go run nodefer.go
