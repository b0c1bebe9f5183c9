// Package authz decides what a viewer may do. It turns the viewer's role
// bindings into Casbin grouping lines over the policies in policies/, and
// answers from that one enforcer both which subtrees a viewer may read
// (ent predicates, see internal/scope) and whether it may write (Enforce).
package authz

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"
	"github.com/casbin/casbin/v2/util"

	"github.com/partyorg/partyorg/internal/viewer"
	"github.com/partyorg/partyorg/policies"
)

// Root is the domain that stands for "every org": only a grant in domain
// "*" (ADMIN) matches it.
const Root = "/"

// Actions checked against the policy.
const (
	Read   = "read"
	Create = "create"
	Update = "update"
	Delete = "delete"
)

// Authorizer holds the parsed model and policy. It is immutable and safe
// for concurrent use; each request gets its own Decider.
type Authorizer struct {
	model model.Model
}

// New parses the embedded model and policy.
func New() (*Authorizer, error) {
	return NewFromText(policies.Model, policies.Policy)
}

// NewFromText parses a model and policy given as text.
func NewFromText(modelText, policyText string) (*Authorizer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("authz: model: %w", err)
	}
	if err := stringadapter.NewAdapter(policyText).LoadPolicy(m); err != nil {
		return nil, fmt.Errorf("authz: policy: %w", err)
	}
	return &Authorizer{model: m}, nil
}

// Subject is the Casbin subject of a user.
func Subject(userID int) string { return "user:" + strconv.Itoa(userID) }

// Domain is the Casbin domain pattern of a grant: the home's subtree, or
// everything for a grant without a home (ADMIN).
func Domain(g viewer.Grant) string {
	if g.Path == "" {
		return "*"
	}
	return g.Path + "*"
}

// LevelRole is the role of a grant qualified by the kind of its home,
// "ORG_ADMIN@TOWNSHIP": policies/ gives the steps that belong to one
// level (a township reviewing, a village recommending) to such roles.
func LevelRole(role, kind string) string { return role + "@" + kind }

// Decider builds the per-request decision maker of a user with grants.
// Each grant holds its role, and its role at its home's level, over the
// home's subtree.
func (a *Authorizer) Decider(userID int, grants []viewer.Grant) (viewer.Decider, error) {
	e, err := casbin.NewEnforcer(a.model.Copy())
	if err != nil {
		return nil, fmt.Errorf("authz: enforcer: %w", err)
	}
	e.AddNamedDomainMatchingFunc("g", "KeyMatch", util.KeyMatch)
	sub := Subject(userID)
	rules := make([][]string, 0, 2*len(grants))
	for _, g := range grants {
		rules = append(rules, []string{sub, g.Role, Domain(g)})
		if g.Kind != "" {
			rules = append(rules, []string{sub, LevelRole(g.Role, g.Kind), Domain(g)})
		}
	}
	if len(rules) > 0 {
		if _, err := e.AddGroupingPolicies(rules); err != nil {
			return nil, fmt.Errorf("authz: grants: %w", err)
		}
	}
	return &decider{e: e, sub: sub, grants: grants, scopes: map[string]viewer.Scope{}}, nil
}

// decider is one viewer's view of the policy. gqlgen resolves fields
// concurrently, so its enforcer and cache sit behind a mutex.
type decider struct {
	mu     sync.Mutex
	e      *casbin.Enforcer
	sub    string
	grants []viewer.Grant
	scopes map[string]viewer.Scope
}

func (d *decider) Allow(path, obj, act string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.enforce(path, obj, act)
}

func (d *decider) enforce(path, obj, act string) bool {
	ok, err := d.e.Enforce(d.sub, path, obj, act)
	return err == nil && ok
}

// Scope is ScopeFor(obj, Read).
func (d *decider) Scope(obj string) viewer.Scope {
	return d.ScopeFor(obj, Read)
}

// ScopeFor asks Casbin, at each grant's home, whether the viewer may do
// act on obj there; a yes covers the home's subtree, exactly as Enforce
// would answer for any org below it.
func (d *decider) ScopeFor(obj, act string) viewer.Scope {
	d.mu.Lock()
	defer d.mu.Unlock()
	key := obj + " " + act
	if s, ok := d.scopes[key]; ok {
		return s
	}
	var s viewer.Scope
	for _, g := range d.grants {
		home := g.Path
		if home == "" {
			home = Root
		}
		if !d.enforce(home, obj, act) {
			continue
		}
		if home == Root {
			s = viewer.Scope{All: true}
			break
		}
		s.Prefixes = append(s.Prefixes, home)
	}
	s.Prefixes = minimal(s.Prefixes)
	d.scopes[key] = s
	return s
}

// Covers reports whether every subtree of s lies inside one of t.
func Covers(t, s viewer.Scope) bool {
	if t.All {
		return true
	}
	if s.All {
		return false
	}
	for _, p := range s.Prefixes {
		if !slices.ContainsFunc(t.Prefixes, func(q string) bool { return strings.HasPrefix(p, q) }) {
			return false
		}
	}
	return true
}

// minimal drops prefixes that lie inside another one.
func minimal(prefixes []string) []string {
	slices.Sort(prefixes)
	out := prefixes[:0]
	for _, p := range prefixes {
		if n := len(out); n > 0 && strings.HasPrefix(p, out[n-1]) {
			continue
		}
		out = append(out, p)
	}
	return out
}
