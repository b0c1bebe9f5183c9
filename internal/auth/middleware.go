package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/predicate"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/ent/user"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Errors a request's credentials can have; the GraphQL layer reports them
// as UNAUTHENTICATED for any operation but login.
var (
	ErrNoToken  = errs.New(errs.Unauthenticated, "sign in first: send Authorization: Bearer <token>")
	ErrBadToken = errs.New(errs.Unauthenticated, "the token is invalid or has expired: sign in again")
)

type failureKey struct{}

// Failure returns why the request has no viewer.
func Failure(ctx context.Context) error {
	if err, ok := ctx.Value(failureKey{}).(error); ok {
		return err
	}
	return ErrNoToken
}

// Middleware puts the request's viewer in its context. The account and
// its role bindings are read on every request, so a disabled account or
// a revoked role takes effect at once.
func Middleware(c *ent.Client, tokens *Tokens, az *authz.Authorizer) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := withClientAddr(r.Context(), r)
			if h := r.Header.Get("Authorization"); h != "" {
				v, err := Viewer(ctx, c, tokens, az, h)
				if err != nil {
					if !errors.Is(err, ErrBadToken) {
						errs.Respond(w, http.StatusInternalServerError, errs.Internal, "internal error")
						return
					}
					ctx = context.WithValue(ctx, failureKey{}, err)
				} else {
					ctx = viewer.NewContext(ctx, v)
				}
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// Viewer builds the viewer of an Authorization header value.
func Viewer(ctx context.Context, c *ent.Client, tokens *Tokens, az *authz.Authorizer, header string) (*viewer.Viewer, error) {
	// The scheme is case-insensitive (RFC 7235).
	scheme, token, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return nil, ErrBadToken
	}
	sub, err := tokens.Verify(strings.TrimSpace(token))
	if err != nil {
		return nil, ErrBadToken
	}
	return load(ctx, c, az, sub.UserID, user.TokenVersion(sub.Version))
}

// Load builds the viewer of an enabled account.
func Load(ctx context.Context, c *ent.Client, az *authz.Authorizer, id int) (*viewer.Viewer, error) {
	return load(ctx, c, az, id)
}

// load builds the viewer of an enabled account that also matches preds
// (a token's credentials version).
func load(ctx context.Context, c *ent.Client, az *authz.Authorizer, id int, preds ...predicate.User) (*viewer.Viewer, error) {
	u, err := c.User.Query().
		Where(append(preds, user.ID(id), user.Disabled(false))...).
		WithRoles(func(q *ent.RoleBindingQuery) { q.WithOrg() }).
		Only(viewer.NewSystemContext(ctx))
	if ent.IsNotFound(err) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, err
	}
	grants := make([]viewer.Grant, 0, len(u.Edges.Roles))
	for _, b := range u.Edges.Roles {
		g := viewer.Grant{Role: string(b.Role)}
		if o := b.Edges.Org; o != nil {
			g.OrgID, g.Path, g.Kind = o.ID, o.Path, string(o.Kind)
		} else if b.Role != rolebinding.RoleAdmin {
			continue
		}
		grants = append(grants, g)
	}
	d, err := az.Decider(u.ID, grants)
	if err != nil {
		return nil, err
	}
	return &viewer.Viewer{UserID: u.ID, Username: u.Username, MemberID: u.MemberID, Grants: grants, Decider: d}, nil
}
