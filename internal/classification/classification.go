// Package classification holds the rules of member classification
// (党员分类管理, seed 一, DESIGN.md §2): the four categories and their
// history, transfers between branches, public-welfare posts (posts.go),
// skills and training (skills.go), mobile members (mobile.go), help cards
// and visits for elderly members (care.go), the care fund (fund.go), and
// the masking of personal data (privacy.go).
//
// Every function takes the request's client (its transaction for
// mutations) and reads in the caller's scope: an object the caller cannot
// see is NOT_FOUND, a step its role may not take FORBIDDEN
// (authz.Require), bad input BAD_USER_INPUT, a clash with the state of
// the records CONFLICT; all write nothing, as the request's transaction
// is rolled back.
package classification

import (
	"context"
	"strings"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/errs"
)

// memberFor reads a member in the caller's scope (NOT_FOUND outside it)
// and checks that the caller may do act on typ at the member's branch.
func memberFor(ctx context.Context, c *ent.Client, id int, typ, act string) (*ent.Member, error) {
	m, err := c.Member.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "member not found")
	}
	if err != nil {
		return nil, err
	}
	return m, authz.Require(ctx, c, m.BranchID, typ, act)
}

// branchOf reads a member's branch in the caller's scope.
func branchOf(ctx context.Context, c *ent.Client, m *ent.Member) (*ent.Org, error) {
	b, err := c.Org.Get(ctx, m.BranchID)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "branch not found")
	}
	return b, err
}

// villageBranch returns the village or community a branch sits in
// (BAD_USER_INPUT for any other branch): posts, mobile members and their
// contacts belong there.
func villageBranch(ctx context.Context, c *ent.Client, b *ent.Org) (*ent.Org, error) {
	if b.ParentID == 0 {
		return nil, errs.New(errs.BadUserInput, "%s is not a village or community branch", b.Name)
	}
	p, err := c.Org.Query().Where(org.ID(b.ParentID)).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	if p == nil || (p.Kind != org.KindVillage && p.Kind != org.KindCommunity) {
		return nil, errs.New(errs.BadUserInput, "%s is not a village or community branch", b.Name)
	}
	return p, nil
}

// text trims a free-text input; required ones may not be blank.
func text(what, s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", errs.New(errs.BadUserInput, "%s must not be empty", what)
	}
	return s, nil
}

// notBefore refuses a day before another one (BAD_USER_INPUT).
func notBefore(what string, d time.Time, limitWhat string, limit time.Time) error {
	if d.Before(limit) {
		return errs.New(errs.BadUserInput, "%s is before %s", what, limitWhat)
	}
	return nil
}
