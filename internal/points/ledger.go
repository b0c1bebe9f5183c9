package points

import (
	"context"
	"strings"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/pointhalfyear"
	"github.com/partyorg/partyorg/ent/pointitem"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/viewer"
	"github.com/partyorg/partyorg/internal/workflow"
)

// Policy actions on PointEntry.
const (
	ActDeclare = "declare" // a member declares its own points
	ActRecord  = "record"  // the branch records or registers mass-certified points
	ActReview  = "review"
	ActReverse = "reverse"
)

// Declaration is one entry as it is declared (每月申报登记积分).
type Declaration struct {
	MemberID   int
	ItemID     int
	OccurredOn time.Time
	Source     pointentry.Source
	Evidence   string
	Certifiers []string
}

// Declare enters points for a member: by the member itself
// (SELF_DECLARED), or by its branch (BRANCH_RECORDED, MASS_CERTIFIED
// with the certifiers named). The points are the item's, the item must
// be in the catalogue in force for the member's county, sector and the
// year of the day, and the day must not be in the future nor in a
// half-year the branch has closed. The entry waits for review.
func Declare(ctx context.Context, c *ent.Client, in Declaration) (*ent.PointEntry, error) {
	m, err := c.Member.Get(ctx, in.MemberID)
	if err != nil {
		return nil, notFound(err, "Member")
	}
	v := viewer.FromContext(ctx)
	act := ActRecord
	if in.Source == pointentry.SourceSelfDeclared {
		if v == nil || v.MemberID != m.ID {
			return nil, errs.New(errs.Forbidden, "only the member itself declares SELF_DECLARED points")
		}
		act = ActDeclare
	}
	if err := authz.Require(ctx, c, m.BranchID, "PointEntry", act); err != nil {
		return nil, err
	}
	if err := pointentry.SourceValidator(in.Source); err != nil {
		return nil, errs.New(errs.BadUserInput, "unknown source %q", in.Source)
	}
	in.Certifiers = trimmed(in.Certifiers)
	if in.Source == pointentry.SourceMassCertified && len(in.Certifiers) == 0 {
		return nil, errs.New(errs.BadUserInput, "MASS_CERTIFIED points name the people who certify them")
	}
	if err := day.NotFuture("the day", in.OccurredOn); err != nil {
		return nil, err
	}
	on := day.Trunc(in.OccurredOn)
	period := Period(on)
	year := YearOf(period)
	item, err := c.PointItem.Query().WithCatalog().Where(pointitem.ID(in.ItemID)).Only(system(ctx))
	if err != nil {
		return nil, notFound(err, "PointItem")
	}
	branch, err := c.Member.QueryBranch(m).Only(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := CatalogFor(ctx, c, branch, year)
	if err != nil {
		return nil, err
	}
	if cur == nil || cur.ID != item.CatalogID {
		return nil, errs.New(errs.BadUserInput, "the item is not in the %d %s catalogue in force for the member's branch", year, branch.Sector)
	}
	if err := lockBranch(ctx, c, m.BranchID); err != nil {
		return nil, err
	}
	if err := halfYearOpen(ctx, c, m.BranchID, period); err != nil {
		return nil, err
	}
	return c.PointEntry.Create().
		SetBranchID(m.BranchID).SetMemberID(m.ID).SetItemID(item.ID).
		SetPart(string(item.Part)).SetItemTitle(item.Title).SetPoints(item.Points).
		SetYear(year).SetPeriod(period).SetOccurredOn(on).
		SetSource(in.Source).SetEvidence(strings.TrimSpace(in.Evidence)).SetCertifiers(in.Certifiers).
		SetEnteredBy(userOf(ctx)).
		Save(ctx)
}

// lockBranch serializes, until the transaction ends, the steps of a
// branch's points that check a half-year's or year's state and then
// write: an entry's declaration, reversal or correction, an appeal, and
// closing, publishing or closing the year. Without it, on PostgreSQL
// (READ COMMITTED) a declaration and closeHalfYear could each pass its
// check before the other commits, leaving an entry in a closed
// half-year. Each step takes it before its checks.
func lockBranch(ctx context.Context, c *ent.Client, branchID int) error {
	return workflow.LockOrg(ctx, c, branchID)
}

// halfYearOpen refuses entries dated in a half-year the branch has
// closed (CONFLICT).
func halfYearOpen(ctx context.Context, c *ent.Client, branchID int, period string) error {
	closed, err := c.PointHalfYear.Query().
		Where(pointhalfyear.BranchID(branchID), pointhalfyear.Year(YearOf(period)), pointhalfyear.Half(HalfOf(period))).
		Exist(system(ctx))
	if err != nil {
		return err
	}
	if closed {
		return errs.New(errs.Conflict, "half %d of %d is closed for the branch: no more entries dated in it", HalfOf(period), YearOf(period))
	}
	return nil
}

// Review approves or rejects (with a reason) a DECLARED entry: the
// branch committee's step (党支部初审). Nobody reviews an entry about
// itself; of two reviews at once one wins, the other is CONFLICT.
func Review(ctx context.Context, c *ent.Client, id int, approve bool, reason string, on *time.Time) (*ent.PointEntry, error) {
	e, err := c.PointEntry.Get(ctx, id)
	if err != nil {
		return nil, notFound(err, "PointEntry")
	}
	if err := mayActOn(ctx, c, e, ActReview); err != nil {
		return nil, err
	}
	if err := workflow.In("point entry", e.State, pointentry.StateDeclared); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if !approve && reason == "" {
		return nil, errs.New(errs.BadUserInput, "a rejection needs a reason")
	}
	d, err := actDay(on, e.OccurredOn)
	if err != nil {
		return nil, err
	}
	to := pointentry.StateRejected
	if approve {
		to = pointentry.StateApproved
	}
	u := c.PointEntry.UpdateOneID(id).Where(pointentry.StateEQ(pointentry.StateDeclared)).
		SetState(to).SetReviewedBy(userOf(ctx)).SetReviewedOn(d)
	if reason != "" {
		u.SetReason(reason)
	}
	e, err = u.Save(ctx)
	return e, workflow.Moved(err, "point entry", pointentry.StateDeclared)
}

// Reverse corrects an APPROVED entry with a new entry of the opposite
// points that names it (冲正); it takes effect at once. An entry is
// reversed at most once, reversals are not reversed, and a published
// half-year is frozen.
func Reverse(ctx context.Context, c *ent.Client, id int, reason string, on *time.Time) (*ent.PointEntry, error) {
	e, err := c.PointEntry.Get(ctx, id)
	if err != nil {
		return nil, notFound(err, "PointEntry")
	}
	if err := mayActOn(ctx, c, e, ActReverse); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, errs.New(errs.BadUserInput, "a reversal needs a reason")
	}
	if e.ReversesID != nil {
		return nil, errs.New(errs.BadUserInput, "a reversing entry is not reversed: enter the points anew")
	}
	if err := lockBranch(ctx, c, e.BranchID); err != nil {
		return nil, err
	}
	if err := reversible(ctx, c, e); err != nil {
		return nil, err
	}
	d, err := actDay(on, e.OccurredOn)
	if err != nil {
		return nil, err
	}
	return reversal(ctx, c, e, reason, d)
}

// reversible checks that an entry may be reversed now: APPROVED, not
// reversed yet, its half-year not published.
func reversible(ctx context.Context, c *ent.Client, e *ent.PointEntry) error {
	if err := workflow.In("point entry", e.State, pointentry.StateApproved); err != nil {
		return err
	}
	done, err := c.PointEntry.Query().Where(pointentry.ReversesID(e.ID)).Exist(system(ctx))
	if err != nil {
		return err
	}
	if done {
		return errs.New(errs.Conflict, "the entry is already reversed")
	}
	hy, err := halfYearOf(ctx, c, e)
	if err != nil {
		return err
	}
	if hy != nil && hy.State == pointhalfyear.StatePublished {
		return errs.New(errs.Conflict, "half %d of %d is published and frozen", hy.Half, hy.Year)
	}
	return nil
}

// reversal writes the entry that reverses e; the unique reverses_id
// makes a second one at the same time a CONFLICT.
func reversal(ctx context.Context, c *ent.Client, e *ent.PointEntry, reason string, d time.Time) (*ent.PointEntry, error) {
	return approvedCopy(ctx, c, e, -e.Points, reason, d).
		SetSource(pointentry.SourceBranchRecorded).SetReversesID(e.ID).
		Save(ctx)
}

// approvedCopy is an entry for e's member, item and day with points,
// approved at once by the caller: a correction.
func approvedCopy(ctx context.Context, c *ent.Client, e *ent.PointEntry, points int, reason string, d time.Time) *ent.PointEntryCreate {
	return c.PointEntry.Create().
		SetBranchID(e.BranchID).SetMemberID(e.MemberID).SetItemID(e.ItemID).
		SetPart(e.Part).SetItemTitle(e.ItemTitle).SetPoints(points).
		SetYear(e.Year).SetPeriod(e.Period).SetOccurredOn(e.OccurredOn).
		SetEvidence(e.Evidence).SetSource(e.Source).
		SetState(pointentry.StateApproved).SetReason(reason).
		SetEnteredBy(userOf(ctx)).SetReviewedBy(userOf(ctx)).SetReviewedOn(d)
}

// halfYearOf is the branch's half-year an entry falls in, nil while OPEN.
func halfYearOf(ctx context.Context, c *ent.Client, e *ent.PointEntry) (*ent.PointHalfYear, error) {
	hy, err := c.PointHalfYear.Query().
		Where(pointhalfyear.BranchID(e.BranchID), pointhalfyear.Year(e.Year), pointhalfyear.Half(HalfOf(e.Period))).
		Only(system(ctx))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return hy, err
}

// mayActOn checks that the caller may do act on an entry: the policy at
// the entry's branch, and never on an entry about itself.
func mayActOn(ctx context.Context, c *ent.Client, e *ent.PointEntry, act string) error {
	if err := authz.Require(ctx, c, e.BranchID, "PointEntry", act); err != nil {
		return err
	}
	if v := viewer.FromContext(ctx); v != nil && v.MemberID == e.MemberID {
		return errs.New(errs.Forbidden, "nobody may %s an entry about themselves", act)
	}
	return nil
}

// CanReview answers PointEntry.viewerCanReview with Review's decision.
func CanReview(ctx context.Context, e *ent.PointEntry) bool {
	return e.State == pointentry.StateDeclared && canActOn(ctx, e, ActReview)
}

// CanReverse answers PointEntry.viewerCanReverse with Reverse's decision.
func CanReverse(ctx context.Context, c *ent.Client, e *ent.PointEntry) bool {
	return e.ReversesID == nil && canActOn(ctx, e, ActReverse) && reversible(ctx, c, e) == nil
}

func canActOn(ctx context.Context, e *ent.PointEntry, act string) bool {
	v := viewer.FromContext(ctx)
	return v != nil && v.MemberID != e.MemberID && authz.CanAt(ctx, e.BranchID, "PointEntry", act, false)
}

// actDay is the day of a step: given or today, never in the future, and
// not before the day the points are for.
func actDay(on *time.Time, notBefore time.Time) (time.Time, error) {
	d, err := day.On(on)
	if err != nil {
		return d, err
	}
	if d.Before(day.Trunc(notBefore)) {
		return d, errs.New(errs.BadUserInput, "the day %s is before the entry's day %s", day.Format(d), day.Format(notBefore))
	}
	return d, nil
}

func userOf(ctx context.Context) int {
	if v := viewer.FromContext(ctx); v != nil {
		return v.UserID
	}
	return 0
}

func notFound(err error, typ string) error {
	if ent.IsNotFound(err) {
		return errs.New(errs.NotFound, "%s not found", typ)
	}
	return err
}

func trimmed(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
