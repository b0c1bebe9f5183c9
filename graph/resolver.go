package graph

import (
	"context"

	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/partyorg/partyorg/ent"
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
		}
	}
	return k
}
