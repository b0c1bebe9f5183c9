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

// Authorizer holds the parsed model and policy and a cache of deciders.
// It is safe for concurrent use.
type Authorizer struct {
	model model.Model

	mu       sync.Mutex
	deciders map[string]*decider
}

// maxDeciders bounds the cache; when full it starts over.
const maxDeciders = 10_000

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
	return &Authorizer{model: m, deciders: map[string]*decider{}}, nil
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

// Decider returns the decision maker of a user with grants. Each grant
// holds its role, and its role at its home's level, over the home's
// subtree. A decider is a function of the user, its grants (role, org,
// the org's path and kind) and the policy alone, so deciders are cached
// under exactly those grants: a request whose grants differ in any way
// (a grant, a revoke, a moved org) misses the cache and gets a new one,
// and no stale right can outlive the change. A disabled account never
// gets this far (internal/auth).
func (a *Authorizer) Decider(userID int, grants []viewer.Grant) (viewer.Decider, error) {
	key := cacheKey(userID, grants)
	a.mu.Lock()
	d, ok := a.deciders[key]
	a.mu.Unlock()
	if ok {
		return d, nil
	}
	d, err := a.newDecider(userID, grants)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if len(a.deciders) >= maxDeciders {
		clear(a.deciders)
	}
	a.deciders[key] = d
	a.mu.Unlock()
	return d, nil
}

// cacheKey spells out a user and its grants.
func cacheKey(userID int, grants []viewer.Grant) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(userID))
	for _, g := range grants {
		b.WriteString("|" + g.Role + "@" + g.Kind + "#" + strconv.Itoa(g.OrgID) + ":" + g.Path)
	}
	return b.String()
}

func (a *Authorizer) newDecider(userID int, grants []viewer.Grant) (*decider, error) {
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
	return &decider{e: e, sub: sub, grants: grants, scopes: map[scopeKey]viewer.Scope{}}, nil
}

// decider is one user's view of the policy, shared by the user's
// concurrent requests: its enforcer sits behind a mutex, and the scopes
// it has worked out behind a read-write lock, which is all most requests
// take.
type decider struct {
	mu     sync.Mutex // guards e
	e      *casbin.Enforcer
	sub    string
	grants []viewer.Grant

	smu    sync.RWMutex
	scopes map[scopeKey]viewer.Scope
}

type scopeKey struct{ obj, act string }

func (d *decider) Allow(path, obj, act string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
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
	key := scopeKey{obj, act}
	d.smu.RLock()
	s, ok := d.scopes[key]
	d.smu.RUnlock()
	if ok {
		return s
	}
	s = d.scopeFor(obj, act)
	d.smu.Lock()
	d.scopes[key] = s
	d.smu.Unlock()
	return s
}

func (d *decider) scopeFor(obj, act string) viewer.Scope {
	var s viewer.Scope
	for _, g := range d.grants {
		home := g.Path
		if home == "" {
			home = Root
		}
		if !d.Allow(home, obj, act) {
			continue
		}
		if home == Root {
			s = viewer.Scope{All: true}
			break
		}
		s.Prefixes = append(s.Prefixes, home)
	}
	s.Prefixes = minimal(s.Prefixes)
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
