package graph

import (
	"context"

	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/internal/auth"
	"github.com/partyorg/partyorg/internal/orgtree"
	"github.com/partyorg/partyorg/internal/pairing"
)

// Resolver is the root resolver. Resolvers translate between GraphQL and
// ent or internal/ packages; the rules live there.
type Resolver struct {
	client *ent.Client
	tokens *auth.Tokens
	logins *auth.Logins
}

// NewSchema returns partyorg's executable schema with per-field costs
// for the complexity limit. Sign-ins go through logins' throttle (nil:
// partyorg's default limits).
func NewSchema(client *ent.Client, tokens *auth.Tokens, logins *auth.Logins) graphql.ExecutableSchema {
	if logins == nil {
		logins = auth.NewLogins()
	}
	cfg := Config{Resolvers: &Resolver{client: client, tokens: tokens, logins: logins}}
	setComplexity(&cfg.Complexity)
	return NewExecutableSchema(cfg)
}

// txClient returns the client of the request's transaction
// (entgql.Transactioner opens one per mutation), or the root client.
func (r *Resolver) txClient(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return r.client
}

// within adds orgtree.Within for an optional org ID to a where-input;
// without an ID it adds nothing.
func within[P ~func(*sql.Selector)](ctx context.Context, r *Resolver, id *int, col string, add func(...P)) error {
	if id == nil {
		return nil
	}
	p, err := orgtree.Within(ctx, r.txClient(ctx), *id, col)
	if err != nil {
		return err
	}
	add(p)
	return nil
}

// where adds the predicate made from an optional where-input value; a
// missing value adds nothing.
func where[T any, P ~func(*sql.Selector)](v *T, add func(...P), pred func(T) P) error {
	if v != nil {
		add(pred(*v))
	}
	return nil
}

// whereErr is where for predicates that validate their value.
func whereErr[T any, P ~func(*sql.Selector)](v *T, add func(...P), pred func(T) (P, error)) error {
	if v == nil {
		return nil
	}
	p, err := pred(*v)
	if err != nil {
		return err
	}
	add(p)
	return nil
}

// categoryOf reads a category stored as text ("" for none).
func categoryOf(s string) *member.Category {
	if s == "" {
		return nil
	}
	c := member.Category(s)
	return &c
}

// pairingKinds translates a pairings list's kind filter.
func pairingKinds(kinds []PairingKind) pairing.Kinds {
	var k pairing.Kinds
	for _, kind := range kinds {
		switch kind {
		case PairingKindBranchPairing:
			k.Branch = true
		case PairingKindHouseholdHelp:
			k.Help = true
		case PairingKindLeaderAssignment:
			k.Leader = true
		case PairingKindMobileContact:
			k.Mobile = true
		}
	}
	return k
}
