// Package account manages accounts and role bindings: passwords, sign-in
// checks, creating accounts with their first binding, granting and
// revoking roles. Every write goes through the ent client, so the privacy
// policy (internal/authz) checks it against the caller's grants.
package account

import (
	"context"
	"errors"
	"unicode/utf8"

	entgo "entgo.io/ent"
	"golang.org/x/crypto/bcrypt"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/hook"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/ent/user"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Password length bounds; bcrypt ignores bytes past 72.
const (
	MinPassword = 8
	MaxPassword = 72
)

// ErrBadCredentials is the one answer to every failed sign-in, so that a
// caller cannot tell a wrong username from a wrong password or a disabled
// account.
var ErrBadCredentials = errs.New(errs.Unauthenticated, "wrong username or password")

// dummyHash is compared against when the username is unknown, so that
// failures take as long as for a real account.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("partyorg-dummy-password"), bcrypt.DefaultCost)

// HashPassword checks a new password and returns its bcrypt hash.
func HashPassword(pw string) (string, error) {
	if utf8.RuneCountInString(pw) < MinPassword || len(pw) > MaxPassword {
		return "", errs.New(errs.BadUserInput, "a password has %d to %d characters", MinPassword, MaxPassword)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// Authenticate returns the enabled account with username and password.
func Authenticate(ctx context.Context, c *ent.Client, username, password string) (*ent.User, error) {
	// Sign-in happens before there is a viewer: look the account up as the server.
	u, err := c.User.Query().Where(user.Username(username)).Only(viewer.NewSystemContext(ctx))
	if ent.IsNotFound(err) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Disabled {
		return nil, ErrBadCredentials
	}
	return u, nil
}

// NewUser is an account to create, with an optional first role binding.
type NewUser struct {
	Username string
	Password string
	MemberID *int
	Role     *rolebinding.Role
	OrgID    *int
}

// Create creates an account managed at OrgID, or else at the member's
// branch, and grants its first role when one is given; call it inside a
// transaction so that a refused grant leaves no account behind.
func Create(ctx context.Context, c *ent.Client, in NewUser) (*ent.User, error) {
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	home := in.OrgID
	if in.MemberID != nil {
		m, err := c.Member.Get(ctx, *in.MemberID)
		if err != nil {
			return nil, notFound(err, "member")
		}
		if home == nil {
			home = &m.BranchID
		}
	}
	if in.Role != nil && *in.Role == rolebinding.RoleAdmin {
		home = nil
	}
	u, err := c.User.Create().
		SetUsername(in.Username).
		SetPasswordHash(hash).
		SetNillableMemberID(in.MemberID).
		SetNillableOrgID(home).
		Save(ctx)
	if err != nil {
		return nil, conflict(err, "the username or member already has an account")
	}
	if in.Role != nil {
		if _, err := Grant(ctx, c, u.ID, *in.Role, in.OrgID); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// Changes to an account; nil fields stay as they are.
type Changes struct {
	Password    *string
	Disabled    *bool
	MemberID    *int
	ClearMember bool
}

// Update changes an account.
func Update(ctx context.Context, c *ent.Client, id int, ch Changes) (*ent.User, error) {
	upd := c.User.UpdateOneID(id).SetNillableDisabled(ch.Disabled)
	if ch.Password != nil {
		hash, err := HashPassword(*ch.Password)
		if err != nil {
			return nil, err
		}
		upd.SetPasswordHash(hash)
	}
	if ch.MemberID != nil {
		if _, err := c.Member.Get(ctx, *ch.MemberID); err != nil {
			return nil, notFound(err, "member")
		}
		upd.SetMemberID(*ch.MemberID)
	} else if ch.ClearMember {
		upd.ClearMemberID()
	}
	u, err := upd.Save(ctx)
	if err != nil {
		return nil, conflict(notFound(err, "user"), "the member already has an account")
	}
	return u, nil
}

// Grant gives a user role at an org. ADMIN is held without an org and
// every other role at one; MEMBER only at a branch. The policy decides
// whether the caller may grant there, so nobody grants above their scope.
func Grant(ctx context.Context, c *ent.Client, userID int, role rolebinding.Role, orgID *int) (*ent.RoleBinding, error) {
	if err := rolebinding.RoleValidator(role); err != nil {
		return nil, errs.New(errs.BadUserInput, "unknown role %q", role)
	}
	if _, err := c.User.Get(ctx, userID); err != nil {
		return nil, notFound(err, "user")
	}
	switch {
	case role == rolebinding.RoleAdmin && orgID != nil:
		return nil, errs.New(errs.BadUserInput, "ADMIN is granted without an org")
	case role != rolebinding.RoleAdmin && orgID == nil:
		return nil, errs.New(errs.BadUserInput, "%s is granted at an org: give orgID", role)
	}
	if orgID != nil {
		o, err := c.Org.Get(ctx, *orgID)
		if err != nil {
			return nil, notFound(err, "org")
		}
		if role == rolebinding.RoleMember && o.Kind != org.KindBranch {
			return nil, errs.New(errs.BadUserInput, "MEMBER is granted at a BRANCH, not at a %s", o.Kind)
		}
	}
	b, err := c.RoleBinding.Create().
		SetUserID(userID).
		SetRole(role).
		SetNillableOrgID(orgID).
		Save(ctx)
	if err != nil {
		return nil, conflict(err, "the user already holds this role there")
	}
	return b, nil
}

// Revoke removes a role binding.
func Revoke(ctx context.Context, c *ent.Client, id int) error {
	return notFound(c.RoleBinding.DeleteOneID(id).Exec(ctx), "role binding")
}

func notFound(err error, what string) error {
	if ent.IsNotFound(err) {
		return errs.New(errs.NotFound, "%s not found", what)
	}
	return err
}

func conflict(err error, msg string) error {
	if ent.IsConstraintError(err) {
		return errors.Join(errs.New(errs.Conflict, "%s", msg), err)
	}
	return err
}

// RevokeTokensOnChange moves an account's token version on whenever its
// password hash is set or it is disabled, whoever makes the change: the
// account's earlier tokens are refused from then on.
func RevokeTokensOnChange() entgo.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.UserFunc(func(ctx context.Context, m *ent.UserMutation) (ent.Value, error) {
			_, password := m.PasswordHash()
			if disabled, ok := m.Disabled(); password || (ok && disabled) {
				m.AddTokenVersion(1)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdateOne|ent.OpUpdate)
}
