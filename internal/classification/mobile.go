package classification

import (
	"context"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/contactlog"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/mobilerecord"
	"github.com/partyorg/partyorg/ent/predicate"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/workflow"
)

// Actions on mobile records, in policies/policy.csv.
const (
	ActLogContact     = "logContact"
	ActRegisterReturn = "registerReturn"
)

// RegisterDepartureInput registers a member leaving to work elsewhere
// (流动党员外出登记).
type RegisterDepartureInput struct {
	MemberID         int
	Destination      string
	Occupation       *string
	LeftOn           *time.Time
	ExpectedReturnOn *time.Time
	ContactID        int
}

// RegisterDeparture opens a mobile record and makes the member MOBILE.
// The contact is an IN_OFFICE_CADRE of the same village or community.
func RegisterDeparture(ctx context.Context, c *ent.Client, in RegisterDepartureInput) (*ent.MobileRecord, error) {
	m, err := memberFor(ctx, c, in.MemberID, ent.TypeMobileRecord, "create")
	if err != nil {
		return nil, err
	}
	left, err := day.On(in.LeftOn)
	if err != nil {
		return nil, err
	}
	dest, err := text("destination", in.Destination, true)
	if err != nil {
		return nil, err
	}
	if in.ExpectedReturnOn != nil {
		if err := notBefore("the expected return", day.Trunc(*in.ExpectedReturnOn), "the departure", left); err != nil {
			return nil, err
		}
	}
	if m.Status == member.StatusActivist {
		return nil, errs.New(errs.BadUserInput, "an activist carries no category and is not registered as a mobile member")
	}
	b, err := branchOf(ctx, c, m)
	if err != nil {
		return nil, err
	}
	village, err := villageBranch(ctx, c, b)
	if err != nil {
		return nil, err
	}
	if err := checkContact(ctx, c, m, village.ID, in.ContactID); err != nil {
		return nil, err
	}
	away, err := openRecord(ctx, c, m.ID)
	if err != nil {
		return nil, err
	}
	if away != nil {
		return nil, errs.New(errs.Conflict, "%s is already registered as away since %s", m.Name, day.Format(away.LeftOn))
	}
	err = c.Member.UpdateOneID(m.ID).SetCategory(member.CategoryMobile).Exec(withAct(ctx, left, "外出流动: "+dest))
	if err != nil {
		return nil, err
	}
	// Two registrations at once both find no open record; the index of
	// open records (one per member) makes the second a CONFLICT.
	return c.MobileRecord.Create().
		SetMemberID(m.ID).SetBranchID(m.BranchID).SetContactID(in.ContactID).
		SetDestination(dest).SetNillableOccupation(in.Occupation).
		SetLeftOn(left).SetNillableExpectedReturnOn(truncPtr(in.ExpectedReturnOn)).
		SetCategoryBefore(categoryName(m.Category)).
		Save(ctx)
}

// checkContact: the contact is an in-office cadre of a branch in the
// member's village or community, and not the member.
func checkContact(ctx context.Context, c *ent.Client, m *ent.Member, villageID, contactID int) error {
	if contactID == m.ID {
		return errs.New(errs.BadUserInput, "a member is not its own contact")
	}
	ct, err := c.Member.Get(ctx, contactID)
	if ent.IsNotFound(err) {
		return errs.New(errs.NotFound, "contact not found")
	}
	if err != nil {
		return err
	}
	if !isCategory(ct.Category, member.CategoryInOfficeCadre) {
		return errs.New(errs.BadUserInput, "the contact must be an in-office cadre (IN_OFFICE_CADRE), %s is not", ct.Name)
	}
	cb, err := branchOf(ctx, c, ct)
	if err != nil {
		return err
	}
	if cb.ParentID != villageID {
		return errs.New(errs.BadUserInput, "the contact must be a cadre of the member's own village or community, %s is not", ct.Name)
	}
	return nil
}

// LogContactInput is one contact with a mobile member.
type LogContactInput struct {
	MemberID int
	On       *time.Time
	Kind     contactlog.Kind
	Channel  *string
	Note     *string
}

// LogContact adds to an away member's contact log.
func LogContact(ctx context.Context, c *ent.Client, in LogContactInput) (*ent.MobileRecord, error) {
	m, err := memberFor(ctx, c, in.MemberID, ent.TypeMobileRecord, ActLogContact)
	if err != nil {
		return nil, err
	}
	on, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	r, err := awayRecord(ctx, c, m)
	if err != nil {
		return nil, err
	}
	if err := notBefore("the contact", on, "the departure", r.LeftOn); err != nil {
		return nil, err
	}
	err = c.ContactLog.Create().
		SetMemberID(m.ID).SetBranchID(r.BranchID).SetRecordID(r.ID).
		SetOn(on).SetKind(in.Kind).SetNillableChannel(in.Channel).SetNillableNote(in.Note).
		Exec(ctx)
	if err != nil {
		return nil, err
	}
	if r.LastContactOn != nil && !on.After(*r.LastContactOn) {
		return r, nil
	}
	return c.MobileRecord.UpdateOneID(r.ID).SetLastContactOn(on).Save(ctx)
}

// RegisterReturn closes the member's mobile record and restores the
// category it had before leaving (AT_HOME_NO_POST if that was MOBILE too).
func RegisterReturn(ctx context.Context, c *ent.Client, memberID int, onArg *time.Time) (*ent.Member, error) {
	m, err := memberFor(ctx, c, memberID, ent.TypeMobileRecord, ActRegisterReturn)
	if err != nil {
		return nil, err
	}
	on, err := day.On(onArg)
	if err != nil {
		return nil, err
	}
	r, err := awayRecord(ctx, c, m)
	if err != nil {
		return nil, err
	}
	if err := notBefore("the return", on, "the departure", r.LeftOn); err != nil {
		return nil, err
	}
	err = c.MobileRecord.UpdateOneID(r.ID).Where(mobilerecord.StateEQ(mobilerecord.StateAWAY)).
		SetState(mobilerecord.StateRETURNED).SetReturnedOn(on).
		Exec(ctx)
	if err := workflow.Moved(err, "mobile record", mobilerecord.StateAWAY); err != nil {
		return nil, err
	}
	back := member.Category(r.CategoryBefore)
	if back == "" || back == member.CategoryMobile {
		back = member.CategoryAtHomeNoPost
	}
	return c.Member.UpdateOneID(m.ID).SetCategory(back).Save(withAct(ctx, on, "返回"))
}

// awayRecord is the member's open record (CONFLICT when it is not away).
func awayRecord(ctx context.Context, c *ent.Client, m *ent.Member) (*ent.MobileRecord, error) {
	r, err := openRecord(ctx, c, m.ID)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errs.New(errs.Conflict, "%s is not registered as away", m.Name)
	}
	return r, nil
}

func openRecord(ctx context.Context, c *ent.Client, memberID int) (*ent.MobileRecord, error) {
	r, err := c.MobileRecord.Query().
		Where(mobilerecord.MemberID(memberID), mobilerecord.StateEQ(mobilerecord.StateAWAY)).
		First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return r, err
}

// LatestMobile is the latest mobile record of each of many members (the
// mobile field of a page of members), in one statement; members never
// away have none. A member has a handful of records, so reading them all
// and keeping the latest costs less than a statement per member.
func LatestMobile(ctx context.Context, c *ent.Client, memberIDs []int) (map[int]*ent.MobileRecord, error) {
	rs, err := c.MobileRecord.Query().
		Where(mobilerecord.MemberIDIn(memberIDs...)).
		Order(ent.Desc(mobilerecord.FieldLeftOn), ent.Desc(mobilerecord.FieldID)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int]*ent.MobileRecord, len(memberIDs))
	for _, r := range rs {
		if _, seen := out[r.MemberID]; !seen {
			out[r.MemberID] = r
		}
	}
	return out, nil
}

// CanStep answers a mobile record's viewerCan… fields: the same decision
// as the step act (policy at the record's branch, and the record away).
func CanStep(ctx context.Context, r *ent.MobileRecord, act string) bool {
	return r.State == mobilerecord.StateAWAY && authz.CanAt(ctx, r.BranchID, ent.TypeMobileRecord, act, false)
}

// NoContactSince is the work list of mobile members with no contact
// logged on or after the day.
func NoContactSince(d time.Time) predicate.Member {
	return member.And(
		member.CategoryEQ(member.CategoryMobile),
		member.Not(member.HasContactLogsWith(contactlog.OnGTE(day.Trunc(d)))),
	)
}

func truncPtr(d *time.Time) *time.Time {
	if d == nil {
		return nil
	}
	t := day.Trunc(*d)
	return &t
}
