package classification

import (
	"context"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/helpcard"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/predicate"
	"github.com/partyorg/partyorg/ent/visit"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
)

// IssueHelpCardInput issues an elderly or infirm member's help card
// (爱心帮扶卡).
type IssueHelpCardInput struct {
	MemberID int
	Needs    string
	HelperID int
	On       *time.Time
}

// IssueHelpCard issues the card: one per member, to ELDERLY_INFIRM
// members only.
func IssueHelpCard(ctx context.Context, c *ent.Client, in IssueHelpCardInput) (*ent.HelpCard, error) {
	m, err := memberFor(ctx, c, in.MemberID, ent.TypeHelpCard, "create")
	if err != nil {
		return nil, err
	}
	on, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	if err := elderly(m); err != nil {
		return nil, err
	}
	needs, err := text("needs", in.Needs, true)
	if err != nil {
		return nil, err
	}
	if err := otherMember(ctx, c, m, "helper", in.HelperID); err != nil {
		return nil, err
	}
	has, err := c.HelpCard.Query().Where(helpcard.MemberID(m.ID)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if has {
		return nil, errs.New(errs.Conflict, "%s already has a help card", m.Name)
	}
	return c.HelpCard.Create().
		SetMemberID(m.ID).SetBranchID(m.BranchID).SetHelperID(in.HelperID).
		SetNeeds(needs).SetIssuedOn(on).
		Save(ctx)
}

// RecordVisitInput is one visit to an elderly or infirm member.
type RecordVisitInput struct {
	MemberID       int
	On             *time.Time
	VisitorID      *int
	Findings       *string
	ProblemsSolved *string
}

// RecordVisit logs a visit; the visitor defaults to the card's helper.
func RecordVisit(ctx context.Context, c *ent.Client, in RecordVisitInput) (*ent.Visit, error) {
	m, err := memberFor(ctx, c, in.MemberID, ent.TypeVisit, "create")
	if err != nil {
		return nil, err
	}
	on, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	if err := elderly(m); err != nil {
		return nil, err
	}
	visitor := in.VisitorID
	if visitor == nil {
		card, err := c.HelpCard.Query().Where(helpcard.MemberID(m.ID)).First(ctx)
		if err != nil && !ent.IsNotFound(err) {
			return nil, err
		}
		if card != nil {
			visitor = &card.HelperID
		}
	} else if err := otherMember(ctx, c, m, "visitor", *visitor); err != nil {
		return nil, err
	}
	return c.Visit.Create().
		SetMemberID(m.ID).SetBranchID(m.BranchID).SetNillableVisitorID(visitor).
		SetOn(on).SetNillableFindings(in.Findings).SetNillableProblemsSolved(in.ProblemsSolved).
		Save(ctx)
}

func elderly(m *ent.Member) error {
	if !isCategory(m.Category, member.CategoryElderlyInfirm) {
		return errs.New(errs.BadUserInput, "%s is not an elderly or infirm member (ELDERLY_INFIRM)", m.Name)
	}
	return nil
}

// otherMember checks that a helper or visitor is a member the caller
// can see, other than the member helped.
func otherMember(ctx context.Context, c *ent.Client, m *ent.Member, what string, id int) error {
	if id == m.ID {
		return errs.New(errs.BadUserInput, "the %s must be someone else", what)
	}
	ok, err := c.Member.Query().Where(member.ID(id)).Exist(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.NotFound, "%s not found", what)
	}
	return nil
}

// NotVisitedIn is the work list of elderly and infirm members with no
// visit in the month "YYYY-MM".
func NotVisitedIn(month string) (predicate.Member, error) {
	mo, err := day.ParseMonth(month)
	if err != nil {
		return nil, err
	}
	return member.And(
		member.CategoryEQ(member.CategoryElderlyInfirm),
		member.Not(member.HasVisitsWith(visit.OnGTE(mo.Start), visit.OnLT(mo.End))),
	), nil
}
