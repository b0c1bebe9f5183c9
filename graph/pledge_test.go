package graph_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/pledge"
	"github.com/partyorg/partyorg/ent/pledgeitem"
	"github.com/partyorg/partyorg/ent/pledgereview"
	"github.com/partyorg/partyorg/ent/pledgetopic"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/testdb"
)

// The pledge mutations under test, each taking its arguments as variables.
const (
	createPledgeQ  = `mutation($in: CreatePledgeInput!) { createPledge(input: $in) { id state } }`
	updatePledgeQ  = `mutation($id: ID!, $in: UpdatePledgeInput!) { updatePledge(id: $id, input: $in) { id state } }`
	submitPledgeQ  = `mutation($id: ID!, $on: Date) { submitPledge(id: $id, on: $on) { id state } }`
	reviewPledgeQ  = `mutation($id: ID!, $in: ReviewPledgeInput!) { reviewPledge(id: $id, input: $in) { id state } }`
	publishPledgeQ = `mutation($id: ID!, $ch: [DisplayChannel!]!, $on: Date) { publishPledge(id: $id, channels: $ch, on: $on) { id state } }`
	reportPledgeQ  = `mutation($id: ID!, $q: Int!, $text: String!, $on: Date) { reportPledgeProgress(id: $id, quarter: $q, text: $text, on: $on) { id state } }`
	evalPledgeQ    = `mutation($id: ID!, $in: EvaluatePledgeInput!) { evaluatePledge(id: $id, input: $in) { id state } }`
)

// pledgeFixture is a county with two townships, a village in each, two
// branches per village and three members per branch, and callers at
// every level: ADMIN ("admin"), ORG_ADMINs of the county ("county"), C.T1
// ("township"), C.T1.V1 ("village") and C.T1.V1.B1 ("branch"), the
// VIEWER of C.T1 ("viewer"), the ORG_ADMIN of C.T2 ("other"), and in
// branch C.T1.V1.B1 the MEMBERs M1 ("author") and M2 ("peer") and its
// secretary M3 ("secretary", ORG_ADMIN of the branch and a member of it);
// "stranger" is the MEMBER M1 of the sister branch C.T1.V1.B2.
type pledgeFixture struct {
	d       *testdb.DB
	api     *apitest.API
	tree    *apitest.Tree
	topic   int                        // a RURAL topic in force
	users   map[string]string          // usernames by caller name
	callers map[string]*apitest.Client // signed in on first use
	years   int                        // the next year free for fixture pledges
}

// as is the named caller, signed in on first use (each sign-in costs a
// bcrypt comparison).
func (f *pledgeFixture) as(t *testing.T, name string) *apitest.Client {
	t.Helper()
	c, ok := f.callers[name]
	if !ok {
		c = f.api.Login(t, f.users[name], apitest.Password)
		f.callers[name] = c
	}
	return c
}

func newPledgeFixture(t *testing.T, d *testdb.DB) *pledgeFixture {
	t.Helper()
	tree := apitest.Matrix(t, d.Client, 2, 1, 2, 3)
	ctx := systemCtx()
	b1 := tree.Orgs["C.T1.V1.B1"].ID
	memberRole, adminRole := rolebinding.RoleMember, rolebinding.RoleOrgAdmin
	for _, u := range []account.NewUser{
		{Username: "peer", Role: &memberRole, OrgID: &b1, MemberID: &tree.Members["C.T1.V1.B1.M2"].ID},
		{Username: "secretary", Role: &adminRole, OrgID: &b1, MemberID: &tree.Members["C.T1.V1.B1.M3"].ID},
	} {
		u.Password = apitest.Password
		if _, err := account.Create(ctx, d.Client, u); err != nil {
			t.Fatal(err)
		}
	}
	f := &pledgeFixture{d: d, api: apitest.New(t, d), tree: tree, years: 1700, callers: map[string]*apitest.Client{}}
	f.topic = d.Client.PledgeTopic.Query().Where(pledgetopic.Sector("RURAL")).FirstIDX(ctx)
	f.users = map[string]string{
		"admin":     "admin",
		"county":    apitest.Username(rolebinding.RoleOrgAdmin, "C"),
		"township":  apitest.Username(rolebinding.RoleOrgAdmin, "C.T1"),
		"village":   apitest.Username(rolebinding.RoleOrgAdmin, "C.T1.V1"),
		"branch":    apitest.Username(rolebinding.RoleOrgAdmin, "C.T1.V1.B1"),
		"viewer":    apitest.Username(rolebinding.RoleViewer, "C.T1"),
		"other":     apitest.Username(rolebinding.RoleOrgAdmin, "C.T2"),
		"author":    apitest.Username(rolebinding.RoleMember, "C.T1.V1.B1"),
		"peer":      "peer",
		"secretary": "secretary",
		"stranger":  apitest.Username(rolebinding.RoleMember, "C.T1.V1.B2"),
	}
	return f
}

// pledgeAt writes a pledge of the named member straight into the database
// in the given state, as if it had gone through the steps before: one
// item, submitted on 10 January of its year, published on 20 January,
// its items FULFILLED once evaluated. Each gets a year of its own.
func (f *pledgeFixture) pledgeAt(t *testing.T, memberName string, state pledge.State) *ent.Pledge {
	t.Helper()
	ctx := systemCtx()
	m := f.tree.Members[memberName]
	f.years++
	year := f.years
	q := f.d.Client.Pledge.Create().SetMemberID(m.ID).SetMemberName(m.Name).SetBranchID(m.BranchID).
		SetYear(year).SetKind(pledge.KindAnnual).SetState(state)
	if state != pledge.StateDraft {
		q.SetSubmittedOn(date(year, 1, 10))
	}
	if state == pledge.StatePublished || state == pledge.StateEvaluated {
		q.SetPublishedOn(date(year, 1, 20)).SetChannels([]string{"BULLETIN_BOARD"}).SetReportFrom(1)
	}
	p := q.SaveX(ctx)
	item := f.d.Client.PledgeItem.Create().SetPledgeID(p.ID).SetBranchID(p.BranchID).SetMemberID(p.MemberID).
		SetTopicID(f.topic).SetContent("带领群众发展产业")
	if state == pledge.StateEvaluated {
		item.SetResult(pledgeitem.ResultFulfilled)
	}
	item.ExecX(ctx)
	return p
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func dateVar(y int, m time.Month, d int) string { return date(y, m, d).Format("2006-01-02") }

// fiveAnswers answers the five whethers, all yes but those named.
func fiveAnswers(no ...string) []map[string]any {
	var out []map[string]any
	for _, c := range []string{"SERVES_REFORM", "EXEMPLARY", "FITS_POST", "MEETS_WISHES", "LEADERS_FIRST"} {
		ok := true
		for _, n := range no {
			if n == c {
				ok = false
			}
		}
		out = append(out, map[string]any{"criterion": c, "ok": ok})
	}
	return out
}

// itemsOf is the evaluation input that rates every item of p result.
func (f *pledgeFixture) itemsOf(p *ent.Pledge, result string) []map[string]any {
	var out []map[string]any
	for _, id := range f.d.Client.PledgeItem.Query().Where(pledgeitem.PledgeID(p.ID)).IDsX(systemCtx()) {
		out = append(out, map[string]any{"itemID": gqlID(id), "result": result})
	}
	return out
}

// pledgeSnapshot is what a refused step must leave as it was.
type pledgeSnapshot struct {
	pledges, items, reviews, progress, audit int
	state                                    pledge.State
	updated                                  time.Time
}

func (f *pledgeFixture) snapshot(t *testing.T, id int) pledgeSnapshot {
	t.Helper()
	ctx := systemCtx()
	c := f.d.Client
	s := pledgeSnapshot{
		pledges:  c.Pledge.Query().CountX(ctx),
		items:    c.PledgeItem.Query().CountX(ctx),
		reviews:  c.PledgeReview.Query().CountX(ctx),
		progress: c.PledgeProgress.Query().CountX(ctx),
		audit:    c.AuditLog.Query().CountX(ctx),
	}
	if id != 0 {
		p := c.Pledge.GetX(ctx, id)
		s.state, s.updated = p.State, p.UpdatedAt
	}
	return s
}

// TestPledgeFiveSteps walks a pledge through the five steps as the
// member and its branch committee would, with a return on the way, and
// checks the state, the records and the audit trail of each step.
func TestPledgeFiveSteps(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPledgeFixture(t, d)
		author, branch := f.as(t, "author"), f.as(t, "branch")
		ctx := systemCtx()
		var out struct {
			CreatePledge struct{ ID, State string }
		}
		author.MustDo(t, createPledgeQ, gqlVars("in", map[string]any{
			"memberID": gqlID(f.tree.Members["C.T1.V1.B1.M1"].ID), "year": 2025, "kind": "ANNUAL",
			"items": []map[string]any{{"topicID": gqlID(f.topic), "content": "带头发展产业"}},
		}), &out)
		if out.CreatePledge.State != "DRAFT" {
			t.Fatalf("created in %s, want DRAFT", out.CreatePledge.State)
		}
		id := parseGQLID(t, out.CreatePledge.ID)
		step := func(c *apitest.Client, query string, vars map[string]any, want pledge.State) {
			t.Helper()
			before := d.Client.AuditLog.Query().CountX(ctx)
			c.MustDo(t, query, vars, nil)
			if got := d.Client.Pledge.GetX(ctx, id).State; got != want {
				t.Fatalf("state %s, want %s", got, want)
			}
			if d.Client.AuditLog.Query().CountX(ctx) == before {
				t.Fatalf("the step to %s left no audit entry", want)
			}
		}
		step(author, submitPledgeQ, gqlVars("id", gqlID(id), "on", dateVar(2025, 1, 5)), pledge.StateSubmitted)
		step(branch, reviewPledgeQ, gqlVars("id", gqlID(id), "in", map[string]any{
			"approve": false, "answers": fiveAnswers("FITS_POST"), "comment": "承诺内容要结合岗位职责", "on": dateVar(2025, 1, 6),
		}), pledge.StateReturned)
		step(author, updatePledgeQ, gqlVars("id", gqlID(id), "in", map[string]any{
			"items": []map[string]any{
				{"topicID": gqlID(f.topic), "content": "带头发展产业, 带动五户增收"},
				{"topicID": gqlID(f.topic), "content": "结对帮扶两户贫困户"},
			},
		}), pledge.StateReturned)
		step(author, submitPledgeQ, gqlVars("id", gqlID(id), "on", dateVar(2025, 1, 8)), pledge.StateSubmitted)
		step(branch, reviewPledgeQ, gqlVars("id", gqlID(id), "in", map[string]any{
			"approve": true, "answers": fiveAnswers(), "on": dateVar(2025, 1, 9),
		}), pledge.StateApproved)
		step(branch, publishPledgeQ, gqlVars("id", gqlID(id), "ch", []string{"BULLETIN_BOARD", "CHAT_GROUP"}, "on", dateVar(2025, 1, 10)), pledge.StatePublished)
		for q := 1; q <= 4; q++ {
			step(author, reportPledgeQ, gqlVars("id", gqlID(id), "q", q, "text", fmt.Sprintf("第%d季度已兑现", q), "on", dateVar(2025, time.Month(3*q), 28)), pledge.StatePublished)
		}
		p := d.Client.Pledge.GetX(ctx, id)
		step(branch, evalPledgeQ, gqlVars("id", gqlID(id), "in", map[string]any{
			"items": f.itemsOf(p, "PARTLY"), "on": dateVar(2026, 1, 1),
		}), pledge.StateEvaluated)

		var read struct {
			Node struct {
				State, PublishedOn, EvaluatedOn string
				Channels                        []string
				Reviews                         []struct {
					Approve  bool
					FitsPost bool
					Comment  *string
					Reviewer string
				}
				Progress []struct{ Quarter int }
				Items    []struct {
					Content string
					Result  string
					Topic   struct{ Title string }
				}
			}
		}
		author.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Pledge {
			state publishedOn evaluatedOn channels
			reviews { approve fitsPost comment reviewer }
			progress { quarter }
			items { content result topic { title } }
		} } }`, gqlVars("id", gqlID(id)), &read)
		n := read.Node
		if n.State != "EVALUATED" || n.PublishedOn != "2025-01-10" || n.EvaluatedOn != "2026-01-01" ||
			len(n.Channels) != 2 || len(n.Reviews) != 2 || len(n.Progress) != 4 || len(n.Items) != 2 {
			t.Fatalf("read back %+v", n)
		}
		if n.Reviews[0].Approve || n.Reviews[0].FitsPost || n.Reviews[0].Comment == nil || !n.Reviews[1].Approve {
			t.Errorf("reviews %+v", n.Reviews)
		}
		for _, it := range n.Items {
			if it.Result != "PARTLY" || it.Topic.Title == "" {
				t.Errorf("item %+v", it)
			}
		}
	})
}

// TestPledgeRefusals: every illegal step answers its code and writes
// nothing — no row, no audit entry, the pledge's state and version as
// they were.
func TestPledgeRefusals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPledgeFixture(t, d)
		const m1, m3 = "C.T1.V1.B1.M1", "C.T1.V1.B1.M3"
		draft := f.pledgeAt(t, m1, pledge.StateDraft)
		submitted := f.pledgeAt(t, m1, pledge.StateSubmitted)
		ownSubmitted := f.pledgeAt(t, m3, pledge.StateSubmitted)
		approved := f.pledgeAt(t, m1, pledge.StateApproved)
		published := f.pledgeAt(t, m1, pledge.StatePublished)
		ownPublished := f.pledgeAt(t, m3, pledge.StatePublished)
		evaluated := f.pledgeAt(t, m1, pledge.StateEvaluated)
		// Quarter 1 of the published pledge is reported already.
		f.as(t, "author").MustDo(t, reportPledgeQ, gqlVars("id", gqlID(published.ID), "q", 1, "text", "已完成", "on", dateVar(published.Year, 4, 1)), nil)
		outside := f.pledgeAt(t, "C.T2.V1.B1.M1", pledge.StateSubmitted)
		retired := f.d.Client.PledgeTopic.Create().SetSector("RURAL").SetTitle("已停用").SetRetiredOn(date(2020, 1, 1)).SaveX(systemCtx())
		agency := f.d.Client.PledgeTopic.Query().Where(pledgetopic.Sector("AGENCY")).FirstIDX(systemCtx())

		id := func(p *ent.Pledge) string { return gqlID(p.ID) }
		review := func(p *ent.Pledge, in map[string]any) map[string]any {
			if _, ok := in["on"]; !ok {
				in["on"] = dateVar(p.Year, 2, 1)
			}
			return gqlVars("id", id(p), "in", in)
		}
		evaluate := func(p *ent.Pledge, on string, extra ...any) map[string]any {
			in := map[string]any{"items": f.itemsOf(p, "FULFILLED"), "on": on}
			for i := 0; i < len(extra); i += 2 {
				in[extra[i].(string)] = extra[i+1]
			}
			return gqlVars("id", id(p), "in", in)
		}
		create := func(memberName string, year int, kind string, topic int, content string) map[string]any {
			return gqlVars("in", map[string]any{
				"memberID": gqlID(f.tree.Members[memberName].ID), "year": year, "kind": kind,
				"items": []map[string]any{{"topicID": gqlID(topic), "content": content}},
			})
		}
		report := func(p *ent.Pledge, q int, on string) map[string]any {
			return gqlVars("id", id(p), "q", q, "text", "按期兑现", "on", on)
		}
		f.as(t, "branch").MustDo(t, createPledgeQ, create(m1, 2024, "ANNUAL", f.topic, "内容"), nil)
		tomorrow := time.Now().AddDate(0, 0, 2).Format("2006-01-02")
		cases := []struct {
			name   string
			caller string
			query  string
			vars   map[string]any
			target *ent.Pledge // nil for a create
			code   string
		}{
			{"review before submit", "branch", reviewPledgeQ, review(draft, map[string]any{"approve": true, "answers": fiveAnswers()}), draft, "CONFLICT"},
			{"review of one's own pledge", "secretary", reviewPledgeQ, review(ownSubmitted, map[string]any{"approve": true, "answers": fiveAnswers()}), ownSubmitted, "FORBIDDEN"},
			{"review by a member", "peer", reviewPledgeQ, review(published, map[string]any{"approve": true, "answers": fiveAnswers()}), published, "FORBIDDEN"},
			{"review by a viewer", "viewer", reviewPledgeQ, review(submitted, map[string]any{"approve": true, "answers": fiveAnswers()}), submitted, "FORBIDDEN"},
			{"four of five answers", "branch", reviewPledgeQ, review(submitted, map[string]any{"approve": true, "answers": fiveAnswers()[:4]}), submitted, "BAD_USER_INPUT"},
			{"an answer twice", "branch", reviewPledgeQ, review(submitted, map[string]any{"approve": true, "answers": append(fiveAnswers()[:4], fiveAnswers()[0])}), submitted, "BAD_USER_INPUT"},
			{"approving with a no", "branch", reviewPledgeQ, review(submitted, map[string]any{"approve": true, "answers": fiveAnswers("EXEMPLARY"), "comment": "意见"}), submitted, "BAD_USER_INPUT"},
			{"returning without comment", "branch", reviewPledgeQ, review(submitted, map[string]any{"approve": false, "answers": fiveAnswers()}), submitted, "BAD_USER_INPUT"},
			{"returning with a blank comment", "branch", reviewPledgeQ, review(submitted, map[string]any{"approve": false, "answers": fiveAnswers(), "comment": "  "}), submitted, "BAD_USER_INPUT"},
			{"a no without comment", "branch", reviewPledgeQ, review(submitted, map[string]any{"approve": false, "answers": fiveAnswers("MEETS_WISHES")}), submitted, "BAD_USER_INPUT"},
			{"review in the future", "branch", reviewPledgeQ, review(submitted, map[string]any{"approve": true, "answers": fiveAnswers(), "on": tomorrow}), submitted, "BAD_USER_INPUT"},
			{"review before it was submitted", "branch", reviewPledgeQ, review(submitted, map[string]any{"approve": true, "answers": fiveAnswers(), "on": dateVar(submitted.Year, 1, 9)}), submitted, "BAD_USER_INPUT"},
			{"review outside scope", "township", reviewPledgeQ, review(outside, map[string]any{"approve": true, "answers": fiveAnswers()}), outside, "NOT_FOUND"},
			{"submit outside scope", "other", submitPledgeQ, gqlVars("id", id(draft)), draft, "NOT_FOUND"},
			{"submit of another member's draft", "peer", submitPledgeQ, gqlVars("id", id(draft)), draft, "NOT_FOUND"},
			{"submit twice", "author", submitPledgeQ, gqlVars("id", id(submitted)), submitted, "CONFLICT"},
			{"edit after submitting", "author", updatePledgeQ, gqlVars("id", id(submitted), "in", map[string]any{"items": []map[string]any{{"topicID": gqlID(f.topic), "content": "改"}}}), submitted, "CONFLICT"},
			{"publish before review", "branch", publishPledgeQ, gqlVars("id", id(submitted), "ch", []string{"INTRANET"}), submitted, "CONFLICT"},
			{"publish without channels", "branch", publishPledgeQ, gqlVars("id", id(approved), "ch", []string{}), approved, "BAD_USER_INPUT"},
			{"publish on a channel twice", "branch", publishPledgeQ, gqlVars("id", id(approved), "ch", []string{"SCREEN", "SCREEN"}), approved, "BAD_USER_INPUT"},
			{"publish by the author", "author", publishPledgeQ, gqlVars("id", id(approved), "ch", []string{"SCREEN"}), approved, "FORBIDDEN"},
			{"progress before publishing", "author", reportPledgeQ, report(approved, 1, dateVar(approved.Year, 3, 1)), approved, "CONFLICT"},
			{"two reports for one quarter", "author", reportPledgeQ, report(published, 1, dateVar(published.Year, 4, 2)), published, "CONFLICT"},
			{"quarter 0", "author", reportPledgeQ, report(published, 0, dateVar(published.Year, 4, 2)), published, "BAD_USER_INPUT"},
			{"quarter 5", "author", reportPledgeQ, report(published, 5, dateVar(published.Year+1, 4, 2)), published, "BAD_USER_INPUT"},
			{"a quarter not yet begun", "author", reportPledgeQ, report(published, 3, dateVar(published.Year, 6, 30)), published, "BAD_USER_INPUT"},
			{"a report without text", "author", reportPledgeQ, gqlVars("id", id(published), "q", 2, "text", " ", "on", dateVar(published.Year, 7, 1)), published, "BAD_USER_INPUT"},
			{"a report by another member", "peer", reportPledgeQ, report(published, 2, dateVar(published.Year, 7, 1)), published, "FORBIDDEN"},
			{"a report after evaluation", "author", reportPledgeQ, report(evaluated, 4, dateVar(evaluated.Year, 12, 1)), evaluated, "CONFLICT"},
			{"evaluating before year end", "branch", evalPledgeQ, evaluate(published, dateVar(published.Year, 12, 31)), published, "CONFLICT"},
			{"evaluating twice", "branch", evalPledgeQ, evaluate(evaluated, dateVar(evaluated.Year+1, 1, 5)), evaluated, "CONFLICT"},
			{"evaluating one's own pledge", "secretary", evalPledgeQ, evaluate(ownPublished, dateVar(ownPublished.Year+1, 1, 5)), ownPublished, "FORBIDDEN"},
			{"evaluating by the author", "author", evalPledgeQ, evaluate(published, dateVar(published.Year+1, 1, 5)), published, "FORBIDDEN"},
			{"evaluating without an item", "branch", evalPledgeQ, gqlVars("id", id(published), "in", map[string]any{"items": []map[string]any{}, "on": dateVar(published.Year+1, 1, 5)}), published, "BAD_USER_INPUT"},
			{"evaluating another pledge's item", "branch", evalPledgeQ, gqlVars("id", id(published), "in", map[string]any{"items": f.itemsOf(approved, "FULFILLED"), "on": dateVar(published.Year+1, 1, 5)}), published, "BAD_USER_INPUT"},
			{"evaluating outside scope", "other", evalPledgeQ, evaluate(published, dateVar(published.Year+1, 1, 5)), published, "NOT_FOUND"},
			{"a pledge for another member", "author", createPledgeQ, create("C.T1.V1.B1.M2", 2025, "ANNUAL", f.topic, "内容"), nil, "NOT_FOUND"},
			{"a pledge outside scope", "township", createPledgeQ, create("C.T2.V1.B1.M2", 2025, "ANNUAL", f.topic, "内容"), nil, "NOT_FOUND"},
			{"a term pledge of a member without office", "branch", createPledgeQ, create(m1, 2025, "TERM", f.topic, "内容"), nil, "BAD_USER_INPUT"},
			{"a second pledge of a kind for a year", "branch", createPledgeQ, create(m1, 2024, "ANNUAL", f.topic, "内容"), nil, "CONFLICT"},
			{"a retired topic", "branch", createPledgeQ, create(m1, 2025, "ANNUAL", retired.ID, "内容"), nil, "BAD_USER_INPUT"},
			{"another sector's topic", "branch", createPledgeQ, create(m1, 2025, "ANNUAL", agency, "内容"), nil, "BAD_USER_INPUT"},
			{"an item without content", "branch", createPledgeQ, create(m1, 2025, "ANNUAL", f.topic, " "), nil, "BAD_USER_INPUT"},
			{"a year long past", "branch", createPledgeQ, create(m1, 1999, "ANNUAL", f.topic, "内容"), nil, "BAD_USER_INPUT"},
			{"a pledge without items", "branch", createPledgeQ, gqlVars("in", map[string]any{"memberID": gqlID(f.tree.Members[m1].ID), "year": 2025, "kind": "ANNUAL", "items": []map[string]any{}}), nil, "BAD_USER_INPUT"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				target := 0
				if c.target != nil {
					target = c.target.ID
				}
				before := f.snapshot(t, target)
				errs := f.as(t, c.caller).Do(t, c.query, c.vars, nil)
				if len(errs) == 0 || errs[0].Code() != c.code {
					t.Fatalf("got %v, want %s", errs, c.code)
				}
				if after := f.snapshot(t, target); after != before {
					t.Errorf("a refused step wrote: %+v → %+v", before, after)
				}
			})
		}
	})
}

// TestPledgeConcurrentReviews: reviewers at every level above the branch
// review the same submitted pledge at once, over HTTP: one wins, the
// others get CONFLICT (never INTERNAL), and exactly one review is written.
func TestPledgeConcurrentReviews(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPledgeFixture(t, d)
		reviewers := []string{"branch", "village", "township", "county", "admin"}
		clients := make([]*apitest.Client, len(reviewers))
		for i, r := range reviewers {
			clients[i] = f.as(t, r)
		}
		for round := range 3 {
			p := f.pledgeAt(t, "C.T1.V1.B1.M1", pledge.StateSubmitted)
			var wg sync.WaitGroup
			codes := make([]string, len(reviewers))
			for i := range reviewers {
				wg.Go(func() {
					// Half approve, half return: the loser must not leave
					// its verdict behind either way.
					in := map[string]any{"approve": i%2 == 0, "answers": fiveAnswers(), "comment": "同意", "on": dateVar(p.Year, 2, 1)}
					if errs := clients[i].Do(t, reviewPledgeQ, gqlVars("id", gqlID(p.ID), "in", in), nil); len(errs) > 0 {
						codes[i] = errs[0].Code()
					}
				})
			}
			wg.Wait()
			wins := 0
			for i, code := range codes {
				switch code {
				case "":
					wins++
				case "CONFLICT":
				default:
					t.Errorf("round %d: %s got %s, want success or CONFLICT", round, reviewers[i], code)
				}
			}
			if wins != 1 {
				t.Errorf("round %d: %d reviews succeeded (%v), want 1", round, wins, codes)
			}
			if n := d.Client.PledgeReview.Query().Where(pledgereview.PledgeID(p.ID)).CountX(systemCtx()); n != 1 {
				t.Errorf("round %d: %d reviews written, want 1", round, n)
			}
		}
	})
}

// TestPledgeVisibility: a pledge in each state, read by each role through
// the list, its count, a state filter, node(id) and node(id) of its item.
// A published or evaluated pledge is read by every member of its branch;
// the others only by their author and the branch committee and the levels
// above (and VIEWERs there); nothing by other branches or townships.
func TestPledgeVisibility(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPledgeFixture(t, d)
		states := []pledge.State{pledge.StateDraft, pledge.StateSubmitted, pledge.StateReturned, pledge.StateApproved, pledge.StatePublished, pledge.StateEvaluated}
		byState := map[pledge.State]*ent.Pledge{}
		for _, s := range states {
			byState[s] = f.pledgeAt(t, "C.T1.V1.B1.M1", s)
		}
		all := states
		public := []pledge.State{pledge.StatePublished, pledge.StateEvaluated}
		want := map[string][]pledge.State{
			"author": all, "peer": public, "secretary": all, "branch": all, "village": all,
			"township": all, "county": all, "admin": all, "viewer": all, "other": nil, "stranger": nil,
		}
		for role, visible := range want {
			t.Run(role, func(t *testing.T) {
				c := f.as(t, role)
				var list struct {
					Pledges struct {
						TotalCount int
						Edges      []struct {
							Node struct{ ID, State, MemberName string }
						}
					}
				}
				c.MustDo(t, `{ pledges(orderBy: [{field: YEAR}]) { totalCount edges { node { id state memberName } } } }`, nil, &list)
				var got []pledge.State
				for _, e := range list.Pledges.Edges {
					got = append(got, pledge.State(e.Node.State))
				}
				if fmt.Sprint(got) != fmt.Sprint(visible) || list.Pledges.TotalCount != len(visible) {
					t.Errorf("pledges: %v (totalCount %d), want %v", got, list.Pledges.TotalCount, visible)
				}
				for _, s := range states {
					p := byState[s]
					sees := false
					for _, v := range visible {
						sees = sees || v == s
					}
					var node struct {
						Node *struct {
							ID     string
							Member *struct{ ID string }
							Items  []struct{ ID string }
						}
					}
					errs := c.Do(t, `query($id: ID!) { node(id: $id) { ... on Pledge { id member { id } items { id } } } }`, gqlVars("id", gqlID(p.ID)), &node)
					if (node.Node != nil) != sees || !hidden(errs, sees) {
						t.Errorf("%s: node is %v (errors %v), want visible %v", s, node.Node, errs, sees)
					}
					item := f.d.Client.PledgeItem.Query().Where(pledgeitem.PledgeID(p.ID)).OnlyIDX(systemCtx())
					var itemNode struct{ Node *struct{ ID string } }
					errs = c.Do(t, `query($id: ID!) { node(id: $id) { ... on PledgeItem { id } } }`, gqlVars("id", gqlID(item)), &itemNode)
					if (itemNode.Node != nil) != sees || !hidden(errs, sees) {
						t.Errorf("%s: its item is %v (errors %v), want visible %v", s, itemNode.Node, errs, sees)
					}
					var filtered struct{ Pledges struct{ TotalCount int } }
					c.MustDo(t, `query($s: PledgeState!) { pledges(where: {state: $s, hasItemsWith: [{contentContains: "产业"}]}) { totalCount } }`, gqlVars("s", string(s)), &filtered)
					if (filtered.Pledges.TotalCount == 1) != sees {
						t.Errorf("%s: the state filter counts %d, want visible %v", s, filtered.Pledges.TotalCount, sees)
					}
					// A peer reads the pledge but not the member record.
					if sees && role == "peer" && node.Node.Member != nil {
						t.Errorf("%s: a peer reads the author's member record", s)
					}
				}
			})
		}
	})
}

// hidden reports whether errs are what node(id) answers for an object
// that is visible (none) or not (NOT_FOUND alone).
func hidden(errs []apitest.Error, visible bool) bool {
	if visible {
		return len(errs) == 0
	}
	return len(errs) == 1 && errs[0].Code() == "NOT_FOUND"
}

// TestPledgeViewerCan: for each role, each state and each step, the
// pledge's viewerCan… field says exactly whether the step's mutation, with
// valid input, succeeds. Each attempt gets a fresh pledge.
func TestPledgeViewerCan(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPledgeFixture(t, d)
		type step struct {
			field, query string
			vars         func(p *ent.Pledge) map[string]any
		}
		steps := []step{
			{"viewerCanUpdate", updatePledgeQ, func(p *ent.Pledge) map[string]any {
				return gqlVars("id", gqlID(p.ID), "in", map[string]any{"items": []map[string]any{{"topicID": gqlID(f.topic), "content": "改后的承诺"}}})
			}},
			{"viewerCanSubmit", submitPledgeQ, func(p *ent.Pledge) map[string]any {
				return gqlVars("id", gqlID(p.ID), "on", dateVar(p.Year, 1, 12))
			}},
			{"viewerCanReview", reviewPledgeQ, func(p *ent.Pledge) map[string]any {
				return gqlVars("id", gqlID(p.ID), "in", map[string]any{"approve": true, "answers": fiveAnswers(), "on": dateVar(p.Year, 2, 1)})
			}},
			{"viewerCanPublish", publishPledgeQ, func(p *ent.Pledge) map[string]any {
				return gqlVars("id", gqlID(p.ID), "ch", []string{"ACTIVITY_ROOM"}, "on", dateVar(p.Year, 2, 2))
			}},
			{"viewerCanReport", reportPledgeQ, func(p *ent.Pledge) map[string]any {
				return gqlVars("id", gqlID(p.ID), "q", 1, "text", "已兑现", "on", dateVar(p.Year, 4, 1))
			}},
			{"viewerCanEvaluate", evalPledgeQ, func(p *ent.Pledge) map[string]any {
				return gqlVars("id", gqlID(p.ID), "in", map[string]any{"items": f.itemsOf(p, "FULFILLED"), "on": dateVar(p.Year+1, 1, 5)})
			}},
		}
		states := []pledge.State{pledge.StateDraft, pledge.StateSubmitted, pledge.StateReturned, pledge.StateApproved, pledge.StatePublished, pledge.StateEvaluated}
		cases := []struct{ role, member string }{
			{"author", "C.T1.V1.B1.M1"}, {"peer", "C.T1.V1.B1.M1"}, {"branch", "C.T1.V1.B1.M1"},
			{"viewer", "C.T1.V1.B1.M1"}, {"other", "C.T1.V1.B1.M1"},
			{"secretary", "C.T1.V1.B1.M3"}, {"village", "C.T1.V1.B1.M3"},
		}
		allowed := 0
		for _, c := range cases {
			for _, s := range states {
				for _, st := range steps {
					p := f.pledgeAt(t, c.member, s)
					var out struct{ Node map[string]any }
					f.as(t, c.role).Do(t, `query($id: ID!) { node(id: $id) { ... on Pledge { `+st.field+` } } }`, gqlVars("id", gqlID(p.ID)), &out)
					can := out.Node != nil && out.Node[st.field] == true
					errs := f.as(t, c.role).Do(t, st.query, st.vars(p), nil)
					if can != (len(errs) == 0) {
						t.Errorf("%s on %s's %s pledge: %s = %v, but the mutation answered %v", c.role, c.member, s, st.field, can, errs)
					}
					if len(errs) > 0 {
						switch errs[0].Code() {
						case "FORBIDDEN", "CONFLICT", "NOT_FOUND":
						default:
							t.Errorf("%s on a %s pledge: %s answered %v", c.role, s, st.query, errs)
						}
					} else {
						allowed++
					}
				}
			}
		}
		// Author: edit, submit ×2 states, report; branch: those and review,
		// publish, evaluate; secretary on its own: edit, submit ×2, publish,
		// report; village on the secretary's: all eight.
		if want := 5 + 8 + 6 + 8; allowed != want {
			t.Errorf("%d steps succeeded, want %d", allowed, want)
		}
	})
}

// TestPledgeOverdue: a published pledge is overdue once a quarter of its
// year has ended without its report, counting from the quarter it was
// published in; the where-filter and the overdue field agree, at the
// edges of the quarters.
func TestPledgeOverdue(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPledgeFixture(t, d)
		ctx := systemCtx()
		reported := func(p *ent.Pledge, quarters ...int) {
			for _, q := range quarters {
				d.Client.PledgeProgress.Create().SetPledgeID(p.ID).SetBranchID(p.BranchID).SetMemberID(p.MemberID).
					SetQuarter(q).SetText("已兑现").SetOn(quarterEnd(p.Year, q)).SetReporter("test").ExecX(ctx)
			}
		}
		// All the pledges share one year, so one day tests them all.
		const y = 2020
		mk := func(member string, s pledge.State) *ent.Pledge {
			f.years = y - 1
			return f.pledgeAt(t, member, s)
		}
		none := mk("C.T1.V1.B1.M1", pledge.StatePublished)
		q1 := mk("C.T1.V1.B1.M2", pledge.StatePublished)
		reported(q1, 1)
		late := mk("C.T1.V1.B1.M3", pledge.StatePublished) // published in quarter 2
		d.Client.Pledge.UpdateOne(late).SetPublishedOn(date(y, 5, 10)).SetReportFrom(2).ExecX(ctx)
		q123 := mk("C.T1.V1.B2.M1", pledge.StatePublished)
		reported(q123, 1, 2, 3)
		all := mk("C.T1.V1.B2.M2", pledge.StatePublished)
		reported(all, 1, 2, 3, 4)
		mk("C.T1.V1.B2.M3", pledge.StateApproved)
		mk("C.T2.V1.B1.M1", pledge.StateEvaluated)
		names := map[int]string{none.ID: "none", q1.ID: "q1", late.ID: "late", q123.ID: "q123", all.ID: "all"}
		cases := []struct {
			on   time.Time
			want []string
		}{
			{date(y, 3, 31), nil},
			{date(y, 4, 1), []string{"none"}},
			{date(y, 6, 30), []string{"none"}},
			{date(y, 7, 1), []string{"late", "none", "q1"}},
			{date(y, 12, 31), []string{"late", "none", "q1"}},
			{date(y+1, 1, 1), []string{"late", "none", "q1", "q123"}},
		}
		for _, c := range cases {
			on := c.on.Format("2006-01-02")
			var out struct {
				Pledges struct {
					Edges []struct {
						Node struct {
							ID      string
							Overdue bool
						}
					}
				}
			}
			f.as(t, "admin").MustDo(t, `query($on: Date!) { pledges(where: {overdueOn: $on}) { edges { node { id overdue(on: $on) } } } }`, gqlVars("on", on), &out)
			var got []string
			for _, e := range out.Pledges.Edges {
				got = append(got, names[parseGQLID(t, e.Node.ID)])
				if !e.Node.Overdue {
					t.Errorf("%s: %s is listed but its overdue field is false", on, names[parseGQLID(t, e.Node.ID)])
				}
			}
			sort.Strings(got)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("overdue on %s: %v, want %v", on, got, c.want)
			}
		}
		// In scope only: the other township sees none of them.
		var other struct{ Pledges struct{ TotalCount int } }
		f.as(t, "other").MustDo(t, `{ pledges(where: {overdueOn: "2021-01-01"}) { totalCount } }`, nil, &other)
		if other.Pledges.TotalCount != 0 {
			t.Errorf("the other township sees %d overdue pledges, want 0", other.Pledges.TotalCount)
		}
	})
}

// quarterEnd is the last day of quarter q of year.
func quarterEnd(year, q int) time.Time { return date(year, time.Month(3*q+1), 1).AddDate(0, 0, -1) }

// TestPledgeFulfilment: the fulfilment rate of a year's evaluated pledges
// per branch, village, township and county, in the caller's scope; the
// children add up to their parent.
func TestPledgeFulfilment(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPledgeFixture(t, d)
		ctx := systemCtx()
		const y = 2024
		rated := func(member string, year int, state pledge.State, results ...pledgeitem.Result) {
			f.years = year - 1
			p := f.pledgeAt(t, member, state)
			// pledgeAt wrote one item; rate it as the first result.
			it := d.Client.PledgeItem.Query().Where(pledgeitem.PledgeID(p.ID)).OnlyX(ctx)
			d.Client.PledgeItem.UpdateOne(it).SetResult(results[0]).ExecX(ctx)
			for _, r := range results[1:] {
				d.Client.PledgeItem.Create().SetPledgeID(p.ID).SetBranchID(p.BranchID).SetMemberID(p.MemberID).
					SetTopicID(f.topic).SetContent("另一项").SetResult(r).ExecX(ctx)
			}
		}
		F, P, N := pledgeitem.ResultFulfilled, pledgeitem.ResultPartly, pledgeitem.ResultNotFulfilled
		rated("C.T1.V1.B1.M1", y, pledge.StateEvaluated, F, F, P)
		rated("C.T1.V1.B1.M2", y, pledge.StateEvaluated, N)
		rated("C.T1.V1.B2.M1", y, pledge.StateEvaluated, F)
		rated("C.T2.V1.B1.M1", y, pledge.StateEvaluated, N, F)
		rated("C.T1.V1.B1.M3", y-1, pledge.StateEvaluated, N) // another year
		rated("C.T1.V1.B2.M2", y, pledge.StatePublished, F)   // not evaluated yet

		type row struct {
			Org                                    struct{ Name string }
			Items, Fulfilled, Partly, NotFulfilled int
			Rate                                   float64
		}
		query := `query($org: ID!, $year: Int!, $level: OrgKind!) { pledgeFulfilment(orgID: $org, year: $year, level: $level) {
			org { name } items fulfilled partly notFulfilled rate } }`
		fulfilment := func(caller, orgName, level string) ([]row, []apitest.Error) {
			var out struct{ PledgeFulfilment []row }
			errs := f.as(t, caller).Do(t, query, gqlVars("org", gqlID(f.tree.Orgs[orgName].ID), "year", y, "level", level), &out)
			return out.PledgeFulfilment, errs
		}
		cases := []struct {
			caller, org, level string
			want               []string
		}{
			{"admin", "C", "COUNTY", []string{"C 7 4/1/2"}},
			{"admin", "C", "TOWNSHIP", []string{"C.T1 5 3/1/1", "C.T2 2 1/0/1"}},
			{"admin", "C", "VILLAGE", []string{"C.T1.V1 5 3/1/1", "C.T2.V1 2 1/0/1"}},
			{"admin", "C", "BRANCH", []string{"C.T1.V1.B1 4 2/1/1", "C.T1.V1.B2 1 1/0/0", "C.T2.V1.B1 2 1/0/1", "C.T2.V1.B2 0 0/0/0"}},
			{"township", "C.T1", "TOWNSHIP", []string{"C.T1 5 3/1/1"}},
			{"township", "C.T1", "COUNTY", nil},
			{"village", "C.T1.V1", "BRANCH", []string{"C.T1.V1.B1 4 2/1/1", "C.T1.V1.B2 1 1/0/0"}},
			{"peer", "C.T1.V1.B1", "BRANCH", []string{"C.T1.V1.B1 4 2/1/1"}},
		}
		for _, c := range cases {
			rows, errs := fulfilment(c.caller, c.org, c.level)
			if len(errs) > 0 {
				t.Fatalf("%s at %s by %s: %v", c.caller, c.org, c.level, errs)
			}
			var got []string
			for _, r := range rows {
				got = append(got, fmt.Sprintf("%s %d %d/%d/%d", r.Org.Name, r.Items, r.Fulfilled, r.Partly, r.NotFulfilled))
				if want := 0.0; r.Items > 0 {
					want = float64(r.Fulfilled) / float64(r.Items)
					if r.Rate != want {
						t.Errorf("%s: rate %v, want %v", r.Org.Name, r.Rate, want)
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("%s under %s per %s: %v, want %v", c.caller, c.org, c.level, got, c.want)
			}
		}
		for _, c := range []struct{ caller, org string }{{"township", "C"}, {"other", "C.T1"}, {"stranger", "C.T1.V1.B1"}} {
			if _, errs := fulfilment(c.caller, c.org, "BRANCH"); len(errs) == 0 || errs[0].Code() != "NOT_FOUND" {
				t.Errorf("%s asking about %s: %v, want NOT_FOUND", c.caller, c.org, errs)
			}
		}
	})
}

// TestPledgeTopics: a fresh database holds the seed's topics for every
// sector (and migrating again adds none); ADMIN keeps the topics of every
// county, a county's ORG_ADMIN those of its county, nobody below; a
// retired topic leaves the list; another county never sees this county's.
func TestPledgeTopics(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPledgeFixture(t, d)
		ctx := systemCtx()
		seeded := d.Client.PledgeTopic.Query().CountX(ctx)
		if err := db.Migrate(context.Background(), d.Client); err != nil {
			t.Fatal(err)
		}
		if n := d.Client.PledgeTopic.Query().CountX(ctx); n != seeded {
			t.Errorf("migrating again: %d topics, want %d", n, seeded)
		}
		titles := func(caller, sector string) []string {
			t.Helper()
			var out struct {
				PledgeTopics []struct{ Title, Sector string }
			}
			f.as(t, caller).MustDo(t, `query($s: Sector!) { pledgeTopics(sector: $s) { title sector } }`, gqlVars("s", sector), &out)
			var ts []string
			for _, tp := range out.PledgeTopics {
				if tp.Sector != sector {
					t.Errorf("pledgeTopics(%s) lists a topic of %s", sector, tp.Sector)
				}
				ts = append(ts, tp.Title)
			}
			return ts
		}
		want := map[string]string{
			"RURAL": "[岗位职责和目标责任 脱贫攻坚职责任务]", "AGENCY": "[改进作风 提高效能 服务群众 廉洁自律]",
			"INSTITUTION": "[改进作风 提高效能 服务群众 廉洁自律]", "SOE": "[提高管理水平 完成生产经营任务 技术创新 节能减排 安全生产 维护职工权益]",
			"NON_PUBLIC": "[遵守国家法律法规 团结凝聚职工群众 维护各方合法权益 促进生产经营和各项业务工作开展]", "SOCIAL_ORG": "[遵守国家法律法规 团结凝聚职工群众 维护各方合法权益 促进生产经营和各项业务工作开展]",
			"SERVICE_WINDOW": "[三亮三比三评 建设群众满意窗口 创造优质服务品牌 提高服务水平]", "SCHOOL": "[贯彻党的教育方针 推进教育改革 搞好教书育人]",
			"COMMUNITY": "[带头学习提高 带头争创佳绩 带头服务群众 带头遵纪守法 带头弘扬正气]",
		}
		for sector, w := range want {
			if got := fmt.Sprint(titles("author", sector)); got != w {
				t.Errorf("pledgeTopics(%s) = %s, want %s", sector, got, w)
			}
		}

		county := gqlID(f.tree.Orgs["C"].ID)
		add := `mutation($in: AddPledgeTopicInput!) { addPledgeTopic(input: $in) { id title viewerCanRetire } }`
		retire := `mutation($id: ID!) { retirePledgeTopic(id: $id) { id retiredOn } }`
		topics := func() int { return d.Client.PledgeTopic.Query().CountX(ctx) }
		refused := func(caller, query string, vars map[string]any, code string) {
			t.Helper()
			before := topics()
			if errs := f.as(t, caller).Do(t, query, vars, nil); len(errs) == 0 || errs[0].Code() != code {
				t.Errorf("%s: %v, want %s", caller, errs, code)
			}
			if topics() != before {
				t.Errorf("%s: a refused topic change wrote", caller)
			}
		}
		topic := func(title string, countyID any) map[string]any {
			return gqlVars("in", map[string]any{"sector": "RURAL", "title": title, "countyID": countyID})
		}
		refused("township", add, topic("乡村振兴", county), "NOT_FOUND")
		refused("township", add, topic("乡村振兴", gqlID(f.tree.Orgs["C.T1"].ID)), "BAD_USER_INPUT")
		refused("county", add, topic("乡村振兴", nil), "FORBIDDEN")
		refused("county", add, topic(" ", county), "BAD_USER_INPUT")
		refused("county", add, topic("脱贫攻坚职责任务", nil), "FORBIDDEN")

		var added struct {
			AddPledgeTopic struct {
				ID              string
				ViewerCanRetire bool
			}
		}
		f.as(t, "county").MustDo(t, add, topic("乡村振兴", county), &added)
		if !added.AddPledgeTopic.ViewerCanRetire {
			t.Error("the county's ORG_ADMIN cannot retire the topic it added")
		}
		refused("county", add, topic("乡村振兴", county), "CONFLICT")
		f.as(t, "admin").MustDo(t, add, topic("人居环境整治", nil), nil)
		if got := fmt.Sprint(titles("author", "RURAL")); got != "[岗位职责和目标责任 脱贫攻坚职责任务 人居环境整治 乡村振兴]" {
			t.Errorf("after adding: %s", got)
		}

		// Another county sees the topics of every county, not C's.
		other := d.Client.Org.Create().SetName("D").SetKind("COUNTY").SetSector("RURAL").SaveX(ctx)
		orgAdmin := rolebinding.RoleOrgAdmin
		if _, err := account.Create(ctx, d.Client, account.NewUser{Username: "d.admin", Password: apitest.Password, Role: &orgAdmin, OrgID: &other.ID}); err != nil {
			t.Fatal(err)
		}
		f.users["d"] = "d.admin"
		if got := fmt.Sprint(titles("d", "RURAL")); got != "[岗位职责和目标责任 脱贫攻坚职责任务 人居环境整治]" {
			t.Errorf("county D sees %s", got)
		}
		refused("d", retire, gqlVars("id", added.AddPledgeTopic.ID), "NOT_FOUND")

		global := d.Client.PledgeTopic.Query().Where(pledgetopic.Sector("RURAL"), pledgetopic.CountyIDIsNil()).FirstIDX(ctx)
		var canRetire struct {
			Node struct{ ViewerCanRetire bool }
		}
		f.as(t, "county").MustDo(t, `query($id: ID!) { node(id: $id) { ... on PledgeTopic { viewerCanRetire } } }`, gqlVars("id", gqlID(global)), &canRetire)
		if canRetire.Node.ViewerCanRetire {
			t.Error("a county's ORG_ADMIN may retire a topic of every county")
		}
		refused("county", retire, gqlVars("id", gqlID(global)), "FORBIDDEN")
		f.as(t, "county").MustDo(t, retire, gqlVars("id", added.AddPledgeTopic.ID), nil)
		refused("county", retire, gqlVars("id", added.AddPledgeTopic.ID), "CONFLICT")
		if got := fmt.Sprint(titles("author", "RURAL")); got != "[岗位职责和目标责任 脱贫攻坚职责任务 人居环境整治]" {
			t.Errorf("after retiring: %s", got)
		}
		// A pledge cannot take the retired topic any more.
		created := f.as(t, "branch").Do(t, createPledgeQ, gqlVars("in", map[string]any{
			"memberID": gqlID(f.tree.Members["C.T1.V1.B1.M1"].ID), "year": 2025, "kind": "ANNUAL",
			"items": []map[string]any{{"topicID": added.AddPledgeTopic.ID, "content": "内容"}},
		}), nil)
		if len(created) == 0 || created[0].Code() != "BAD_USER_INPUT" {
			t.Errorf("a pledge under a retired topic: %v, want BAD_USER_INPUT", created)
		}
	})
}
