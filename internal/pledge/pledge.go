// Package pledge holds the rules of the pledge practice (党员承诺践诺,
// seed 二): a member's pledge goes through five steps — 科学定诺 (draft
// and submit), 组织审诺 (the branch committee reviews it against the five
// whethers), 公开示诺 (publish), 扎实践诺 (a progress report every quarter)
// and 民主评诺 (year-end evaluation of each item).
//
// Each step reads the pledge in the caller's scope (NOT_FOUND when it
// cannot see it), decides who may act (the author on its own pledge, the
// branch committee and the levels above through policies/), validates its
// input and moves the state with one guarded update (internal/workflow).
// viewerCan… fields ask Can, which makes the same decision.
package pledge

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/pledge"
	"github.com/partyorg/partyorg/ent/pledgeitem"
	"github.com/partyorg/partyorg/ent/pledgeprogress"
	"github.com/partyorg/partyorg/ent/privacy"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/viewer"
	"github.com/partyorg/partyorg/internal/workflow"
)

// Type is the policy object of pledges (policies/policy.csv).
const Type = ent.TypePledge

// MaxItems bounds the items of one pledge.
const MaxItems = 20

// who acts in a step.
type who int

const (
	// author: the member itself, or the branch committee on its behalf.
	author who = iota
	// committee: the branch committee or a level above, never the member
	// itself (a secretary's own pledge goes to the level above).
	committee
	// committeeOrSelf: the branch committee or a level above, the member
	// itself included when it sits on it.
	committeeOrSelf
)

// Step is one workflow action on a pledge: its policy action, who takes
// it and the states it starts from.
type Step struct {
	Action string
	who    who
	from   []pledge.State
}

// The steps of the five-step workflow.
var (
	// Edit replaces the items of a draft or returned pledge.
	StepEdit     = Step{"draft", author, []pledge.State{pledge.StateDraft, pledge.StateReturned}}
	StepSubmit   = Step{"submit", author, []pledge.State{pledge.StateDraft, pledge.StateReturned}}
	StepReview   = Step{"review", committee, []pledge.State{pledge.StateSubmitted}}
	StepPublish  = Step{"publish", committeeOrSelf, []pledge.State{pledge.StateApproved}}
	StepReport   = Step{"report", author, []pledge.State{pledge.StatePublished}}
	StepEvaluate = Step{"evaluate", committee, []pledge.State{pledge.StatePublished}}
)

// decide is the one decision of a step: nil when the viewer may take it
// on p now. policy answers for the branch committee's rights (authz.Require
// in mutations, authz.CanAt in viewerCan… fields). It also returns the
// context to write with: the author acting on its own pledge writes with
// the privacy layer's consent, since its role (MEMBER) may write no
// pledges at all.
func decide(ctx context.Context, p *ent.Pledge, s Step, policy func(act string) error) (context.Context, error) {
	own := isOwn(ctx, p.MemberID)
	switch {
	case own && s.who == author:
		ctx = privacy.DecisionContext(ctx, privacy.Allow)
	case own && s.who == committee:
		return nil, errs.New(errs.Forbidden, "nobody may %s its own pledge: it goes to the level above", s.Action)
	default:
		if err := policy(s.Action); err != nil {
			return nil, err
		}
	}
	return ctx, workflow.In("pledge", p.State, s.from...)
}

func isOwn(ctx context.Context, memberID int) bool {
	v := viewer.FromContext(ctx)
	return v != nil && v.MemberID != 0 && v.MemberID == memberID
}

// Can reports whether the viewer in ctx may take step s on p: the
// decision of the step's mutation, without its input.
func Can(ctx context.Context, p *ent.Pledge, s Step) bool {
	_, err := decide(ctx, p, s, func(act string) error {
		if authz.CanAt(ctx, p.BranchID, Type, act, isOwn(ctx, p.MemberID)) {
			return nil
		}
		return errs.New(errs.Forbidden, "not permitted")
	})
	return err == nil
}

// load reads the pledge in the caller's scope and decides step s on it.
func load(ctx context.Context, c *ent.Client, id int, s Step) (*ent.Pledge, context.Context, error) {
	p, err := c.Pledge.Get(ctx, id)
	if err != nil {
		if ent.IsNotFound(err) {
			return nil, nil, errs.New(errs.NotFound, "pledge not found")
		}
		return nil, nil, err
	}
	wctx, err := decide(ctx, p, s, func(act string) error {
		return authz.Require(ctx, c, p.BranchID, Type, act)
	})
	return p, wctx, err
}

// Item is one item of a new or edited pledge.
type Item struct {
	TopicID int
	Content string
}

// New is a pledge to create.
type New struct {
	MemberID int
	Year     int
	Kind     pledge.Kind
	Items    []Item
}

// Create drafts a pledge for a member: by the member itself or its branch
// committee (DRAFT). A TERM pledge is for village cadres (IN_OFFICE_CADRE);
// a member makes one pledge of each kind a year.
func Create(ctx context.Context, c *ent.Client, in New) (*ent.Pledge, error) {
	m, err := c.Member.Get(ctx, in.MemberID)
	if err != nil {
		if ent.IsNotFound(err) {
			return nil, errs.New(errs.NotFound, "member not found")
		}
		return nil, err
	}
	wctx := ctx
	if isOwn(ctx, m.ID) {
		wctx = privacy.DecisionContext(ctx, privacy.Allow)
	} else if err := authz.Require(ctx, c, m.BranchID, Type, StepEdit.Action); err != nil {
		return nil, err
	}
	if this := day.Today().Year(); in.Year < 2000 || in.Year > this+1 {
		return nil, errs.New(errs.BadUserInput, "year %d: a pledge is made for this year or the next", in.Year)
	}
	if err := pledge.KindValidator(in.Kind); err != nil {
		return nil, errs.New(errs.BadUserInput, "unknown pledge kind %q", in.Kind)
	}
	if in.Kind == pledge.KindTerm && (m.Category == nil || *m.Category != member.CategoryInOfficeCadre) {
		return nil, errs.New(errs.BadUserInput, "a term pledge (任职目标承诺) is made by village cadres (IN_OFFICE_CADRE) only")
	}
	if err := checkItems(ctx, c, m.BranchID, in.Items); err != nil {
		return nil, err
	}
	dup, err := c.Pledge.Query().Where(pledge.MemberID(m.ID), pledge.Year(in.Year), pledge.KindEQ(in.Kind)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if dup {
		return nil, errs.New(errs.Conflict, "the member already has a %s pledge for %d", in.Kind, in.Year)
	}
	p, err := c.Pledge.Create().
		SetMemberID(m.ID).
		SetMemberName(m.Name).
		SetBranchID(m.BranchID).
		SetYear(in.Year).
		SetKind(in.Kind).
		Save(wctx)
	if err != nil {
		if ent.IsConstraintError(err) {
			return nil, errs.New(errs.Conflict, "the member already has a %s pledge for %d", in.Kind, in.Year)
		}
		return nil, err
	}
	return p, addItems(wctx, c, p, in.Items)
}

// Update replaces the items of a DRAFT or RETURNED pledge (the author
// edits a returned pledge before submitting it again).
func Update(ctx context.Context, c *ent.Client, id int, items []Item) (*ent.Pledge, error) {
	p, wctx, err := load(ctx, c, id, StepEdit)
	if err != nil {
		return nil, err
	}
	if err := checkItems(ctx, c, p.BranchID, items); err != nil {
		return nil, err
	}
	// The guarded write keeps a concurrent submit from slipping between
	// the check and the new items.
	from := p.State
	p, err = c.Pledge.UpdateOneID(id).Where(pledge.StateEQ(from)).SetUpdatedAt(time.Now()).Save(wctx)
	if err := workflow.Moved(err, "pledge", from); err != nil {
		return nil, err
	}
	old, err := c.PledgeItem.Query().Where(pledgeitem.PledgeID(id)).IDs(ctx)
	if err != nil {
		return nil, err
	}
	for _, itemID := range old {
		if err := c.PledgeItem.DeleteOneID(itemID).Exec(wctx); err != nil {
			return nil, err
		}
	}
	return p, addItems(wctx, c, p, items)
}

func addItems(ctx context.Context, c *ent.Client, p *ent.Pledge, items []Item) error {
	for _, it := range items {
		if err := c.PledgeItem.Create().
			SetPledgeID(p.ID).
			SetBranchID(p.BranchID).
			SetMemberID(p.MemberID).
			SetTopicID(it.TopicID).
			SetContent(strings.TrimSpace(it.Content)).
			Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// checkItems: one to MaxItems items, each with content and a topic in
// force for the branch's sector and county.
func checkItems(ctx context.Context, c *ent.Client, branchID int, items []Item) error {
	if len(items) == 0 || len(items) > MaxItems {
		return errs.New(errs.BadUserInput, "a pledge has 1 to %d items, not %d", MaxItems, len(items))
	}
	ids := make([]int, 0, len(items))
	for i, it := range items {
		if strings.TrimSpace(it.Content) == "" {
			return errs.New(errs.BadUserInput, "item %d has no content", i+1)
		}
		ids = append(ids, it.TopicID)
	}
	inForce, err := topicsFor(ctx, c, branchID, ids)
	if err != nil {
		return err
	}
	for i, it := range items {
		if !inForce[it.TopicID] {
			return errs.New(errs.BadUserInput, "item %d: the topic is not one in force for the branch's sector", i+1)
		}
	}
	return nil
}

// Submit hands a DRAFT or RETURNED pledge to the branch committee
// (SUBMITTED).
func Submit(ctx context.Context, c *ent.Client, id int, on *time.Time) (*ent.Pledge, error) {
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	p, wctx, err := load(ctx, c, id, StepSubmit)
	if err != nil {
		return nil, err
	}
	if d.Year() > p.Year {
		return nil, errs.New(errs.BadUserInput, "the pledge for %d cannot be submitted in %d", p.Year, d.Year())
	}
	from := p.State
	p, err = c.Pledge.UpdateOneID(id).Where(pledge.StateEQ(from)).
		SetState(pledge.StateSubmitted).SetSubmittedOn(d).Save(wctx)
	return p, workflow.Moved(err, "pledge", from)
}

// Criterion is one of the five whethers (五个是否).
type Criterion string

// The five whethers, in the seed's order.
const (
	ServesReform Criterion = "SERVES_REFORM"
	Exemplary    Criterion = "EXEMPLARY"
	FitsPost     Criterion = "FITS_POST"
	MeetsWishes  Criterion = "MEETS_WISHES"
	LeadersFirst Criterion = "LEADERS_FIRST"
)

// Criteria lists the five whethers.
var Criteria = []Criterion{ServesReform, Exemplary, FitsPost, MeetsWishes, LeadersFirst}

// Answer is the review's answer to one of the five whethers.
type Answer struct {
	Criterion Criterion
	OK        bool
}

// Verdict is a review of a submitted pledge.
type Verdict struct {
	Approve bool
	Answers []Answer
	Comment string
	On      *time.Time
}

// Review records the branch committee's review (组织审诺): all five
// whethers answered; a no, or a return, needs a concrete comment;
// approving with a no is BAD_USER_INPUT. Approve → APPROVED, else
// RETURNED.
func Review(ctx context.Context, c *ent.Client, id int, in Verdict) (*ent.Pledge, error) {
	d, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	p, wctx, err := load(ctx, c, id, StepReview)
	if err != nil {
		return nil, err
	}
	answers := map[Criterion]bool{}
	for _, a := range in.Answers {
		if !slices.Contains(Criteria, a.Criterion) {
			return nil, errs.New(errs.BadUserInput, "unknown criterion %q", a.Criterion)
		}
		if _, dup := answers[a.Criterion]; dup {
			return nil, errs.New(errs.BadUserInput, "%s is answered twice", a.Criterion)
		}
		answers[a.Criterion] = a.OK
	}
	if len(answers) != len(Criteria) {
		return nil, errs.New(errs.BadUserInput, "all five whethers (五个是否) must be answered, not %d", len(answers))
	}
	allOK := !slices.Contains(slices.Collect(maps.Values(answers)), false)
	comment := strings.TrimSpace(in.Comment)
	switch {
	case in.Approve && !allOK:
		return nil, errs.New(errs.BadUserInput, "a pledge that fails one of the five whethers cannot be approved")
	case (!in.Approve || !allOK) && comment == "":
		return nil, errs.New(errs.BadUserInput, "a return or a no needs a concrete comment (具体意见)")
	case p.SubmittedOn != nil && d.Before(*p.SubmittedOn):
		return nil, errs.New(errs.BadUserInput, "the review day %s is before the pledge was submitted", day.Format(d))
	}
	to := pledge.StateReturned
	if in.Approve {
		to = pledge.StateApproved
	}
	from := p.State
	p, err = c.Pledge.UpdateOneID(id).Where(pledge.StateEQ(from)).SetState(to).Save(wctx)
	if err := workflow.Moved(err, "pledge", from); err != nil {
		return nil, err
	}
	r := c.PledgeReview.Create().
		SetPledgeID(p.ID).
		SetBranchID(p.BranchID).
		SetMemberID(p.MemberID).
		SetApprove(in.Approve).
		SetServesReform(answers[ServesReform]).
		SetExemplary(answers[Exemplary]).
		SetFitsPost(answers[FitsPost]).
		SetMeetsWishes(answers[MeetsWishes]).
		SetLeadersFirst(answers[LeadersFirst]).
		SetOn(d).
		SetReviewer(viewer.FromContext(ctx).Username)
	if comment != "" {
		r.SetComment(comment)
	}
	return p, r.Exec(wctx)
}

// Channels are the display channels of a published pledge (示诺载体).
var Channels = []string{"BULLETIN_BOARD", "INTRANET", "BRIEFING", "SCREEN", "ACTIVITY_ROOM", "CHAT_GROUP"}

// Publish displays an APPROVED pledge on its channels (公开示诺):
// PUBLISHED. Its quarterly reports are due from the quarter it is
// published in.
func Publish(ctx context.Context, c *ent.Client, id int, channels []string, on *time.Time) (*ent.Pledge, error) {
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	p, wctx, err := load(ctx, c, id, StepPublish)
	if err != nil {
		return nil, err
	}
	if len(channels) == 0 {
		return nil, errs.New(errs.BadUserInput, "name at least one display channel")
	}
	for i, ch := range channels {
		if !slices.Contains(Channels, ch) {
			return nil, errs.New(errs.BadUserInput, "unknown display channel %q", ch)
		}
		if slices.Contains(channels[:i], ch) {
			return nil, errs.New(errs.BadUserInput, "display channel %s is named twice", ch)
		}
	}
	if p.SubmittedOn != nil && d.Before(*p.SubmittedOn) {
		return nil, errs.New(errs.BadUserInput, "the day %s is before the pledge was submitted", day.Format(d))
	}
	p, err = c.Pledge.UpdateOneID(id).Where(pledge.StateEQ(pledge.StateApproved)).
		SetState(pledge.StatePublished).
		SetPublishedOn(d).
		SetChannels(channels).
		SetReportFrom(firstDueQuarter(p.Year, d)).
		Save(wctx)
	return p, workflow.Moved(err, "pledge", pledge.StateApproved)
}

// firstDueQuarter is the first quarter of year whose report is due for a
// pledge published on d: the quarter of d, 1 before the year, 5 (none)
// after it.
func firstDueQuarter(year int, d time.Time) int {
	switch {
	case d.Year() < year:
		return 1
	case d.Year() > year:
		return 5
	}
	return quarterOf(d)
}

func quarterOf(d time.Time) int { return (int(d.Month())-1)/3 + 1 }

// QuarterStart is the first day of quarter q (1–4) of year.
func QuarterStart(year, q int) time.Time {
	return time.Date(year, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
}

// Report records the report on a PUBLISHED pledge for one quarter
// of its year (扎实践诺), once per quarter; a quarter that has not begun
// on the day of the report cannot be reported.
func Report(ctx context.Context, c *ent.Client, id, quarter int, text string, on *time.Time) (*ent.Pledge, error) {
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	p, wctx, err := load(ctx, c, id, StepReport)
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	switch {
	case quarter < 1 || quarter > 4:
		return nil, errs.New(errs.BadUserInput, "quarter %d: a quarter is 1 to 4", quarter)
	case text == "":
		return nil, errs.New(errs.BadUserInput, "the report has no text")
	case d.Before(QuarterStart(p.Year, quarter)):
		return nil, errs.New(errs.BadUserInput, "quarter %d of %d has not begun on %s", quarter, p.Year, day.Format(d))
	case p.PublishedOn != nil && d.Before(*p.PublishedOn):
		return nil, errs.New(errs.BadUserInput, "the day %s is before the pledge was published", day.Format(d))
	}
	done, err := c.PledgeProgress.Query().Where(pledgeprogress.PledgeID(id), pledgeprogress.Quarter(quarter)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if done {
		return nil, errs.New(errs.Conflict, "quarter %d is already reported", quarter)
	}
	// The guarded write holds the pledge PUBLISHED while the report is
	// added, against a concurrent evaluation.
	p, err = c.Pledge.UpdateOneID(id).Where(pledge.StateEQ(pledge.StatePublished)).SetUpdatedAt(time.Now()).Save(wctx)
	if err := workflow.Moved(err, "pledge", pledge.StatePublished); err != nil {
		return nil, err
	}
	err = c.PledgeProgress.Create().
		SetPledgeID(id).
		SetBranchID(p.BranchID).
		SetMemberID(p.MemberID).
		SetQuarter(quarter).
		SetText(text).
		SetOn(d).
		SetReporter(viewer.FromContext(ctx).Username).
		Exec(wctx)
	if ent.IsConstraintError(err) {
		return nil, errs.New(errs.Conflict, "quarter %d is already reported", quarter)
	}
	return p, err
}

// ItemResult is the evaluation of one item.
type ItemResult struct {
	ItemID int
	Result pledgeitem.Result
}

// Evaluation is the year-end evaluation of a pledge.
type Evaluation struct {
	Items []ItemResult
	On    *time.Time
	// EarlyCloseReason lets the branch evaluate before the year ends.
	EarlyCloseReason string
}

// Evaluate records the democratic evaluation (民主评诺) of a
// PUBLISHED pledge: every item FULFILLED, PARTLY or NOT_FULFILLED, after
// the pledge's year (or earlier with a reason when the branch closes the
// year early) → EVALUATED.
func Evaluate(ctx context.Context, c *ent.Client, id int, in Evaluation) (*ent.Pledge, error) {
	d, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	p, wctx, err := load(ctx, c, id, StepEvaluate)
	if err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(in.EarlyCloseReason)
	if d.Year() <= p.Year && reason == "" {
		return nil, errs.New(errs.Conflict, "the year %d has not ended on %s: evaluate after it, or give the reason the branch closes it early", p.Year, day.Format(d))
	}
	if p.PublishedOn != nil && d.Before(*p.PublishedOn) {
		return nil, errs.New(errs.BadUserInput, "the day %s is before the pledge was published", day.Format(d))
	}
	items, err := c.PledgeItem.Query().Where(pledgeitem.PledgeID(id)).IDs(ctx)
	if err != nil {
		return nil, err
	}
	results := map[int]pledgeitem.Result{}
	for _, r := range in.Items {
		if !slices.Contains(items, r.ItemID) {
			return nil, errs.New(errs.BadUserInput, "item %d is not an item of this pledge", r.ItemID)
		}
		if _, dup := results[r.ItemID]; dup {
			return nil, errs.New(errs.BadUserInput, "item %d is evaluated twice", r.ItemID)
		}
		if err := pledgeitem.ResultValidator(r.Result); err != nil {
			return nil, errs.New(errs.BadUserInput, "unknown result %q", r.Result)
		}
		results[r.ItemID] = r.Result
	}
	if len(results) != len(items) {
		return nil, errs.New(errs.BadUserInput, "every item must be evaluated: %d of %d are", len(results), len(items))
	}
	u := c.Pledge.UpdateOneID(id).Where(pledge.StateEQ(pledge.StatePublished)).
		SetState(pledge.StateEvaluated).SetEvaluatedOn(d)
	if d.Year() <= p.Year {
		u.SetEarlyCloseReason(reason)
	}
	p, err = u.Save(wctx)
	if err := workflow.Moved(err, "pledge", pledge.StatePublished); err != nil {
		return nil, err
	}
	for _, itemID := range items {
		if err := c.PledgeItem.UpdateOneID(itemID).SetResult(results[itemID]).Exec(wctx); err != nil {
			return nil, err
		}
	}
	return p, nil
}
