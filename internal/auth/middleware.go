package auth

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"

	"entgo.io/ent/dialect"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/rolebinding"
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
	return load(ctx, c, az, sub.UserID, &sub.Version)
}

// Load builds the viewer of an enabled account.
func Load(ctx context.Context, c *ent.Client, az *authz.Authorizer, id int) (*viewer.Viewer, error) {
	return load(ctx, c, az, id, nil)
}

// load builds the viewer of an enabled account, whose credentials are at
// version when it is not nil (a token's), from one statement: the account
// joined with its role bindings and their orgs' paths and kinds. It runs
// on every request, so a disabled account, a revoked role or a moved org
// takes effect at once; the decider for those grants comes from az's
// cache, keyed by the grants themselves.
func load(ctx context.Context, c *ent.Client, az *authz.Authorizer, id int, version *int) (*viewer.Viewer, error) {
	query, args := loadQuery(c.Dialect()), []any{id}
	if version != nil {
		query, args = loadVersionQuery(c.Dialect()), append(args, *version)
	}
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	v := &viewer.Viewer{UserID: id}
	found := false
	for rows.Next() {
		found = true
		var member, org sql.NullInt64
		var role, path, kind sql.NullString
		if err := rows.Scan(&v.Username, &member, &role, &org, &path, &kind); err != nil {
			return nil, err
		}
		v.MemberID = int(member.Int64)
		switch {
		case !role.Valid:
			// An account without bindings.
		case org.Valid:
			v.Grants = append(v.Grants, viewer.Grant{Role: role.String, OrgID: int(org.Int64), Path: path.String, Kind: kind.String})
		case role.String == string(rolebinding.RoleAdmin):
			v.Grants = append(v.Grants, viewer.Grant{Role: role.String})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrBadToken
	}
	if v.Decider, err = az.Decider(v.UserID, v.Grants); err != nil {
		return nil, err
	}
	return v, nil
}

// loadSQL selects an enabled account's username, member and bindings
// (role, org, path, kind), one row per binding, in a stable order so that
// the grants, and with them the decider's cache key, are the same each
// time; loadVersionSQL also checks the credentials version.
const (
	loadSelect = `SELECT u.username, u.member_id, b.role, o.id, o.path, o.kind FROM users u
LEFT JOIN role_bindings b ON b.user_id = u.id LEFT JOIN orgs o ON o.id = b.org_id
WHERE u.id = ? AND NOT u.disabled`
	loadSQL        = loadSelect + ` ORDER BY b.id`
	loadVersionSQL = loadSelect + ` AND u.token_version = ? ORDER BY b.id`
)

var (
	loadPostgres        = strings.Replace(loadSQL, "?", "$1", 1)
	loadVersionPostgres = strings.Replace(strings.Replace(loadVersionSQL, "?", "$1", 1), "?", "$2", 1)
)

func loadQuery(d string) string {
	if d == dialect.Postgres {
		return loadPostgres
	}
	return loadSQL
}

func loadVersionQuery(d string) string {
	if d == dialect.Postgres {
		return loadVersionPostgres
	}
	return loadVersionSQL
}
