package pairing

import (
	"context"
	"strings"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/branchpairing"
	"github.com/partyorg/partyorg/ent/jointactivity"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/workflow"
)

// Actions of the branch pairing workflow, as written in policies/.
const (
	ActEnd = "end"
)

// NewBranchPairing is what createBranchPairing takes.
type NewBranchPairing struct {
	UnitBranchID, VillageBranchID, ResponsibleID int
	// StartOn defaults to today; EndOn is the planned end, if any.
	StartOn, EndOn *time.Time
}

// CreateBranchPairing pairs a BRANCH under a UNIT with a BRANCH under a
// VILLAGE or COMMUNITY (支部结对共联建), with a member of the unit branch
// responsible. The county organizes pairings: the caller must be allowed
// to create one at both branches.
func CreateBranchPairing(ctx context.Context, c *ent.Client, in NewBranchPairing) (*ent.BranchPairing, error) {
	if err := requireBoth(ctx, c, in.UnitBranchID, in.VillageBranchID); err != nil {
		return nil, err
	}
	if in.UnitBranchID == in.VillageBranchID {
		return nil, errs.New(errs.BadUserInput, "a branch cannot pair with itself")
	}
	unit, err := branchUnder(ctx, c, in.UnitBranchID, "the unit branch", org.KindUnit)
	if err != nil {
		return nil, err
	}
	village, err := branchUnder(ctx, c, in.VillageBranchID, "the village branch", org.KindVillage, org.KindCommunity)
	if err != nil {
		return nil, err
	}
	resp, err := c.Member.Get(ctx, in.ResponsibleID)
	if err != nil {
		return nil, notFound(err, "member")
	}
	if resp.BranchID != unit.ID {
		return nil, errs.New(errs.BadUserInput, "the responsible person (负责人) must be a member of the unit branch %s", unit.Name)
	}
	start := day.Today()
	if in.StartOn != nil {
		start = day.Trunc(*in.StartOn)
	}
	if in.EndOn != nil {
		if err := notBefore("the end day", *in.EndOn, "the start day", start); err != nil {
			return nil, err
		}
	}
	dup, err := c.BranchPairing.Query().Where(
		branchpairing.UnitBranchID(unit.ID),
		branchpairing.VillageBranchID(village.ID),
		branchpairing.StatusEQ(branchpairing.StatusActive),
	).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if dup {
		return nil, errs.New(errs.Conflict, "%s and %s are already paired", unit.Name, village.Name)
	}
	return c.BranchPairing.Create().
		SetUnitBranchID(unit.ID).
		SetVillageBranchID(village.ID).
		SetResponsibleID(resp.ID).
		SetUnitBranchName(unit.Name).
		SetVillageBranchName(village.Name).
		SetStartOn(start).
		SetNillableEndOn(in.EndOn).
		Save(ctx)
}

// requireBoth checks that the caller may create a pairing at both
// branches: a branch outside its scope is NOT_FOUND, whatever it may do at
// the other.
func requireBoth(ctx context.Context, c *ent.Client, a, b int) error {
	var refused error
	for _, id := range []int{a, b} {
		err := authz.Require(ctx, c, id, ent.TypeBranchPairing, authz.Create)
		if code, _ := errs.CodeOf(err); code == errs.NotFound {
			return err
		}
		if refused == nil {
			refused = err
		}
	}
	return refused
}

// branchUnder reads the org id and checks that it is a BRANCH whose
// parent is of one of kinds.
func branchUnder(ctx context.Context, c *ent.Client, id int, what string, kinds ...org.Kind) (*ent.Org, error) {
	o, err := c.Org.Query().Where(org.ID(id)).WithParent().Only(ctx)
	if err != nil {
		return nil, notFound(err, "org")
	}
	if o.Kind == org.KindBranch && o.Edges.Parent != nil {
		for _, k := range kinds {
			if o.Edges.Parent.Kind == k {
				return o, nil
			}
		}
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return nil, errs.New(errs.BadUserInput, "%s must be a BRANCH under a %s; %s is not", what, strings.Join(names, " or "), o.Name)
}

// EndBranchPairing ends an ACTIVE pairing on the day on (default today);
// like creating one, it needs both branches.
func EndBranchPairing(ctx context.Context, c *ent.Client, id int, on *time.Time) (*ent.BranchPairing, error) {
	p, err := c.BranchPairing.Get(ctx, id)
	if err != nil {
		return nil, notFound(err, "branch pairing")
	}
	if err := checkEnd(ctx, c, p); err != nil {
		return nil, err
	}
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	if err := notBefore("the end day", d, "the start day", p.StartOn); err != nil {
		return nil, err
	}
	p, err = c.BranchPairing.UpdateOneID(id).
		Where(branchpairing.StatusEQ(branchpairing.StatusActive)).
		SetStatus(branchpairing.StatusEnded).
		SetEndOn(d).
		Save(ctx)
	return p, workflow.Moved(err, "branch pairing", branchpairing.StatusActive)
}

// checkEnd: the caller sees the pairing, so a branch of it outside its
// scope makes the step FORBIDDEN, not NOT_FOUND.
func checkEnd(ctx context.Context, c *ent.Client, p *ent.BranchPairing) error {
	for _, id := range []int{p.UnitBranchID, p.VillageBranchID} {
		err := authz.Require(ctx, c, id, ent.TypeBranchPairing, ActEnd)
		if code, _ := errs.CodeOf(err); code == errs.NotFound {
			return errs.New(errs.Forbidden, "ending a pairing needs both branches in your scope")
		}
		if err != nil {
			return err
		}
	}
	return workflow.In("branch pairing", p.Status, branchpairing.StatusActive)
}

// CanEnd answers viewerCanEnd with EndBranchPairing's decision.
func CanEnd(ctx context.Context, c *ent.Client, p *ent.BranchPairing) bool {
	return checkEnd(ctx, c, p) == nil
}

// NewJointActivity is what recordJointActivity takes.
type NewJointActivity struct {
	PairingID    int
	Area         jointactivity.Area
	On           *time.Time
	Title        string
	Participants []string
	Outcome      string
}

// RecordJointActivity records an activity of an ACTIVE pairing (共建活动);
// either branch's admins may record it.
func RecordJointActivity(ctx context.Context, c *ent.Client, in NewJointActivity) (*ent.JointActivity, error) {
	p, err := c.BranchPairing.Get(ctx, in.PairingID)
	if err != nil {
		return nil, notFound(err, "branch pairing")
	}
	if err := checkRecordActivity(ctx, c, p); err != nil {
		return nil, err
	}
	d, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	if err := notBefore("the activity's day", d, "the pairing's start", p.StartOn); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Title) == "" {
		return nil, errs.New(errs.BadUserInput, "a joint activity needs a title")
	}
	participants := in.Participants
	if participants == nil {
		participants = []string{}
	}
	return c.JointActivity.Create().
		SetPairingID(p.ID).
		SetUnitBranchID(p.UnitBranchID).
		SetVillageBranchID(p.VillageBranchID).
		SetArea(in.Area).
		SetOn(d).
		SetTitle(strings.TrimSpace(in.Title)).
		SetParticipants(participants).
		SetOutcome(in.Outcome).
		Save(ctx)
}

func checkRecordActivity(ctx context.Context, c *ent.Client, p *ent.BranchPairing) error {
	if err := authz.RequireAny(ctx, c, ent.TypeJointActivity, authz.Create, p.UnitBranchID, p.VillageBranchID); err != nil {
		return err
	}
	return workflow.In("branch pairing", p.Status, branchpairing.StatusActive)
}

// CanRecordActivity answers viewerCanRecordActivity with
// RecordJointActivity's decision.
func CanRecordActivity(ctx context.Context, c *ent.Client, p *ent.BranchPairing) bool {
	return checkRecordActivity(ctx, c, p) == nil
}
