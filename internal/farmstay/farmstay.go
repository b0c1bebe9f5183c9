// Package farmstay runs the farm-stay model household workflow
// (党员农家宾馆示范户, seed 六) across three levels: the village recommends
// (RECOMMENDED) and holds a public notice (NOTICE) during which objections
// may be lodged; the township collects six agencies' opinions and reviews
// (TOWNSHIP_REVIEWED or REJECTED); the county approves in named batches
// and gives each household a plaque number unique in the county
// (APPROVED), or rejects it, and may later withdraw the plaque.
//
// Which level takes which step is written in policies/policy.csv against
// the level roles (ORG_ADMIN@VILLAGE …); each step checks it with
// authz.Require at the nomination's village and moves the stage with one
// guarded update (internal/workflow).
package farmstay

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/farmstaycriterion"
	"github.com/partyorg/partyorg/ent/farmstaynomination"
	"github.com/partyorg/partyorg/ent/farmstayobjection"
	"github.com/partyorg/partyorg/ent/farmstayopinion"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/orgtree"
	"github.com/partyorg/partyorg/internal/viewer"
	"github.com/partyorg/partyorg/internal/workflow"
)

// Type is the policy object of the workflow's steps.
const Type = ent.TypeFarmStayNomination

// The workflow's actions in policies/policy.csv.
const (
	ActNominate       = "nominate"
	ActStartNotice    = "startNotice"
	ActLodgeObjection = "lodgeObjection"
	ActResolve        = "resolveObjection"
	ActReview         = "review"
	ActApprove        = "approve"
	ActReject         = "reject"
	ActWithdrawPlaque = "withdrawPlaque"
)

// The seed's numbers: ten criteria (十个带头), six agencies, half a year
// of operation (经营半年以上).
const (
	criteriaCount    = 10
	agencyCount      = 6
	monthsOfBusiness = 6
)

// Judgement is the village's verdict on one criterion.
type Judgement struct {
	Criterion farmstaycriterion.Criterion
	Passed    bool
	Remark    *string
}

// Nomination is a village's recommendation.
type Nomination struct {
	MemberID, VillageID int
	Name, LicenceNo     string
	OperatingSince      time.Time
	Criteria            []Judgement
	On                  *time.Time
}

// Nominate records the village's recommendation (RECOMMENDED): a farm
// stay run by a Party member of the village, with a business licence,
// operating for at least six months before the day, every one of the ten
// criteria judged and passed.
func Nominate(ctx context.Context, c *ent.Client, in Nomination) (*ent.FarmStayNomination, error) {
	if err := authz.Require(ctx, c, in.VillageID, Type, ActNominate); err != nil {
		return nil, err
	}
	on, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	village, err := c.Org.Get(ctx, in.VillageID)
	if err != nil {
		return nil, err
	}
	if village.Kind != org.KindVillage {
		return nil, errs.New(errs.BadUserInput, "a farm stay is recommended by a VILLAGE, not a %s", village.Kind)
	}
	if err := runBy(ctx, c, in.MemberID, village); err != nil {
		return nil, err
	}
	name, licence := strings.TrimSpace(in.Name), strings.TrimSpace(in.LicenceNo)
	if name == "" || licence == "" {
		return nil, errs.New(errs.BadUserInput, "the farm stay's name and business licence number are required")
	}
	since := day.Trunc(in.OperatingSince)
	if due := AddMonths(since, monthsOfBusiness); due.After(on) {
		return nil, errs.New(errs.BadUserInput, "operating since %s is less than six months before %s: it may be recommended from %s",
			day.Format(since), day.Format(on), day.Format(due))
	}
	if err := allPassed(in.Criteria); err != nil {
		return nil, err
	}
	n, err := c.FarmStayNomination.Create().
		SetVillageID(village.ID).
		SetMemberID(in.MemberID).
		SetName(name).
		SetLicenceNo(licence).
		SetOperatingSince(since).
		SetNominatedOn(on).
		Save(ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]*ent.FarmStayCriterionCreate, len(in.Criteria))
	for i, j := range in.Criteria {
		rows[i] = c.FarmStayCriterion.Create().SetVillageID(village.ID).SetNominationID(n.ID).
			SetCriterion(j.Criterion).SetPassed(j.Passed).SetNillableRemark(j.Remark)
	}
	if err := c.FarmStayCriterion.CreateBulk(rows...).Exec(ctx); err != nil {
		return nil, err
	}
	return n, nil
}

// runBy checks that the farm stay's operator is a Party member (not an
// activist) of a branch of the village.
func runBy(ctx context.Context, c *ent.Client, memberID int, village *ent.Org) error {
	m, err := c.Member.Query().Where(member.ID(memberID)).WithBranch().Only(ctx)
	if ent.IsNotFound(err) {
		return errs.New(errs.NotFound, "member not found")
	}
	if err != nil {
		return err
	}
	if m.Edges.Branch == nil || !strings.HasPrefix(m.Edges.Branch.Path, village.Path) {
		return errs.New(errs.BadUserInput, "%s is not a member of a branch of %s", m.Name, village.Name)
	}
	if m.Status == member.StatusActivist {
		return errs.New(errs.BadUserInput, "%s is an activist: a model household is run by a Party member", m.Name)
	}
	return nil
}

// allPassed checks that each of the ten criteria is judged once and passed.
func allPassed(js []Judgement) error {
	seen := map[farmstaycriterion.Criterion]bool{}
	for _, j := range js {
		if seen[j.Criterion] {
			return errs.New(errs.BadUserInput, "criterion %s is judged twice", j.Criterion)
		}
		seen[j.Criterion] = true
		if !j.Passed {
			return errs.New(errs.BadUserInput, "criterion %s is not passed: only a farm stay that meets all ten criteria is recommended", j.Criterion)
		}
	}
	if len(seen) != criteriaCount {
		return errs.New(errs.BadUserInput, "all ten criteria (十个带头) must be judged, got %d", len(seen))
	}
	return nil
}

// AddMonths is d plus n calendar months, the day clamped to the end of a
// shorter month (31 August plus six months is 28 or 29 February).
func AddMonths(d time.Time, n int) time.Time {
	y, m, dd := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(dd, last)-1)
}

// load reads a nomination in the caller's scope and checks that it may
// take act there.
func load(ctx context.Context, c *ent.Client, id int, act string) (*ent.FarmStayNomination, error) {
	n, err := c.FarmStayNomination.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "farm-stay nomination not found")
	}
	if err != nil {
		return nil, err
	}
	return n, authz.Require(ctx, c, n.VillageID, Type, act)
}

// notBefore refuses an act dated before the step it follows.
func notBefore(on time.Time, prev *time.Time, what string) error {
	if prev != nil && on.Before(day.Trunc(*prev)) {
		return errs.New(errs.BadUserInput, "%s is dated %s, before %s", what, day.Format(on), day.Format(*prev))
	}
	return nil
}

// StartNotice opens the public notice (公示) of a recommended farm stay,
// from its first to its last day (RECOMMENDED → NOTICE).
func StartNotice(ctx context.Context, c *ent.Client, id int, from, to time.Time, onDay *time.Time) (*ent.FarmStayNomination, error) {
	n, err := load(ctx, c, id, ActStartNotice)
	if err != nil {
		return nil, err
	}
	on, err := day.On(onDay)
	if err != nil {
		return nil, err
	}
	if err := workflow.In("nomination", n.Stage, farmstaynomination.StageRecommended); err != nil {
		return nil, err
	}
	from, to = day.Trunc(from), day.Trunc(to)
	if to.Before(from) {
		return nil, errs.New(errs.BadUserInput, "the notice ends (%s) before it starts (%s)", day.Format(to), day.Format(from))
	}
	if err := notBefore(on, &n.NominatedOn, "the notice"); err != nil {
		return nil, err
	}
	if err := notBefore(from, &n.NominatedOn, "the notice's first day"); err != nil {
		return nil, err
	}
	n, err = c.FarmStayNomination.UpdateOneID(id).
		Where(farmstaynomination.StageEQ(farmstaynomination.StageRecommended)).
		SetStage(farmstaynomination.StageNotice).
		SetNoticeFrom(from).
		SetNoticeTo(to).
		Save(ctx)
	return n, workflow.Moved(err, "nomination", farmstaynomination.StageRecommended)
}

// noticeOpen reports whether day d falls in the nomination's notice.
func noticeOpen(n *ent.FarmStayNomination, d time.Time) bool {
	return n.Stage == farmstaynomination.StageNotice && n.NoticeFrom != nil && n.NoticeTo != nil &&
		!d.Before(day.Trunc(*n.NoticeFrom)) && !d.After(day.Trunc(*n.NoticeTo))
}

// noticeOver reports whether the nomination's notice ended before day d.
func noticeOver(n *ent.FarmStayNomination, d time.Time) bool {
	return n.Stage == farmstaynomination.StageNotice && n.NoticeTo != nil && d.After(day.Trunc(*n.NoticeTo))
}

// LodgeObjection records an objection (异议) on a day of the notice. It
// counts as open on the nomination in the same statement that checks the
// stage, so a review racing it either sees it or moves first.
func LodgeObjection(ctx context.Context, c *ent.Client, id int, text string, onDay *time.Time) (*ent.FarmStayObjection, error) {
	n, err := load(ctx, c, id, ActLodgeObjection)
	if err != nil {
		return nil, err
	}
	on, err := day.On(onDay)
	if err != nil {
		return nil, err
	}
	if err := workflow.In("nomination", n.Stage, farmstaynomination.StageNotice); err != nil {
		return nil, err
	}
	if !noticeOpen(n, on) {
		return nil, errs.New(errs.Conflict, "the notice runs from %s to %s: no objection on %s",
			day.Format(*n.NoticeFrom), day.Format(*n.NoticeTo), day.Format(on))
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, errs.New(errs.BadUserInput, "an objection needs its text")
	}
	err = c.FarmStayNomination.UpdateOneID(id).
		Where(farmstaynomination.StageEQ(farmstaynomination.StageNotice)).
		AddOpenObjections(1).
		Exec(ctx)
	if err := workflow.Moved(err, "nomination", farmstaynomination.StageNotice); err != nil {
		return nil, err
	}
	return c.FarmStayObjection.Create().
		SetVillageID(n.VillageID).
		SetNominationID(id).
		SetText(text).
		SetLodgedOn(on).
		Save(ctx)
}

// ResolveObjection answers an open objection. An upheld one rejects the
// nomination (NOTICE → REJECTED); a dismissed one no longer blocks the
// review.
func ResolveObjection(ctx context.Context, c *ent.Client, id int, upheld bool, answer string, onDay *time.Time) (*ent.FarmStayObjection, error) {
	o, err := c.FarmStayObjection.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "objection not found")
	}
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, c, o.VillageID, Type, ActResolve); err != nil {
		return nil, err
	}
	on, err := day.On(onDay)
	if err != nil {
		return nil, err
	}
	if err := workflow.In("objection", o.State, farmstayobjection.StateOpen); err != nil {
		return nil, err
	}
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return nil, errs.New(errs.BadUserInput, "resolving an objection needs an answer")
	}
	if err := notBefore(on, &o.LodgedOn, "the answer"); err != nil {
		return nil, err
	}
	state := farmstayobjection.StateDismissed
	if upheld {
		state = farmstayobjection.StateUpheld
	}
	o, err = c.FarmStayObjection.UpdateOneID(id).
		Where(farmstayobjection.StateEQ(farmstayobjection.StateOpen)).
		SetState(state).
		SetAnswer(answer).
		SetResolvedOn(on).
		Save(ctx)
	if err := workflow.Moved(err, "objection", farmstayobjection.StateOpen); err != nil {
		return nil, err
	}
	upd := c.FarmStayNomination.UpdateOneID(o.NominationID).AddOpenObjections(-1)
	if upheld {
		upd.Where(farmstaynomination.StageEQ(farmstaynomination.StageNotice)).
			SetStage(farmstaynomination.StageRejected).
			SetRejectedOn(on).
			SetRejectionReason("异议成立: " + answer)
	}
	err = upd.Exec(ctx)
	return o, workflow.Moved(err, "nomination", farmstaynomination.StageNotice)
}

// Opinion is one agency's opinion.
type Opinion struct {
	Agency     farmstayopinion.Agency
	Favourable bool
	Text       *string
}

// Review is the township's review.
type Review struct {
	Opinions []Opinion
	Approve  bool
	Reason   *string
	On       *time.Time
}

// ReviewNomination records the township's review (乡镇评审) after the
// notice has ended with no open objection, with the opinion of each of
// the six agencies: NOTICE → TOWNSHIP_REVIEWED, or REJECTED with a reason.
// Approving against an unfavourable opinion is refused.
func ReviewNomination(ctx context.Context, c *ent.Client, id int, in Review) (*ent.FarmStayNomination, error) {
	n, err := load(ctx, c, id, ActReview)
	if err != nil {
		return nil, err
	}
	on, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	if err := workflow.In("nomination", n.Stage, farmstaynomination.StageNotice); err != nil {
		return nil, err
	}
	if !noticeOver(n, on) {
		return nil, errs.New(errs.Conflict, "the notice runs until %s: the township reviews after it", day.Format(*n.NoticeTo))
	}
	if n.OpenObjections > 0 {
		return nil, errs.New(errs.Conflict, "%d objection(s) are still open", n.OpenObjections)
	}
	if err := sixAgencies(in.Opinions, in.Approve); err != nil {
		return nil, err
	}
	var reason string
	if in.Reason != nil {
		reason = strings.TrimSpace(*in.Reason)
	}
	if !in.Approve && reason == "" {
		return nil, errs.New(errs.BadUserInput, "a rejection needs a reason")
	}
	upd := c.FarmStayNomination.UpdateOneID(id).
		Where(farmstaynomination.StageEQ(farmstaynomination.StageNotice), farmstaynomination.OpenObjectionsEQ(0)).
		SetReviewedOn(on).
		SetReviewComment(reason)
	if in.Approve {
		upd.SetStage(farmstaynomination.StageTownshipReviewed)
	} else {
		upd.SetStage(farmstaynomination.StageRejected).SetRejectedOn(on).SetRejectionReason(reason)
	}
	n, err = upd.Save(ctx)
	if err := workflow.Moved(err, "nomination without open objections", farmstaynomination.StageNotice); err != nil {
		return nil, err
	}
	rows := make([]*ent.FarmStayOpinionCreate, len(in.Opinions))
	for i, o := range in.Opinions {
		rows[i] = c.FarmStayOpinion.Create().SetVillageID(n.VillageID).SetNominationID(id).
			SetAgency(o.Agency).SetFavourable(o.Favourable).SetNillableText(o.Text)
	}
	return n, c.FarmStayOpinion.CreateBulk(rows...).Exec(ctx)
}

// sixAgencies checks that each of the six agencies gave one opinion, all
// favourable when the township approves.
func sixAgencies(ops []Opinion, approve bool) error {
	seen := map[farmstayopinion.Agency]bool{}
	for _, o := range ops {
		if seen[o.Agency] {
			return errs.New(errs.BadUserInput, "agency %s gave two opinions", o.Agency)
		}
		seen[o.Agency] = true
		if approve && !o.Favourable {
			return errs.New(errs.BadUserInput, "agency %s is not favourable: the township cannot approve", o.Agency)
		}
	}
	if len(seen) != agencyCount {
		return errs.New(errs.BadUserInput, "the opinions of all six agencies are needed, got %d", len(seen))
	}
	return nil
}

// Approval is the county's approval of a named batch.
type Approval struct {
	Batch string
	IDs   []int
	On    *time.Time
}

// Approve names a batch of township-reviewed nominations model
// households (县级审定, TOWNSHIP_REVIEWED → APPROVED) and numbers their
// plaques in order, each county's numbers following the largest it has
// given. The county's row is locked while numbering, and a unique index
// on (county, plaque number) holds whatever happens.
func Approve(ctx context.Context, c *ent.Client, in Approval) ([]*ent.FarmStayNomination, error) {
	batch := strings.TrimSpace(in.Batch)
	if batch == "" {
		return nil, errs.New(errs.BadUserInput, "a batch needs a name (第一批 …)")
	}
	if len(in.IDs) == 0 {
		return nil, errs.New(errs.BadUserInput, "a batch needs at least one nomination")
	}
	on, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	ns := make([]*ent.FarmStayNomination, len(in.IDs))
	counties := map[int]int{} // village → county
	for i, id := range in.IDs {
		if slices.Contains(in.IDs[:i], id) {
			return nil, errs.New(errs.BadUserInput, "nomination %d is listed twice", id)
		}
		n, err := load(ctx, c, id, ActApprove)
		if err != nil {
			return nil, err
		}
		if err := workflow.In("nomination", n.Stage, farmstaynomination.StageTownshipReviewed); err != nil {
			return nil, err
		}
		if err := notBefore(on, n.ReviewedOn, "the approval"); err != nil {
			return nil, err
		}
		if _, ok := counties[n.VillageID]; !ok {
			county, err := orgtree.County(ctx, c, n.VillageID)
			if err != nil {
				return nil, err
			}
			counties[n.VillageID] = county.ID
		}
		ns[i] = n
	}
	next, err := lockNumbers(ctx, c, counties)
	if err != nil {
		return nil, err
	}
	for i, n := range ns {
		county := counties[n.VillageID]
		next[county]++
		ns[i], err = c.FarmStayNomination.UpdateOneID(n.ID).
			Where(farmstaynomination.StageEQ(farmstaynomination.StageTownshipReviewed)).
			SetStage(farmstaynomination.StageApproved).
			SetBatch(batch).
			SetApprovedOn(on).
			SetCountyID(county).
			SetPlaqueNo(next[county]).
			Save(ctx)
		if err := workflow.Moved(err, "nomination", farmstaynomination.StageTownshipReviewed); err != nil {
			return nil, err
		}
	}
	return ns, nil
}

// lockNumbers locks each county's plaque numbering (in ID order, so two
// batches never wait on each other crosswise) and returns the last number
// each has given.
func lockNumbers(ctx context.Context, c *ent.Client, counties map[int]int) (map[int]int, error) {
	ids := make([]int, 0, len(counties))
	for _, id := range counties {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	last := map[int]int{}
	// Numbers of the whole county count, whatever part of it the caller sees.
	sys := viewer.NewSystemContext(ctx)
	for _, id := range ids {
		if err := workflow.LockOrg(ctx, c, id); err != nil {
			return nil, err
		}
		nos, err := c.FarmStayNomination.Query().
			Where(farmstaynomination.CountyID(id)).
			Order(ent.Desc(farmstaynomination.FieldPlaqueNo)).
			Limit(1).
			Select(farmstaynomination.FieldPlaqueNo).
			Ints(sys)
		if err != nil {
			return nil, err
		}
		if len(nos) > 0 {
			last[id] = nos[0]
		}
	}
	return last, nil
}

// Reject is the county's refusal of a township-reviewed nomination
// (TOWNSHIP_REVIEWED → REJECTED), with a reason.
func Reject(ctx context.Context, c *ent.Client, id int, reason string, onDay *time.Time) (*ent.FarmStayNomination, error) {
	n, err := load(ctx, c, id, ActReject)
	if err != nil {
		return nil, err
	}
	on, err := day.On(onDay)
	if err != nil {
		return nil, err
	}
	if err := workflow.In("nomination", n.Stage, farmstaynomination.StageTownshipReviewed); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, errs.New(errs.BadUserInput, "a rejection needs a reason")
	}
	if err := notBefore(on, n.ReviewedOn, "the rejection"); err != nil {
		return nil, err
	}
	n, err = c.FarmStayNomination.UpdateOneID(id).
		Where(farmstaynomination.StageEQ(farmstaynomination.StageTownshipReviewed)).
		SetStage(farmstaynomination.StageRejected).
		SetRejectedOn(on).
		SetRejectionReason(reason).
		Save(ctx)
	return n, workflow.Moved(err, "nomination", farmstaynomination.StageTownshipReviewed)
}

// WithdrawPlaque takes a model household's plaque back (摘牌), with a
// reason. The nomination stays APPROVED with its number, which is never
// given again.
func WithdrawPlaque(ctx context.Context, c *ent.Client, id int, reason string, onDay *time.Time) (*ent.FarmStayNomination, error) {
	n, err := load(ctx, c, id, ActWithdrawPlaque)
	if err != nil {
		return nil, err
	}
	on, err := day.On(onDay)
	if err != nil {
		return nil, err
	}
	if err := workflow.In("nomination", n.Stage, farmstaynomination.StageApproved); err != nil {
		return nil, err
	}
	if n.PlaqueWithdrawnOn != nil {
		return nil, errs.New(errs.Conflict, "the plaque was withdrawn on %s", day.Format(*n.PlaqueWithdrawnOn))
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, errs.New(errs.BadUserInput, "withdrawing a plaque needs a reason")
	}
	if err := notBefore(on, n.ApprovedOn, "the withdrawal"); err != nil {
		return nil, err
	}
	n, err = c.FarmStayNomination.UpdateOneID(id).
		Where(farmstaynomination.StageEQ(farmstaynomination.StageApproved), farmstaynomination.PlaqueWithdrawnOnIsNil()).
		SetPlaqueWithdrawnOn(on).
		SetPlaqueWithdrawalReason(reason).
		Save(ctx)
	return n, workflow.Moved(err, "nomination with its plaque", farmstaynomination.StageApproved)
}
