// Package viewer carries the caller of a request through context.
//
// A Viewer is built once per request (by internal/auth) and never mutated
// afterwards, so nothing about scope lives in global state.
package viewer

import "context"

// Grant is one role binding: a role held at one org (its home).
// Path is the home's materialized path; it is empty for ADMIN, which
// holds its role over every county. Kind is the home's kind (COUNTY,
// TOWNSHIP, …): what a role may do at a level follows from it.
type Grant struct {
	Role  string
	OrgID int
	Path  string
	Kind  string
}

// Scope is the part of the org tree a viewer may read for one object type.
type Scope struct {
	// All is set when the viewer may read every org.
	All bool
	// Prefixes are org paths ("/1/7/") whose subtrees are readable; none
	// is a prefix of another.
	Prefixes []string
}

// Decider answers what a viewer may do. internal/authz implements it with
// Casbin; the same decision guards reads (Scope) and writes (Allow).
type Decider interface {
	// Allow reports whether the viewer may perform act on an object of
	// type obj that belongs to the org at path.
	Allow(path, obj, act string) bool
	// Scope reports the subtrees in which the viewer may read objects
	// of type obj.
	Scope(obj string) Scope
	// ScopeFor reports the subtrees in which the viewer may perform act
	// on objects of type obj.
	ScopeFor(obj, act string) Scope
}

// Viewer is the authenticated caller of a request.
type Viewer struct {
	UserID   int
	Username string
	// MemberID is the Party member record of the account, or 0.
	MemberID int
	Grants   []Grant
	Decider
}

type ctxKey struct{}

// NewContext returns a copy of ctx that carries v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer in ctx, or nil for an anonymous caller.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(ctxKey{}).(*Viewer)
	return v
}

// system allows everything; it is for the server's own work (login
// lookups, migrations, demo data, the audit trail), never for a caller.
type system struct{}

func (system) Allow(string, string, string) bool { return true }
func (system) Scope(string) Scope                { return Scope{All: true} }
func (system) ScopeFor(string, string) Scope     { return Scope{All: true} }

// NewSystemContext returns a context whose viewer may read and write
// everything. Use it only where no caller's rights are involved.
func NewSystemContext(ctx context.Context) context.Context {
	return NewContext(ctx, &Viewer{Username: "system", Decider: system{}})
}
