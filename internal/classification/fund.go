package classification

import (
	"context"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/carefundentry"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Actions on the care fund, in policies/policy.csv.
const (
	ActDonate   = "donate"
	ActDisburse = "disburse"
	ActReverse  = "reverse"
)

// CareFund is the state of an org's care fund, derived from its ledger:
// what came in and went out, net of reversals.
type CareFund struct {
	InFen      int64
	OutFen     int64
	BalanceFen int64
}

// DonateToCareFundInput is a donation (money, or goods for the mutual-aid
// supermarket valued in fen).
type DonateToCareFundInput struct {
	FundOrgID int
	AmountFen int64
	Donor     string
	On        *time.Time
}

// DisburseCareFundInput pays a member in the fund org's subtree.
type DisburseCareFundInput struct {
	FundOrgID int
	MemberID  int
	AmountFen int64
	Reason    string
	On        *time.Time
}

// Donate records a donation to an org's fund.
func Donate(ctx context.Context, c *ent.Client, in DonateToCareFundInput) (*ent.CareFundEntry, error) {
	if err := authz.Require(ctx, c, in.FundOrgID, ent.TypeCareFundEntry, ActDonate); err != nil {
		return nil, err
	}
	on, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	if err := positive(in.AmountFen); err != nil {
		return nil, err
	}
	donor, err := text("donor", in.Donor, true)
	if err != nil {
		return nil, err
	}
	return c.CareFundEntry.Create().
		SetOrgID(in.FundOrgID).SetKind(carefundentry.KindDONATION).
		SetAmountFen(in.AmountFen).SetOn(on).SetDonor(donor).
		Save(ctx)
}

// Disburse pays a member from the fund: never more than the balance
// (CONFLICT), also when several disbursements arrive at once.
func Disburse(ctx context.Context, c *ent.Client, in DisburseCareFundInput) (*ent.CareFundEntry, error) {
	if err := authz.Require(ctx, c, in.FundOrgID, ent.TypeCareFundEntry, ActDisburse); err != nil {
		return nil, err
	}
	on, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	if err := positive(in.AmountFen); err != nil {
		return nil, err
	}
	reason, err := text("reason", in.Reason, true)
	if err != nil {
		return nil, err
	}
	m, err := c.Member.Get(ctx, in.MemberID)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "member not found")
	}
	if err != nil {
		return nil, err
	}
	fund, err := lockFund(ctx, c, in.FundOrgID)
	if err != nil {
		return nil, err
	}
	branch, err := branchOf(ctx, c, m)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(branch.Path, fund.Path) {
		return nil, errs.New(errs.BadUserInput, "%s is not a member under %s, whose fund this is", m.Name, fund.Name)
	}
	if err := covers(ctx, c, fund.ID, in.AmountFen); err != nil {
		return nil, err
	}
	return c.CareFundEntry.Create().
		SetOrgID(fund.ID).SetKind(carefundentry.KindDISBURSEMENT).
		SetAmountFen(in.AmountFen).SetOn(on).SetMemberID(m.ID).
		SetReason(reason).SetApprover(approver(ctx)).
		Save(ctx)
}

// Reverse records a correction: a REVERSAL of an entry, which takes the
// entry's effect back. An entry is reversed at most once; a reversal is
// not reversed (record the entry again instead).
func Reverse(ctx context.Context, c *ent.Client, id int, reason string, onArg *time.Time) (*ent.CareFundEntry, error) {
	e, err := c.CareFundEntry.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "care fund entry not found")
	}
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, c, e.OrgID, ent.TypeCareFundEntry, ActReverse); err != nil {
		return nil, err
	}
	on, err := day.On(onArg)
	if err != nil {
		return nil, err
	}
	if reason, err = text("reason", reason, true); err != nil {
		return nil, err
	}
	if e.Kind == carefundentry.KindREVERSAL {
		return nil, errs.New(errs.BadUserInput, "a reversal is not reversed: record the entry again")
	}
	if _, err := lockFund(ctx, c, e.OrgID); err != nil {
		return nil, err
	}
	done, err := c.CareFundEntry.Query().Where(carefundentry.ReversesID(e.ID)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if done {
		return nil, errs.New(errs.Conflict, "the entry is already reversed")
	}
	if e.Kind == carefundentry.KindDONATION {
		if err := covers(ctx, c, e.OrgID, e.AmountFen); err != nil {
			return nil, err
		}
	}
	return c.CareFundEntry.Create().
		SetOrgID(e.OrgID).SetKind(carefundentry.KindREVERSAL).SetReversedKind(e.Kind.String()).
		SetAmountFen(e.AmountFen).SetOn(on).SetNillableMemberID(e.MemberID).SetReversesID(e.ID).
		SetReason(reason).SetApprover(approver(ctx)).
		Save(ctx)
}

// CanReverse answers CareFundEntry.viewerCanReverse with Reverse's
// decision: the policy at the fund org, an entry not a reversal and not
// yet reversed, and for a donation a balance that still covers it.
func CanReverse(ctx context.Context, c *ent.Client, e *ent.CareFundEntry) (bool, error) {
	if e.Kind == carefundentry.KindREVERSAL || !authz.CanAt(ctx, e.OrgID, ent.TypeCareFundEntry, ActReverse, false) {
		return false, nil
	}
	done, err := c.CareFundEntry.Query().Where(carefundentry.ReversesID(e.ID)).Exist(ctx)
	if err != nil || done {
		return false, err
	}
	if e.Kind != carefundentry.KindDONATION {
		return true, nil
	}
	f, err := Balance(ctx, c, e.OrgID)
	return err == nil && e.AmountFen <= f.BalanceFen, err
}

// Balance sums an org's ledger, as far as the caller may read it.
func Balance(ctx context.Context, c *ent.Client, orgID int) (CareFund, error) {
	fs, err := Balances(ctx, c, []int{orgID})
	return fs[orgID], err
}

// Balances sums the ledgers of many orgs in one statement (the careFund
// of a page of orgs), as far as the caller may read them; an org without
// entries has a zero fund.
func Balances(ctx context.Context, c *ent.Client, orgIDs []int) (map[int]CareFund, error) {
	var rows []struct {
		OrgID        int                `json:"org_id"`
		Kind         carefundentry.Kind `json:"kind"`
		ReversedKind *string            `json:"reversed_kind"`
		Sum          int64              `json:"sum"`
	}
	err := c.CareFundEntry.Query().
		Where(carefundentry.OrgIDIn(orgIDs...)).
		GroupBy(carefundentry.FieldOrgID, carefundentry.FieldKind, carefundentry.FieldReversedKind).
		Aggregate(ent.Sum(carefundentry.FieldAmountFen)).
		Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	out := make(map[int]CareFund, len(orgIDs))
	for _, id := range orgIDs {
		out[id] = CareFund{}
	}
	for _, r := range rows {
		f := out[r.OrgID]
		reversed := ""
		if r.ReversedKind != nil {
			reversed = *r.ReversedKind
		}
		f.Add(r.Kind, reversed, r.Sum)
		out[r.OrgID] = f
	}
	return out, nil
}

// Add counts sum fen of entries of kind into the fund: a reversal takes
// back what the kind it reverses (reversed) put in or out.
func (f *CareFund) Add(kind carefundentry.Kind, reversed string, sum int64) {
	switch {
	case kind == carefundentry.KindDONATION:
		f.InFen += sum
	case kind == carefundentry.KindDISBURSEMENT:
		f.OutFen += sum
	case reversed == carefundentry.KindDONATION.String():
		f.InFen -= sum
	default:
		f.OutFen -= sum
	}
	f.BalanceFen = f.InFen - f.OutFen
}

// lockFund reads the fund org and, on PostgreSQL, locks its row until the
// transaction ends, so that writes to one ledger take turns between
// summing the balance and adding their entry. SQLite's write transactions
// already take turns (_txlock=immediate).
func lockFund(ctx context.Context, c *ent.Client, orgID int) (*ent.Org, error) {
	q := c.Org.Query().Where(org.ID(orgID))
	if c.Dialect() == dialect.Postgres {
		q.ForUpdate()
	}
	return q.Only(ctx)
}

// covers refuses to take more out of a fund than its balance (CONFLICT).
func covers(ctx context.Context, c *ent.Client, orgID int, amount int64) error {
	f, err := Balance(ctx, c, orgID)
	if err != nil {
		return err
	}
	if amount > f.BalanceFen {
		return errs.New(errs.Conflict, "the fund holds %d fen, less than %d", f.BalanceFen, amount)
	}
	return nil
}

func positive(amount int64) error {
	if amount <= 0 {
		return errs.New(errs.BadUserInput, "the amount must be above 0 fen")
	}
	return nil
}

func approver(ctx context.Context) string {
	if v := viewer.FromContext(ctx); v != nil {
		return v.Username
	}
	return ""
}
