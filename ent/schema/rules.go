package schema

// Runtime behaviour of the schemas: read interceptors, privacy policies
// and hooks. It lives in its own file because it imports the generated
// client; entc does not need it to load the schema.

import (
	"entgo.io/ent"

	gen "github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/hook"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/privacy"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/audit"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/orgtree"
	"github.com/partyorg/partyorg/internal/scope"
	"github.com/partyorg/partyorg/internal/version"
)

// Interceptors of ScopedBy filter every read by the viewer's scope.
func (m ScopedBy) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{authz.FilterReads(m.annotation())}
}

// Policy of ScopedBy checks every write against the policy.
func (m ScopedBy) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			authz.ScopedMutationRule(m.Column, m.Also),
			privacy.AlwaysAllowRule(),
		},
	}
}

// Hooks of ScopedBy audit each write and refuse bulk writes, which
// neither the audit trail nor the policy checks one object at a time.
func (m ScopedBy) Hooks() []ent.Hook {
	hooks := []ent.Hook{hook.Reject(gen.OpUpdate | gen.OpDelete)}
	if !m.Unaudited {
		hooks = append(hooks, audit.Hook(m.Column))
	}
	return hooks
}

// Interceptors of OrgScope.
func (OrgScope) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{authz.FilterReads(scope.Annotation{Column: scope.PathColumn})}
}

// Policy of OrgScope.
func (OrgScope) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			authz.OrgMutationRule(),
			privacy.AlwaysAllowRule(),
		},
	}
}

// Hooks of OrgScope.
func (OrgScope) Hooks() []ent.Hook {
	return []ent.Hook{audit.Hook(scope.PathColumn)}
}

// Hooks of Org keep the tree consistent (internal/orgtree).
func (Org) Hooks() []ent.Hook {
	return orgtree.Hooks()
}

// Hooks of Member: members belong to a branch (DESIGN.md §1).
func (Member) Hooks() []ent.Hook {
	return []ent.Hook{orgtree.InKind("branch_id", org.KindBranch)}
}

// Hooks of AuditLog keep the trail append-only, whoever asks.
func (AuditLog) Hooks() []ent.Hook {
	return []ent.Hook{hook.Reject(gen.OpUpdate | gen.OpUpdateOne | gen.OpDelete | gen.OpDeleteOne)}
}

// Hooks of User: a password change or a disable ends the account's
// tokens (internal/account).
func (User) Hooks() []ent.Hook {
	return []ent.Hook{account.RevokeTokensOnChange()}
}

// Hooks of Timestamps move each row's version on at every update.
func (Timestamps) Hooks() []ent.Hook {
	return []ent.Hook{version.Hook()}
}
