package classification

import (
	"context"
	"time"

	entgo "entgo.io/ent"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/hook"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/welfarepost"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/viewer"
)

// ChangeMemberCategoryInput moves a member to another category (or to
// none), with the day and the reason recorded in its history.
type ChangeMemberCategoryInput struct {
	MemberID int
	Category *member.Category
	Reason   string
	On       *time.Time
}

// ChangeCategory changes a member's category; the member hook checks the
// rules and records the change.
func ChangeCategory(ctx context.Context, c *ent.Client, in ChangeMemberCategoryInput) (*ent.Member, error) {
	m, err := memberFor(ctx, c, in.MemberID, ent.TypeMember, "update")
	if err != nil {
		return nil, err
	}
	on, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	reason, err := text("reason", in.Reason, true)
	if err != nil {
		return nil, err
	}
	if sameCategory(m.Category, in.Category) {
		return nil, errs.New(errs.BadUserInput, "the member is already in that category")
	}
	u := c.Member.UpdateOneID(m.ID)
	if in.Category == nil {
		u.ClearCategory()
	} else {
		u.SetCategory(*in.Category)
	}
	return u.Save(withAct(ctx, on, reason))
}

// categoryRule: the four categories are for members of rural and
// community branches; there each Party member (FULL or PROBATIONARY)
// carries exactly one, and an activist none (BAD_USER_INPUT).
func categoryRule(sector org.Sector, p placement) error {
	classified := sector == org.SectorRural || sector == org.SectorCommunity
	switch {
	case p.status == member.StatusActivist && p.category != nil:
		return errs.New(errs.BadUserInput, "an activist (入党积极分子) carries no category: clear it")
	case p.category != nil && !classified:
		return errs.New(errs.BadUserInput, "categories (党员分类) are for members of rural and community branches, not of a %s branch: clear it", sector)
	case p.category == nil && classified && p.status != member.StatusActivist:
		return errs.New(errs.BadUserInput, "a Party member of a rural or community branch carries one of the four categories (党员分类): give one")
	}
	return nil
}

// checkPlacement holds a member's placement to categoryRule. The
// branch's sector is the server's own lookup: the policy has already
// checked the caller may write at the branch.
func checkPlacement(ctx context.Context, c *ent.Client, p placement) error {
	b, err := c.Org.Query().Where(org.ID(p.branch)).Select(org.FieldSector).Only(viewer.NewSystemContext(ctx))
	if ent.IsNotFound(err) {
		return errs.New(errs.NotFound, "branch not found")
	}
	if err != nil {
		return err
	}
	return categoryRule(b.Sector, p)
}

// act is the day and reason of the change a workflow makes to a member,
// for the history the member hook records; without one, the change
// happened today (updateMember).
type act struct {
	on     time.Time
	reason string
}

type actKey struct{}

func withAct(ctx context.Context, on time.Time, reason string) context.Context {
	return context.WithValue(ctx, actKey{}, act{on: on, reason: reason})
}

func actOf(ctx context.Context) act {
	if a, ok := ctx.Value(actKey{}).(act); ok {
		return a
	}
	return act{on: day.Today()}
}

// placement is what the rules look at in a member: status, category and
// branch.
type placement struct {
	status   member.Status
	category *member.Category
	branch   int
}

// MemberHook keeps members' categories to the rules and records their
// history, however the member is written (createMember, updateMember, the
// workflows here):
//   - categoryRule holds on every create and on every update that touches
//     status, category or branch (a transfer, a change of status);
//   - each later change of category is a CategoryChange, each change of branch
//     a Transfer (组织关系转接), with the day and reason of the act;
//   - a member who leaves AT_HOME_NO_POST or the branch leaves its post
//     vacant.
func MemberHook() entgo.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.MemberFunc(func(ctx context.Context, m *ent.MemberMutation) (ent.Value, error) {
			before, err := placementBefore(ctx, m)
			if err != nil {
				return nil, err
			}
			after := placementAfter(m, before)
			if placementTouched(m) {
				if err := checkPlacement(ctx, m.Client(), after); err != nil {
					return nil, err
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			return v, record(ctx, m.Client(), v.(*ent.Member), m.Op().Is(ent.OpCreate), before, after)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

func placementBefore(ctx context.Context, m *ent.MemberMutation) (placement, error) {
	if m.Op().Is(ent.OpCreate) {
		return placement{}, nil
	}
	var p placement
	var err error
	if p.status, err = m.OldStatus(ctx); err != nil {
		return p, err
	}
	if p.category, err = m.OldCategory(ctx); err != nil {
		return p, err
	}
	p.branch, err = m.OldBranchID(ctx)
	return p, err
}

// placementTouched: a create, or an update that sets status, category or
// branch. Other updates (a phone number) leave the placement as it was.
func placementTouched(m *ent.MemberMutation) bool {
	if m.Op().Is(ent.OpCreate) || m.CategoryCleared() {
		return true
	}
	_, s := m.Status()
	_, c := m.Category()
	_, b := m.BranchID()
	return s || c || b
}

func placementAfter(m *ent.MemberMutation, p placement) placement {
	if s, ok := m.Status(); ok {
		p.status = s
	}
	if c, ok := m.Category(); ok {
		p.category = &c
	}
	if m.CategoryCleared() {
		p.category = nil
	}
	if b, ok := m.BranchID(); ok {
		p.branch = b
	}
	return p
}

func record(ctx context.Context, c *ent.Client, m *ent.Member, created bool, before, after placement) error {
	// A new member's first category is no change: the history starts
	// with the first change (bulk loads stay one insert per member).
	if created {
		return nil
	}
	a := actOf(ctx)
	if !sameCategory(before.category, after.category) {
		err := c.CategoryChange.Create().
			SetMemberID(m.ID).SetBranchID(after.branch).
			SetFrom(categoryName(before.category)).SetTo(categoryName(after.category)).
			SetOn(a.on).SetReason(a.reason).
			Exec(ctx)
		if err != nil {
			return err
		}
	}
	moved := before.branch != after.branch
	if moved {
		if err := recordTransfer(ctx, c, m.ID, before.branch, after.branch, a.on); err != nil {
			return err
		}
	}
	if isCategory(before.category, member.CategoryAtHomeNoPost) && (moved || !isCategory(after.category, member.CategoryAtHomeNoPost)) {
		return vacate(ctx, c, m.ID)
	}
	return nil
}

func recordTransfer(ctx context.Context, c *ent.Client, memberID, from, to int, on time.Time) error {
	orgs, err := c.Org.Query().Where(org.IDIn(from, to)).Select(org.FieldID, org.FieldName).All(ctx)
	if err != nil {
		return err
	}
	names := map[int]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	return c.Transfer.Create().
		SetMemberID(memberID).SetOn(on).
		SetFromBranchID(from).SetFromBranchName(names[from]).
		SetToBranchID(to).SetToBranchName(names[to]).
		Exec(ctx)
}

// vacate leaves the post a member holds, if any, vacant.
func vacate(ctx context.Context, c *ent.Client, memberID int) error {
	ids, err := c.WelfarePost.Query().Where(welfarepost.HolderID(memberID)).IDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := c.WelfarePost.UpdateOneID(id).ClearHolder().Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

func sameCategory(a, b *member.Category) bool {
	return categoryName(a) == categoryName(b)
}

func isCategory(c *member.Category, want member.Category) bool {
	return c != nil && *c == want
}

func categoryName(c *member.Category) string {
	if c == nil {
		return ""
	}
	return c.String()
}
