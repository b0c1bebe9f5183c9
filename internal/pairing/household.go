package pairing

import (
	"context"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/helppairing"
	"github.com/partyorg/partyorg/ent/helprecord"
	"github.com/partyorg/partyorg/ent/householdproblem"
	"github.com/partyorg/partyorg/ent/householdstatuschange"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/poorhousehold"
	"github.com/partyorg/partyorg/ent/setting"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/workflow"
)

// Actions on poor households, as written in policies/.
const (
	ActSetStatus = "setStatus"
	ActSolve     = "solve"
)

// DefaultMaxHouseholds is how many poor households one member helps at
// most (全县每名党员分包1～23户贫困户).
const DefaultMaxHouseholds = 23

// MaxHouseholdsKey is the setting that overrides DefaultMaxHouseholds.
const MaxHouseholdsKey = "pairing.max_households"

// MaxHouseholds is the configured cap: the setting MaxHouseholdsKey when
// it holds a positive number, else DefaultMaxHouseholds.
func MaxHouseholds(ctx context.Context, c *ent.Client) (int, error) {
	s, err := c.Setting.Query().Where(setting.Key(MaxHouseholdsKey)).Only(facts(ctx))
	if ent.IsNotFound(err) {
		return DefaultMaxHouseholds, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(s.Value)
	if err != nil || n < 1 {
		return DefaultMaxHouseholds, nil
	}
	return n, nil
}

// NewPoorHousehold is what createPoorHousehold takes.
type NewPoorHousehold struct {
	VillageID int
	Head      string
	Size      int
	// On is the day the household was registered (default today).
	On *time.Time
}

// CreatePoorHousehold registers a poor household (贫困户) of a village or
// community, POOR from the day on.
func CreatePoorHousehold(ctx context.Context, c *ent.Client, in NewPoorHousehold) (*ent.PoorHousehold, error) {
	if err := authz.Require(ctx, c, in.VillageID, ent.TypePoorHousehold, authz.Create); err != nil {
		return nil, err
	}
	v, err := c.Org.Get(ctx, in.VillageID)
	if err != nil {
		return nil, notFound(err, "org")
	}
	if v.Kind != org.KindVillage && v.Kind != org.KindCommunity {
		return nil, errs.New(errs.BadUserInput, "a poor household belongs to a VILLAGE or COMMUNITY; %s is a %s", v.Name, v.Kind)
	}
	if in.Size < 1 {
		return nil, errs.New(errs.BadUserInput, "a household has at least one person")
	}
	d, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	h, err := c.PoorHousehold.Create().
		SetVillageID(v.ID).
		SetHead(strings.TrimSpace(in.Head)).
		SetSize(in.Size).
		SetStatus(poorhousehold.StatusPoor).
		SetStatusOn(d).
		Save(ctx)
	if err != nil {
		return nil, err
	}
	return h, logStatus(ctx, c, h)
}

func logStatus(ctx context.Context, c *ent.Client, h *ent.PoorHousehold) error {
	return c.HouseholdStatusChange.Create().
		SetHouseholdID(h.ID).
		SetVillageID(h.VillageID).
		SetStatus(householdstatuschange.Status(h.Status)).
		SetOn(h.StatusOn).
		Exec(ctx)
}

// SetHouseholdStatus changes a household's status on the day on (default
// today; not before the last change) and records the change.
func SetHouseholdStatus(ctx context.Context, c *ent.Client, id int, status poorhousehold.Status, on *time.Time) (*ent.PoorHousehold, error) {
	h, err := c.PoorHousehold.Get(ctx, id)
	if err != nil {
		return nil, notFound(err, "poor household")
	}
	if err := checkSetStatus(ctx, c, h); err != nil {
		return nil, err
	}
	if h.Status == status {
		return nil, errs.New(errs.Conflict, "the household is %s already", status)
	}
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	if err := notBefore("the change's day", d, "the last change", h.StatusOn); err != nil {
		return nil, err
	}
	from := h.Status
	h, err = c.PoorHousehold.UpdateOneID(id).
		Where(poorhousehold.StatusEQ(from), poorhousehold.StatusOn(h.StatusOn)).
		SetStatus(status).
		SetStatusOn(d).
		Save(ctx)
	if err := workflow.Moved(err, "household", from); err != nil {
		return nil, err
	}
	return h, logStatus(ctx, c, h)
}

// CanSetStatus answers viewerCanSetStatus.
func CanSetStatus(ctx context.Context, c *ent.Client, h *ent.PoorHousehold) bool {
	return checkSetStatus(ctx, c, h) == nil
}

func checkSetStatus(ctx context.Context, c *ent.Client, h *ent.PoorHousehold) error {
	return authz.Require(ctx, c, h.VillageID, ent.TypePoorHousehold, ActSetStatus)
}

// RaiseHouseholdProblem records a problem a household raised.
func RaiseHouseholdProblem(ctx context.Context, c *ent.Client, householdID int, text string, on *time.Time) (*ent.HouseholdProblem, error) {
	h, err := c.PoorHousehold.Get(ctx, householdID)
	if err != nil {
		return nil, notFound(err, "poor household")
	}
	if err := checkRaise(ctx, c, h); err != nil {
		return nil, err
	}
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		return nil, errs.New(errs.BadUserInput, "a problem needs a text")
	}
	return c.HouseholdProblem.Create().
		SetHouseholdID(h.ID).
		SetVillageID(h.VillageID).
		SetText(strings.TrimSpace(text)).
		SetRaisedOn(d).
		Save(ctx)
}

// SolveHouseholdProblem marks an open problem solved on the day on.
func SolveHouseholdProblem(ctx context.Context, c *ent.Client, id int, solution string, on *time.Time) (*ent.HouseholdProblem, error) {
	p, err := c.HouseholdProblem.Get(ctx, id)
	if err != nil {
		return nil, notFound(err, "problem")
	}
	if err := checkSolve(ctx, c, p); err != nil {
		return nil, err
	}
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	if err := notBefore("the day solved", d, "the day raised", p.RaisedOn); err != nil {
		return nil, err
	}
	if strings.TrimSpace(solution) == "" {
		return nil, errs.New(errs.BadUserInput, "say how the problem was solved")
	}
	p, err = c.HouseholdProblem.UpdateOneID(id).
		Where(householdproblem.SolvedOnIsNil()).
		SetSolvedOn(d).
		SetSolution(strings.TrimSpace(solution)).
		Save(ctx)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.Conflict, "the problem is solved already")
	}
	return p, err
}

func checkSolve(ctx context.Context, c *ent.Client, p *ent.HouseholdProblem) error {
	if err := authz.Require(ctx, c, p.VillageID, ent.TypeHouseholdProblem, ActSolve); err != nil {
		return err
	}
	if p.SolvedOn != nil {
		return errs.New(errs.Conflict, "the problem is solved already")
	}
	return nil
}

// CanSolve answers viewerCanSolve with SolveHouseholdProblem's decision.
func CanSolve(ctx context.Context, c *ent.Client, p *ent.HouseholdProblem) bool {
	return checkSolve(ctx, c, p) == nil
}

// PairHousehold makes a member a helper of a poor household (结对帮扶)
// from the day on. A member helps at most MaxHouseholds households, in
// any village (CONFLICT beyond), also when requests race: the member's
// row is locked for the transaction on PostgreSQL (SQLite serializes
// write transactions already).
func PairHousehold(ctx context.Context, c *ent.Client, memberID, householdID int, on *time.Time) (*ent.PoorHousehold, error) {
	h, err := c.PoorHousehold.Get(ctx, householdID)
	if err != nil {
		return nil, notFound(err, "poor household")
	}
	q := c.Member.Query().Where(member.ID(memberID))
	if c.Dialect() == dialect.Postgres {
		q.ForUpdate()
	}
	m, err := q.Only(ctx)
	if err != nil {
		return nil, notFound(err, "member")
	}
	if err := checkPair(ctx, c, h); err != nil {
		return nil, err
	}
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	max, err := MaxHouseholds(ctx, c)
	if err != nil {
		return nil, err
	}
	pairs, err := c.HelpPairing.Query().Where(helppairing.MemberID(m.ID)).Select(helppairing.FieldHouseholdID).Ints(facts(ctx))
	if err != nil {
		return nil, err
	}
	for _, id := range pairs {
		if id == h.ID {
			return nil, errs.New(errs.Conflict, "%s helps this household already", m.Name)
		}
	}
	if len(pairs) >= max {
		return nil, errs.New(errs.Conflict, "%s helps %d households already: a member helps at most %d", m.Name, len(pairs), max)
	}
	err = c.HelpPairing.Create().
		SetMemberID(m.ID).
		SetHouseholdID(h.ID).
		SetVillageID(h.VillageID).
		SetBranchID(m.BranchID).
		SetMemberName(m.Name).
		SetHouseholdHead(h.Head).
		SetSince(d).
		Exec(ctx)
	if err != nil {
		return nil, conflictOnConstraint(err, m.Name+" helps this household already")
	}
	return h, nil
}

func checkPair(ctx context.Context, c *ent.Client, h *ent.PoorHousehold) error {
	return authz.Require(ctx, c, h.VillageID, ent.TypeHelpPairing, authz.Create)
}

// CanPair answers viewerCanPair: whether the caller may pair members
// with the household (any member it can see, within the cap).
func CanPair(ctx context.Context, c *ent.Client, h *ent.PoorHousehold) bool {
	return checkPair(ctx, c, h) == nil
}

// Helpers are the members helping a household, as far as the caller
// can see them.
func Helpers(ctx context.Context, c *ent.Client, householdID int) ([]*ent.Member, error) {
	return c.HelpPairing.Query().
		Where(helppairing.HouseholdID(householdID)).
		QueryMember().
		Order(ent.Asc(member.FieldName), ent.Asc(member.FieldID)).
		All(ctx)
}

// NewHelpRecord is what recordHelp takes.
type NewHelpRecord struct {
	PairingID int
	Kind      helprecord.Kind
	On        *time.Time
	Text      string
}

// RecordHelp records an act of help (扶志 扶能 扶业) within a help
// pairing; the admins of either side (the household's village, the
// member's branch) may record it.
func RecordHelp(ctx context.Context, c *ent.Client, in NewHelpRecord) (*ent.HelpRecord, error) {
	p, err := c.HelpPairing.Get(ctx, in.PairingID)
	if err != nil {
		return nil, notFound(err, "help pairing")
	}
	if err := checkRecordHelp(ctx, c, p); err != nil {
		return nil, err
	}
	d, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	if err := notBefore("the day of help", d, "the pairing's day", p.Since); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Text) == "" {
		return nil, errs.New(errs.BadUserInput, "say what was done")
	}
	return c.HelpRecord.Create().
		SetPairingID(p.ID).
		SetVillageID(p.VillageID).
		SetBranchID(p.BranchID).
		SetMemberID(p.MemberID).
		SetKind(in.Kind).
		SetOn(d).
		SetText(strings.TrimSpace(in.Text)).
		Save(ctx)
}

func checkRecordHelp(ctx context.Context, c *ent.Client, p *ent.HelpPairing) error {
	return authz.RequireAny(ctx, c, ent.TypeHelpRecord, authz.Create, p.VillageID, p.BranchID)
}

// CanRecordHelp answers viewerCanRecordHelp with RecordHelp's decision.
func CanRecordHelp(ctx context.Context, c *ent.Client, p *ent.HelpPairing) bool {
	return checkRecordHelp(ctx, c, p) == nil
}

// CanRaiseProblem answers viewerCanRaiseProblem with
// RaiseHouseholdProblem's decision.
func CanRaiseProblem(ctx context.Context, c *ent.Client, h *ent.PoorHousehold) bool {
	return checkRaise(ctx, c, h) == nil
}

func checkRaise(ctx context.Context, c *ent.Client, h *ent.PoorHousehold) error {
	return authz.Require(ctx, c, h.VillageID, ent.TypeHouseholdProblem, authz.Create)
}
