package points

import (
	"context"
	"strings"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pointappeal"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/pointhalfyear"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/viewer"
	"github.com/partyorg/partyorg/internal/workflow"
)

// Policy actions on PointHalfYear and PointAppeal.
const (
	ActClose   = "close"
	ActPublish = "publish"
	ActAppeal  = "appeal"
	ActAnswer  = "answer"
)

// CloseHalfYear ends a branch's half-year for feedback (半年汇总反馈):
// after its last day, once every entry dated in it is reviewed. No entry
// may be dated in it afterwards; each member sees its summary and may
// appeal.
func CloseHalfYear(ctx context.Context, c *ent.Client, branchID, year, half int, on *time.Time) (*ent.PointHalfYear, error) {
	b, err := branchFor(ctx, c, branchID)
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, c, b.ID, "PointHalfYear", ActClose); err != nil {
		return nil, err
	}
	if half != 1 && half != 2 {
		return nil, errs.New(errs.BadUserInput, "half is 1 or 2, not %d", half)
	}
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	if end := HalfEnd(year, half); !d.After(end) {
		return nil, errs.New(errs.Conflict, "half %d of %d runs to %s: close it after that", half, year, day.Format(end))
	}
	if err := lockBranch(ctx, c, b.ID); err != nil {
		return nil, err
	}
	if err := halfYearOpen(ctx, c, b.ID, PeriodOf(year, 6*half)); err != nil {
		return nil, err
	}
	from, to := HalfPeriods(year, half)
	open, err := c.PointEntry.Query().
		Where(pointentry.BranchID(b.ID), pointentry.Year(year), pointentry.PeriodGTE(from), pointentry.PeriodLTE(to),
			pointentry.StateEQ(pointentry.StateDeclared)).
		Count(system(ctx))
	if err != nil {
		return nil, err
	}
	if open > 0 {
		return nil, errs.New(errs.Conflict, "%d entries of half %d of %d are not reviewed yet", open, half, year)
	}
	return c.PointHalfYear.Create().
		SetBranchID(b.ID).SetYear(year).SetHalf(half).SetState(pointhalfyear.StateFeedback).SetClosedOn(d).
		Save(ctx)
}

// PeriodOf is the period "YYYY-MM" of a year and month.
func PeriodOf(year, month int) string {
	return Period(time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC))
}

// Appeal is a member's appeal against one of its own entries while the
// half-year is in FEEDBACK (申辩、问询).
func Appeal(ctx context.Context, c *ent.Client, entryID int, text string, on *time.Time) (*ent.PointAppeal, error) {
	e, err := c.PointEntry.Get(ctx, entryID)
	if err != nil {
		return nil, notFound(err, "PointEntry")
	}
	if v := viewer.FromContext(ctx); v == nil || v.MemberID != e.MemberID {
		return nil, errs.New(errs.Forbidden, "only the member an entry is about may appeal it")
	}
	if err := authz.Require(ctx, c, e.BranchID, "PointAppeal", ActAppeal); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, errs.New(errs.BadUserInput, "an appeal needs a text")
	}
	if _, err := day.On(on); err != nil {
		return nil, err
	}
	if err := lockBranch(ctx, c, e.BranchID); err != nil {
		return nil, err
	}
	hy, err := halfYearOf(ctx, c, e)
	if err != nil {
		return nil, err
	}
	if hy == nil || hy.State != pointhalfyear.StateFeedback {
		return nil, errs.New(errs.Conflict, "appeals are heard while the half-year is in FEEDBACK")
	}
	return c.PointAppeal.Create().
		SetBranchID(e.BranchID).SetMemberID(e.MemberID).SetHalfYearID(hy.ID).SetEntryID(e.ID).SetText(text).
		Save(ctx)
}

// AnswerAppeal is the branch's answer to an appeal. An accepted appeal
// corrects the ledger: an approved entry is reversed, a rejected one is
// entered again as approved.
func AnswerAppeal(ctx context.Context, c *ent.Client, id int, accepted bool, answer string, on *time.Time) (*ent.PointAppeal, error) {
	a, err := c.PointAppeal.Get(ctx, id)
	if err != nil {
		return nil, notFound(err, "PointAppeal")
	}
	if err := authz.Require(ctx, c, a.BranchID, "PointAppeal", ActAnswer); err != nil {
		return nil, err
	}
	if v := viewer.FromContext(ctx); v != nil && v.MemberID == a.MemberID {
		return nil, errs.New(errs.Forbidden, "nobody may answer an appeal of their own")
	}
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return nil, errs.New(errs.BadUserInput, "an answer needs a text")
	}
	if err := workflow.In("appeal", a.State, pointappeal.StateOpen); err != nil {
		return nil, err
	}
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	if err := lockBranch(ctx, c, a.BranchID); err != nil {
		return nil, err
	}
	to := pointappeal.StateRejected
	if accepted {
		to = pointappeal.StateAccepted
	}
	a, err = c.PointAppeal.UpdateOneID(id).Where(pointappeal.StateEQ(pointappeal.StateOpen)).
		SetState(to).SetAnswer(answer).SetAnsweredOn(d).Save(ctx)
	if err := workflow.Moved(err, "appeal", pointappeal.StateOpen); err != nil {
		return nil, err
	}
	if accepted {
		if err := correct(ctx, c, a.EntryID, "申辩成立: "+answer, d); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// correct puts right the entry an accepted appeal names.
func correct(ctx context.Context, c *ent.Client, entryID int, reason string, d time.Time) error {
	e, err := c.PointEntry.Get(system(ctx), entryID)
	if err != nil {
		return err
	}
	switch {
	case e.State == pointentry.StateApproved && e.ReversesID == nil:
		if err := reversible(ctx, c, e); err != nil {
			return err
		}
		_, err = reversal(ctx, c, e, reason, d)
	case e.State == pointentry.StateRejected:
		_, err = approvedCopy(ctx, c, e, e.Points, reason, d).SetCertifiers(e.Certifiers).Save(ctx)
	}
	return err
}

// PublishHalfYear publishes a half-year after the branch general meeting
// approved it (党员大会审议通过后公示): it is frozen, and visible to the
// branch's members. An unanswered appeal is CONFLICT.
func PublishHalfYear(ctx context.Context, c *ent.Client, id int, on *time.Time) (*ent.PointHalfYear, error) {
	hy, err := c.PointHalfYear.Get(ctx, id)
	if err != nil {
		return nil, notFound(err, "PointHalfYear")
	}
	if err := authz.Require(ctx, c, hy.BranchID, "PointHalfYear", ActPublish); err != nil {
		return nil, err
	}
	if err := lockBranch(ctx, c, hy.BranchID); err != nil {
		return nil, err
	}
	if err := workflow.In("half-year", hy.State, pointhalfyear.StateFeedback); err != nil {
		return nil, err
	}
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	open, err := c.PointAppeal.Query().
		Where(pointappeal.HalfYearID(hy.ID), pointappeal.StateEQ(pointappeal.StateOpen)).
		Count(system(ctx))
	if err != nil {
		return nil, err
	}
	if open > 0 {
		return nil, errs.New(errs.Conflict, "%d appeals are not answered yet", open)
	}
	hy, err = c.PointHalfYear.UpdateOneID(id).Where(pointhalfyear.StateEQ(pointhalfyear.StateFeedback)).
		SetState(pointhalfyear.StatePublished).SetPublishedOn(d).Save(ctx)
	return hy, workflow.Moved(err, "half-year", pointhalfyear.StateFeedback)
}

// CanPublish answers PointHalfYear.viewerCanPublish.
func CanPublish(ctx context.Context, hy *ent.PointHalfYear) bool {
	return hy.State == pointhalfyear.StateFeedback && authz.CanAt(ctx, hy.BranchID, "PointHalfYear", ActPublish, false)
}

// CanAnswer answers PointAppeal.viewerCanAnswer.
func CanAnswer(ctx context.Context, a *ent.PointAppeal) bool {
	v := viewer.FromContext(ctx)
	return a.State == pointappeal.StateOpen && v != nil && v.MemberID != a.MemberID &&
		authz.CanAt(ctx, a.BranchID, "PointAppeal", ActAnswer, false)
}

// CanAppeal answers PointEntry.viewerCanAppeal with Appeal's decision.
func CanAppeal(ctx context.Context, c *ent.Client, e *ent.PointEntry) bool {
	v := viewer.FromContext(ctx)
	if v == nil || v.MemberID != e.MemberID || !authz.CanAt(ctx, e.BranchID, "PointAppeal", ActAppeal, true) {
		return false
	}
	hy, err := halfYearOf(ctx, c, e)
	return err == nil && hy != nil && hy.State == pointhalfyear.StateFeedback
}

// branchFor reads a branch in the caller's scope.
func branchFor(ctx context.Context, c *ent.Client, id int) (*ent.Org, error) {
	b, err := c.Org.Get(ctx, id)
	if err != nil {
		return nil, notFound(err, "Org")
	}
	if b.Kind != org.KindBranch {
		return nil, errs.New(errs.BadUserInput, "points are managed by a BRANCH, not a %s", b.Kind)
	}
	return b, nil
}
