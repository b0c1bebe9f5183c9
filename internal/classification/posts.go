package classification

import (
	"context"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/predicate"
	"github.com/partyorg/partyorg/ent/welfarepost"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
)

// ActAssign is the policy action of giving a post to a member or leaving
// it vacant.
const ActAssign = "assign"

// CreateWelfarePostInput sets up a public-welfare post (党员公益岗, "一编三定").
type CreateWelfarePostInput struct {
	BranchID  int
	Kind      welfarepost.Kind
	Duty      string
	HolderID  *int
	TermStart *time.Time
	TermEnd   *time.Time
}

// CreateWelfarePost creates a post in a village or community branch,
// held by one of its AT_HOME_NO_POST members or vacant.
func CreateWelfarePost(ctx context.Context, c *ent.Client, in CreateWelfarePostInput) (*ent.WelfarePost, error) {
	if err := authz.Require(ctx, c, in.BranchID, ent.TypeWelfarePost, "create"); err != nil {
		return nil, err
	}
	b, err := c.Org.Get(ctx, in.BranchID)
	if err != nil {
		return nil, err
	}
	if b.Kind != org.KindBranch {
		return nil, errs.New(errs.BadUserInput, "a post belongs to a branch, not a %s", b.Kind)
	}
	if _, err := villageBranch(ctx, c, b); err != nil {
		return nil, err
	}
	duty, err := text("duty", in.Duty, true)
	if err != nil {
		return nil, err
	}
	if in.TermStart != nil && in.TermEnd != nil {
		if err := notBefore("the term's end", day.Trunc(*in.TermEnd), "its start", day.Trunc(*in.TermStart)); err != nil {
			return nil, err
		}
	}
	if in.HolderID != nil {
		if err := checkHolder(ctx, c, b.ID, *in.HolderID); err != nil {
			return nil, err
		}
	}
	q := c.WelfarePost.Create().SetBranchID(b.ID).SetKind(in.Kind).SetDuty(duty).SetNillableHolderID(in.HolderID)
	if in.TermStart != nil {
		q.SetTermStart(day.Trunc(*in.TermStart))
	}
	if in.TermEnd != nil {
		q.SetTermEnd(day.Trunc(*in.TermEnd))
	}
	return q.Save(ctx)
}

// AssignWelfarePost gives a post to a holder, or leaves it vacant
// (holderID nil).
func AssignWelfarePost(ctx context.Context, c *ent.Client, id int, holderID *int) (*ent.WelfarePost, error) {
	p, err := c.WelfarePost.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "welfare post not found")
	}
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, c, p.BranchID, ent.TypeWelfarePost, ActAssign); err != nil {
		return nil, err
	}
	u := c.WelfarePost.UpdateOneID(id)
	if holderID == nil {
		return u.ClearHolder().Save(ctx)
	}
	if p.HolderID != nil && *p.HolderID == *holderID {
		return p, nil
	}
	if err := checkHolder(ctx, c, p.BranchID, *holderID); err != nil {
		return nil, err
	}
	return u.SetHolderID(*holderID).Save(ctx)
}

// checkHolder: the holder is an AT_HOME_NO_POST member of the post's
// branch (else BAD_USER_INPUT) holding no other post (else CONFLICT; the
// unique holder column settles two at once the same way).
func checkHolder(ctx context.Context, c *ent.Client, branchID, holderID int) error {
	m, err := c.Member.Get(ctx, holderID)
	if ent.IsNotFound(err) {
		return errs.New(errs.NotFound, "member not found")
	}
	if err != nil {
		return err
	}
	if m.BranchID != branchID {
		return errs.New(errs.BadUserInput, "%s is not a member of the post's branch", m.Name)
	}
	if !isCategory(m.Category, member.CategoryAtHomeNoPost) {
		return errs.New(errs.BadUserInput, "a post is held by a member at home without a post (AT_HOME_NO_POST), not by %s (%s)", m.Name, categoryName(m.Category))
	}
	held, err := c.WelfarePost.Query().Where(welfarepost.HolderID(holderID)).Exist(ctx)
	if err != nil {
		return err
	}
	if held {
		return errs.New(errs.Conflict, "%s already holds a post: one post per member", m.Name)
	}
	return nil
}

// WithoutPost is the work list of members at home without a post who
// hold none yet (without), or of the members holding a post (!without).
func WithoutPost(without bool) predicate.Member {
	if !without {
		return member.HasPost()
	}
	return member.And(member.CategoryEQ(member.CategoryAtHomeNoPost), member.Not(member.HasPost()))
}
