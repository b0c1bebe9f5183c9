package graph_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/categorychange"
	"github.com/partyorg/partyorg/ent/contactlog"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/ent/trainingrecord"
	"github.com/partyorg/partyorg/ent/welfarepost"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/classification"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/testdb"
)

// classFixture is a county of 2 townships × 2 villages × 2 branches × 3
// members (all FULL, AT_HOME_NO_POST) with accounts at every org, for the
// member classification tests.
type classFixture struct {
	t       *testing.T
	d       *testdb.DB
	api     *apitest.API
	tree    *apitest.Tree
	clients map[string]*apitest.Client
}

func newClassFixture(t *testing.T, d *testdb.DB) *classFixture {
	return &classFixture{
		t: t, d: d, api: apitest.New(t, d),
		tree:    apitest.Matrix(t, d.Client, 2, 2, 2, 3),
		clients: map[string]*apitest.Client{},
	}
}

// Account names: the ORG_ADMIN, VIEWER or MEMBER account of an org.
func orgAdmin(org string) string  { return apitest.Username(rolebinding.RoleOrgAdmin, org) }
func orgViewer(org string) string { return apitest.Username(rolebinding.RoleViewer, org) }
func orgMember(org string) string { return apitest.Username(rolebinding.RoleMember, org) }

// as is the signed-in client of a fixture account.
func (f *classFixture) as(user string) *apitest.Client {
	if c, ok := f.clients[user]; ok {
		return c
	}
	c := f.api.Login(f.t, user, apitest.Password)
	f.clients[user] = c
	return c
}

func (f *classFixture) m(name string) string { return gqlID(f.tree.Members[name].ID) }
func (f *classFixture) o(name string) string { return gqlID(f.tree.Orgs[name].ID) }

// setCategory puts a member in a category, as the server would for an
// ORG_ADMIN (the member hook runs, and records the change).
func (f *classFixture) setCategory(name string, c member.Category) {
	f.t.Helper()
	f.d.Client.Member.UpdateOneID(f.tree.Members[name].ID).SetCategory(c).ExecX(systemCtx())
}

// snapshot is every classification table's row count, the audit trail's
// length and every member's category, branch and skills: what a refused
// mutation must leave as it was.
func (f *classFixture) snapshot() string {
	f.t.Helper()
	ctx, c := systemCtx(), f.d.Client
	counts := []func() (int, error){
		func() (int, error) { return c.WelfarePost.Query().Count(ctx) },
		func() (int, error) { return c.CategoryChange.Query().Count(ctx) },
		func() (int, error) { return c.Transfer.Query().Count(ctx) },
		func() (int, error) { return c.TrainingRecord.Query().Count(ctx) },
		func() (int, error) { return c.MobileRecord.Query().Count(ctx) },
		func() (int, error) { return c.ContactLog.Query().Count(ctx) },
		func() (int, error) { return c.HelpCard.Query().Count(ctx) },
		func() (int, error) { return c.Visit.Query().Count(ctx) },
		func() (int, error) { return c.CareFundEntry.Query().Count(ctx) },
		func() (int, error) { return c.AuditLog.Query().Count(ctx) },
	}
	var out []int
	for _, n := range counts {
		v, err := n()
		if err != nil {
			f.t.Fatal(err)
		}
		out = append(out, v)
	}
	var ms []struct {
		ID       int              `json:"id"`
		Category *member.Category `json:"category"`
		BranchID int              `json:"branch_id"`
		Skills   []string         `json:"skills"`
	}
	if err := c.Member.Query().Order(ent.Asc(member.FieldID)).
		Select(member.FieldID, member.FieldCategory, member.FieldBranchID, member.FieldSkills).Scan(ctx, &ms); err != nil {
		f.t.Fatal(err)
	}
	b, _ := json.Marshal(ms)
	return fmt.Sprint(out) + string(b)
}

// refuse runs a mutation that must fail with code and write nothing.
func (f *classFixture) refuse(name, user, query string, vars map[string]any, code string) {
	f.t.Helper()
	before := f.snapshot()
	errs := f.as(user).Do(f.t, query, vars, nil)
	if len(errs) == 0 {
		f.t.Errorf("%s: no error, want %s", name, code)
		return
	}
	for _, e := range errs {
		if e.Code() != code {
			f.t.Errorf("%s: %v, want %s", name, e, code)
		}
	}
	if after := f.snapshot(); after != before {
		f.t.Errorf("%s: the refused mutation wrote:\nbefore %s\nafter  %s", name, before, after)
	}
}

// count is the totalCount of members matching a where-filter, as user.
func (f *classFixture) count(user string, where map[string]any) int {
	f.t.Helper()
	var out struct{ Members struct{ TotalCount int } }
	f.as(user).MustDo(f.t, `query($w: MemberWhereInput) { members(where: $w) { totalCount } }`, gqlVars("w", where), &out)
	return out.Members.TotalCount
}

func dayVar(d time.Time) string { return day.Format(d) }

const (
	changeCategoryQ = `mutation($in: ChangeMemberCategoryInput!) { changeMemberCategory(input: $in) {
		id category categoryChanges { totalCount edges { node { from to on reason } } } } }`
	createPostQ    = `mutation($in: CreateWelfarePostInput!) { createWelfarePost(input: $in) { id kind duty holder { id } } }`
	assignPostQ    = `mutation($id: ID!, $h: ID) { assignWelfarePost(id: $id, holderID: $h) { id holder { id } } }`
	setSkillsQ     = `mutation($m: ID!, $s: [String!]!) { setMemberSkills(memberID: $m, skills: $s) { id skills } }`
	trainingQ      = `mutation($in: RecordTrainingInput!) { recordTraining(input: $in) { id course level on hours } }`
	departureQ     = `mutation($in: RegisterDepartureInput!) { registerDeparture(input: $in) { id state leftOn contact { id } member { id category } } }`
	logContactQ    = `mutation($in: LogContactInput!) { logContact(input: $in) { id lastContactOn } }`
	returnQ        = `mutation($m: ID!, $on: Date) { registerReturn(memberID: $m, on: $on) { id category mobile { state returnedOn } } }`
	helpCardQ      = `mutation($in: IssueHelpCardInput!) { issueHelpCard(input: $in) { id needs helper { id } } }`
	visitQ         = `mutation($in: RecordVisitInput!) { recordVisit(input: $in) { id on visitor { id } } }`
	donateQ        = `mutation($in: DonateToCareFundInput!) { donateToCareFund(input: $in) { id kind amountFen } }`
	disburseQ      = `mutation($in: DisburseCareFundInput!) { disburseCareFund(input: $in) { id kind amountFen member { id } } }`
	reverseQ       = `mutation($id: ID!, $r: String!) { reverseCareFundEntry(id: $id, reason: $r) { id kind amountFen reverses { id } } }`
	careFundQ      = `query($id: ID!) { node(id: $id) { ... on Org { careFund { inFen outFen balanceFen } } } }`
	memberCreateQ2 = `mutation($in: CreateMemberInput!) { createMember(input: $in) { id category } }`
)

// TestCategoryRules: activists carry no category; a change of category is
// recorded with its day and reason; a transfer keeps where the member was.
func TestCategoryRules(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		const b1, b2 = "C.T1.V1.B1", "C.T1.V1.B2"
		admin := orgAdmin("C.T1")
		today := day.Today()
		f.refuse("activist with a category", admin, memberCreateQ2, gqlVars("in", map[string]any{
			"name": "X", "status": "ACTIVIST", "category": "AT_HOME_NO_POST", "branchID": f.o(b1)}), "BAD_USER_INPUT")
		f.refuse("member becomes an activist keeping its category", admin, updateMemberQ, gqlVars(
			"id", f.m(b1+".M2"), "in", map[string]any{"status": "ACTIVIST"}), "BAD_USER_INPUT")
		f.refuse("change dated tomorrow", admin, changeCategoryQ, gqlVars("in", map[string]any{
			"memberID": f.m(b1 + ".M2"), "category": nil, "reason": "x", "on": dayVar(today.AddDate(0, 0, 1))}), "BAD_USER_INPUT")
		f.refuse("change without a reason", admin, changeCategoryQ, gqlVars("in", map[string]any{
			"memberID": f.m(b1 + ".M2"), "category": "ELDERLY_INFIRM", "reason": " "}), "BAD_USER_INPUT")
		f.refuse("change to the same category", admin, changeCategoryQ, gqlVars("in", map[string]any{
			"memberID": f.m(b1 + ".M2"), "category": "AT_HOME_NO_POST", "reason": "x"}), "BAD_USER_INPUT")
		f.refuse("viewer changes a category", orgViewer("C.T1"), changeCategoryQ, gqlVars("in", map[string]any{
			"memberID": f.m(b1 + ".M2"), "category": "ELDERLY_INFIRM", "reason": "x"}), "FORBIDDEN")
		f.refuse("other township changes a category", orgAdmin("C.T2"), changeCategoryQ, gqlVars("in", map[string]any{
			"memberID": f.m(b1 + ".M2"), "category": "ELDERLY_INFIRM", "reason": "x"}), "NOT_FOUND")

		// An activist may be recorded without a category, and then may not get one.
		var created struct {
			CreateMember struct{ ID, Category *string }
		}
		f.as(admin).MustDo(t, memberCreateQ2, gqlVars("in", map[string]any{"name": "积极分子", "status": "ACTIVIST", "branchID": f.o(b1)}), &created)
		f.refuse("activist gets a category", admin, changeCategoryQ, gqlVars("in", map[string]any{
			"memberID": *created.CreateMember.ID, "category": "MOBILE", "reason": "x"}), "BAD_USER_INPUT")

		yesterday := today.AddDate(0, 0, -1)
		var out struct {
			ChangeMemberCategory struct {
				Category        string
				CategoryChanges struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							From, To *string
							On       string
							Reason   string
						}
					}
				}
			}
		}
		f.as(admin).MustDo(t, changeCategoryQ, gqlVars("in", map[string]any{
			"memberID": f.m(b1 + ".M2"), "category": "ELDERLY_INFIRM", "reason": "年老多病", "on": dayVar(yesterday)}), &out)
		ch := out.ChangeMemberCategory
		if ch.Category != "ELDERLY_INFIRM" || ch.CategoryChanges.TotalCount != 1 {
			t.Fatalf("after the change: %+v, want ELDERLY_INFIRM with 1 change", ch)
		}
		last := ch.CategoryChanges.Edges[0].Node
		if last.From == nil || *last.From != "AT_HOME_NO_POST" || last.To == nil || *last.To != "ELDERLY_INFIRM" ||
			last.On != dayVar(yesterday) || last.Reason != "年老多病" {
			t.Errorf("recorded change %+v", last)
		}

		// A transfer (组织关系转接) keeps the history; the post is left vacant.
		var post struct{ CreateWelfarePost struct{ ID string } }
		f.as(admin).MustDo(t, createPostQ, gqlVars("in", map[string]any{
			"branchID": f.o(b1), "kind": "ENVIRONMENT", "duty": "村道保洁", "holderID": f.m(b1 + ".M3")}), &post)
		f.as(admin).MustDo(t, updateMemberQ, gqlVars("id", f.m(b1+".M3"), "in", map[string]any{"branchID": f.o(b2)}), nil)
		var moved struct {
			Node struct {
				Post      *struct{ ID string }
				Transfers struct {
					Edges []struct {
						Node struct {
							On                           string
							FromBranchName, ToBranchName string
							FromBranch, ToBranch         *struct{ ID string }
						}
					}
				}
			}
		}
		f.as(admin).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Member { post { id }
			transfers { edges { node { on fromBranchName toBranchName fromBranch { id } toBranch { id } } } } } } }`,
			gqlVars("id", f.m(b1+".M3")), &moved)
		tr := moved.Node.Transfers.Edges
		if len(tr) != 1 || tr[0].Node.FromBranchName != b1 || tr[0].Node.ToBranchName != b2 || tr[0].Node.On != dayVar(today) ||
			tr[0].Node.FromBranch == nil || tr[0].Node.FromBranch.ID != f.o(b1) {
			t.Errorf("transfers %+v, want one from %s to %s today", tr, b1, b2)
		}
		if moved.Node.Post != nil {
			t.Errorf("the transferred member still holds post %s", moved.Node.Post.ID)
		}
		// The new branch's admin sees the transfer; the far side is null.
		var seen struct {
			Node struct {
				Transfers struct {
					Edges []struct {
						Node struct {
							FromBranchName string
							FromBranch     *struct{ ID string }
						}
					}
				}
			}
		}
		f.as(orgAdmin(b2)).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Member {
			transfers { edges { node { fromBranchName fromBranch { id } } } } } } }`, gqlVars("id", f.m(b1+".M3")), &seen)
		if e := seen.Node.Transfers.Edges; len(e) != 1 || e[0].Node.FromBranchName != b1 || e[0].Node.FromBranch != nil {
			t.Errorf("the new branch's admin sees %+v, want the name %s and a null edge", e, b1)
		}
	})
}

// TestWelfarePosts: a post's holder is an AT_HOME_NO_POST member of its
// village branch, one post per member; withoutPost lists who has none.
func TestWelfarePosts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		const b1 = "C.T1.V1.B1"
		admin := orgAdmin("C.T1.V1")
		f.setCategory(b1+".M3", member.CategoryInOfficeCadre)
		post := func(holder any) map[string]any {
			return gqlVars("in", map[string]any{"branchID": f.o(b1), "kind": "DISPUTE_MEDIATION", "duty": "调解邻里纠纷", "holderID": holder})
		}
		// Three at home without a post in B1 (M1, M2 and nobody else: M3 is a cadre).
		if n := f.count(admin, map[string]any{"withoutPost": true, "withinOrg": f.o(b1)}); n != 2 {
			t.Fatalf("withoutPost in %s before any post: %d, want 2", b1, n)
		}
		f.refuse("post for an in-office cadre", admin, createPostQ, post(f.m(b1+".M3")), "BAD_USER_INPUT")
		f.refuse("post for a member of another branch", admin, createPostQ, post(f.m("C.T1.V1.B2.M1")), "BAD_USER_INPUT")
		f.refuse("post in a village, not a branch", admin, createPostQ, gqlVars("in", map[string]any{
			"branchID": f.o("C.T1.V1"), "kind": "ENVIRONMENT", "duty": "x"}), "BAD_USER_INPUT")
		f.refuse("post without a duty", admin, createPostQ, gqlVars("in", map[string]any{
			"branchID": f.o(b1), "kind": "ENVIRONMENT", "duty": "  "}), "BAD_USER_INPUT")
		f.refuse("term ending before it starts", admin, createPostQ, gqlVars("in", map[string]any{
			"branchID": f.o(b1), "kind": "ENVIRONMENT", "duty": "x", "termStart": "2026-01-02", "termEnd": "2026-01-01"}), "BAD_USER_INPUT")
		f.refuse("viewer creates a post", orgViewer("C.T1"), createPostQ, post(nil), "FORBIDDEN")
		f.refuse("other township creates a post", orgAdmin("C.T2"), createPostQ, post(nil), "NOT_FOUND")
		f.refuse("unknown kind", admin, createPostQ, gqlVars("in", map[string]any{
			"branchID": f.o(b1), "kind": "GUARD", "duty": "x"}), "BAD_USER_INPUT")

		var p struct{ CreateWelfarePost struct{ ID string } }
		f.as(admin).MustDo(t, createPostQ, post(f.m(b1+".M1")), &p)
		f.refuse("a second post for the holder", admin, createPostQ, post(f.m(b1+".M1")), "CONFLICT")
		if n := f.count(admin, map[string]any{"withoutPost": true, "withinOrg": f.o(b1)}); n != 1 {
			t.Errorf("withoutPost after M1's post: %d, want 1", n)
		}
		if n := f.count(admin, map[string]any{"withoutPost": false, "withinOrg": f.o(b1)}); n != 1 {
			t.Errorf("withoutPost false (holders): %d, want 1", n)
		}
		// A vacant post, then given to M2; M2 may not take M1's too.
		var vacant struct{ CreateWelfarePost struct{ ID string } }
		f.as(admin).MustDo(t, createPostQ, post(nil), &vacant)
		f.refuse("assign to a cadre", admin, assignPostQ, gqlVars("id", vacant.CreateWelfarePost.ID, "h", f.m(b1+".M3")), "BAD_USER_INPUT")
		f.refuse("viewer assigns", orgViewer("C.T1.V1"), assignPostQ, gqlVars("id", vacant.CreateWelfarePost.ID, "h", f.m(b1+".M2")), "FORBIDDEN")
		f.as(admin).MustDo(t, assignPostQ, gqlVars("id", vacant.CreateWelfarePost.ID, "h", f.m(b1+".M2")), nil)
		f.refuse("assign a second post", admin, assignPostQ, gqlVars("id", p.CreateWelfarePost.ID, "h", f.m(b1+".M2")), "CONFLICT")
		if n := f.count(admin, map[string]any{"withoutPost": true, "withinOrg": f.o(b1)}); n != 0 {
			t.Errorf("withoutPost with both posts held: %d, want 0", n)
		}
		// Leaving AT_HOME_NO_POST leaves the post vacant.
		f.as(admin).MustDo(t, changeCategoryQ, gqlVars("in", map[string]any{
			"memberID": f.m(b1 + ".M2"), "category": "ELDERLY_INFIRM", "reason": "年老"}), nil)
		var got struct {
			Node struct {
				Holder          *struct{ ID string }
				ViewerCanAssign bool
			}
		}
		f.as(admin).MustDo(t, `query($id: ID!) { node(id: $id) { ... on WelfarePost { holder { id } viewerCanAssign } } }`,
			gqlVars("id", vacant.CreateWelfarePost.ID), &got)
		if got.Node.Holder != nil || !got.Node.ViewerCanAssign {
			t.Errorf("post after its holder became elderly: %+v, want vacant and assignable", got.Node)
		}
		f.as(orgViewer("C.T1.V1")).MustDo(t, `query($id: ID!) { node(id: $id) { ... on WelfarePost { holder { id } viewerCanAssign } } }`,
			gqlVars("id", vacant.CreateWelfarePost.ID), &got)
		if got.Node.ViewerCanAssign {
			t.Error("a viewer can assign")
		}
	})
}

// TestSkillsAndTraining: setMemberSkills replaces the list; the
// withoutSkills work list finds rural members with none; training records.
func TestSkillsAndTraining(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		const b1 = "C.T1.V1.B1"
		admin := orgAdmin(b1)
		within := f.o(b1)
		if n := f.count(admin, map[string]any{"withoutSkills": true, "withinOrg": within}); n != 3 {
			t.Fatalf("withoutSkills before: %d, want 3", n)
		}
		var out struct{ SetMemberSkills struct{ Skills []string } }
		f.as(admin).MustDo(t, setSkillsQ, gqlVars("m", f.m(b1+".M1"), "s", []string{" 果树修剪 ", "家禽养殖"}), &out)
		if s := out.SetMemberSkills.Skills; len(s) != 2 || s[0] != "果树修剪" {
			t.Errorf("skills %q", s)
		}
		f.refuse("blank skill", admin, setSkillsQ, gqlVars("m", f.m(b1+".M2"), "s", []string{"电工", ""}), "BAD_USER_INPUT")
		f.refuse("same skill twice", admin, setSkillsQ, gqlVars("m", f.m(b1+".M2"), "s", []string{"电工", "电工"}), "BAD_USER_INPUT")
		f.refuse("viewer sets skills", orgViewer(b1), setSkillsQ, gqlVars("m", f.m(b1+".M2"), "s", []string{"电工"}), "FORBIDDEN")
		f.refuse("member sets its own skills", orgMember(b1), setSkillsQ, gqlVars("m", f.m(b1+".M1"), "s", []string{"电工"}), "FORBIDDEN")
		// An emptied list counts as none.
		f.as(admin).MustDo(t, setSkillsQ, gqlVars("m", f.m(b1+".M2"), "s", []string{"电工"}), nil)
		f.as(admin).MustDo(t, setSkillsQ, gqlVars("m", f.m(b1+".M2"), "s", []string{}), nil)
		if n := f.count(admin, map[string]any{"withoutSkills": true, "withinOrg": within}); n != 2 {
			t.Errorf("withoutSkills after: %d, want 2 (M2 emptied, M3)", n)
		}
		if n := f.count(admin, map[string]any{"withoutSkills": false, "withinOrg": within}); n != 1 {
			t.Errorf("with skills: %d, want 1", n)
		}

		today := day.Today()
		training := func(on time.Time, hours float64) map[string]any {
			return gqlVars("in", map[string]any{"memberID": f.m(b1 + ".M1"), "course": "乡村振兴政策", "level": "TOWNSHIP", "on": dayVar(on), "hours": hours})
		}
		f.refuse("training tomorrow", admin, trainingQ, training(today.AddDate(0, 0, 1), 2), "BAD_USER_INPUT")
		f.refuse("training of 0 hours", admin, trainingQ, training(today, 0), "BAD_USER_INPUT")
		f.refuse("viewer records training", orgViewer("C.T1"), trainingQ, training(today, 2), "FORBIDDEN")
		f.as(admin).MustDo(t, trainingQ, training(today, 3.5), nil)
		var tr struct {
			Node struct {
				Trainings struct {
					TotalCount int
					Edges      []struct {
						Node struct{ Course, Level, On string }
					}
				}
			}
		}
		f.as(orgMember(b1)).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Member { trainings { totalCount edges { node { course level on } } } } } }`,
			gqlVars("id", f.m(b1+".M1")), &tr)
		if tr.Node.Trainings.TotalCount != 1 || tr.Node.Trainings.Edges[0].Node.Level != "TOWNSHIP" || tr.Node.Trainings.Edges[0].Node.On != dayVar(today) {
			t.Errorf("the member reads its training as %+v", tr.Node.Trainings)
		}
	})
}

// TestMobileMembers: departure with a cadre of the same village as
// contact, the contact log, return; the noContactSince work list on its
// day edge; viewerCan… agreeing with the steps.
func TestMobileMembers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		const b1 = "C.T1.V1.B1"
		admin := orgAdmin("C.T1")
		f.setCategory("C.T1.V1.B2.M1", member.CategoryInOfficeCadre) // same village, other branch
		f.setCategory("C.T1.V2.B1.M1", member.CategoryInOfficeCadre) // other village
		today := day.Today()
		left := today.AddDate(0, 0, -40)
		departure := func(who, contact string, leftOn time.Time) map[string]any {
			return gqlVars("in", map[string]any{"memberID": f.m(who), "destination": "广东省东莞市", "occupation": "电子厂",
				"leftOn": dayVar(leftOn), "contactID": f.m(contact)})
		}
		f.refuse("contact from another village", admin, departureQ, departure(b1+".M2", "C.T1.V2.B1.M1", left), "BAD_USER_INPUT")
		f.refuse("contact who is no cadre", admin, departureQ, departure(b1+".M2", b1+".M3", left), "BAD_USER_INPUT")
		f.refuse("leaving tomorrow", admin, departureQ, departure(b1+".M2", "C.T1.V1.B2.M1", today.AddDate(0, 0, 1)), "BAD_USER_INPUT")
		f.refuse("viewer registers", orgViewer("C.T1"), departureQ, departure(b1+".M2", "C.T1.V1.B2.M1", left), "FORBIDDEN")
		f.refuse("other township registers", orgAdmin("C.T2"), departureQ, departure(b1+".M2", "C.T1.V1.B2.M1", left), "NOT_FOUND")

		var rec struct {
			RegisterDeparture struct {
				ID     string
				State  string
				Member struct{ Category string }
			}
		}
		f.as(admin).MustDo(t, departureQ, departure(b1+".M2", "C.T1.V1.B2.M1", left), &rec)
		if r := rec.RegisterDeparture; r.State != "AWAY" || r.Member.Category != "MOBILE" {
			t.Fatalf("after departure %+v, want AWAY and MOBILE", r)
		}
		f.as(admin).MustDo(t, departureQ, departure(b1+".M3", "C.T1.V1.B2.M1", left), nil)
		f.refuse("second departure", admin, departureQ, departure(b1+".M2", "C.T1.V1.B2.M1", left), "CONFLICT")

		contact := func(who string, on time.Time) map[string]any {
			return gqlVars("in", map[string]any{"memberID": f.m(who), "on": dayVar(on), "kind": "THOUGHT_REPORT", "channel": "微信"})
		}
		f.refuse("contact tomorrow", admin, logContactQ, contact(b1+".M2", today.AddDate(0, 0, 1)), "BAD_USER_INPUT")
		f.refuse("contact before leaving", admin, logContactQ, contact(b1+".M2", left.AddDate(0, 0, -1)), "BAD_USER_INPUT")
		f.refuse("contact with a member at home", admin, logContactQ, contact(b1+".M1", today), "CONFLICT")
		f.refuse("viewer logs a contact", orgViewer("C.T1"), logContactQ, contact(b1+".M2", today), "FORBIDDEN")
		contacted := today.AddDate(0, 0, -10)
		f.as(admin).MustDo(t, logContactQ, contact(b1+".M2", contacted), nil)
		var lc struct {
			LogContact struct{ LastContactOn string }
		}
		f.as(admin).MustDo(t, logContactQ, contact(b1+".M2", left), &lc) // an older report entered late
		if lc.LogContact.LastContactOn != dayVar(contacted) {
			t.Errorf("lastContactOn %s, want %s", lc.LogContact.LastContactOn, dayVar(contacted))
		}

		// noContactSince: a contact on the day counts; the day after, it does not.
		within := f.o("C.T1")
		for _, tc := range []struct {
			since time.Time
			want  int
		}{{contacted, 1}, {contacted.AddDate(0, 0, 1), 2}, {left, 1}, {left.AddDate(0, 0, 1), 1}} {
			if n := f.count(admin, map[string]any{"noContactSince": dayVar(tc.since), "withinOrg": within}); n != tc.want {
				t.Errorf("noContactSince %s: %d, want %d", dayVar(tc.since), n, tc.want)
			}
		}
		if n := f.count(orgViewer("C.T2"), map[string]any{"noContactSince": dayVar(today)}); n != 0 {
			t.Errorf("another township's viewer sees %d mobile members", n)
		}

		// viewerCan… gives the mutation's answer.
		can := func(user string) (logContact, ret bool) {
			var out struct {
				Node struct {
					Mobile struct{ ViewerCanLogContact, ViewerCanRegisterReturn bool }
				}
			}
			f.as(user).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Member { mobile { viewerCanLogContact viewerCanRegisterReturn } } } }`,
				gqlVars("id", f.m(b1+".M2")), &out)
			return out.Node.Mobile.ViewerCanLogContact, out.Node.Mobile.ViewerCanRegisterReturn
		}
		if l, r := can(orgViewer("C.T1")); l || r {
			t.Errorf("viewer can log %v, return %v", l, r)
		}
		if l, r := can(orgAdmin(b1)); !l || !r {
			t.Errorf("branch admin can log %v, return %v", l, r)
		}
		f.refuse("return before leaving", admin, returnQ, gqlVars("m", f.m(b1+".M2"), "on", dayVar(left.AddDate(0, 0, -1))), "BAD_USER_INPUT")
		f.refuse("viewer registers a return", orgViewer("C.T1"), returnQ, gqlVars("m", f.m(b1+".M2")), "FORBIDDEN")
		var back struct {
			RegisterReturn struct {
				Category string
				Mobile   struct{ State, ReturnedOn string }
			}
		}
		f.as(orgAdmin(b1)).MustDo(t, returnQ, gqlVars("m", f.m(b1+".M2")), &back)
		if b := back.RegisterReturn; b.Category != "AT_HOME_NO_POST" || b.Mobile.State != "RETURNED" || b.Mobile.ReturnedOn != dayVar(today) {
			t.Errorf("after return %+v", b)
		}
		if l, r := can(orgAdmin(b1)); l || r {
			t.Errorf("after return the admin can log %v, return %v", l, r)
		}
		f.refuse("second return", admin, returnQ, gqlVars("m", f.m(b1+".M2")), "CONFLICT")
		f.refuse("contact after return", admin, logContactQ, contact(b1+".M2", today), "CONFLICT")
		if n := f.count(admin, map[string]any{"noContactSince": dayVar(today), "withinOrg": within}); n != 1 {
			t.Errorf("noContactSince after M2's return: %d, want 1 (M3)", n)
		}
	})
}

// TestElderlyCare: help cards for elderly members, visits, and the
// notVisitedIn work list on the edges of a month.
func TestElderlyCare(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		const b1 = "C.T1.V1.B1"
		admin := orgAdmin("C.T1.V1")
		f.setCategory(b1+".M2", member.CategoryElderlyInfirm)
		f.setCategory(b1+".M3", member.CategoryElderlyInfirm)
		card := func(who string) map[string]any {
			return gqlVars("in", map[string]any{"memberID": f.m(who), "needs": "代购药品, 打扫卫生", "helperID": f.m(b1 + ".M1")})
		}
		f.refuse("card for a member not elderly", admin, helpCardQ, card(b1+".M1"), "BAD_USER_INPUT")
		f.refuse("viewer issues a card", orgViewer("C.T1"), helpCardQ, card(b1+".M2"), "FORBIDDEN")
		f.refuse("card with a helper out of scope", admin, helpCardQ, gqlVars("in", map[string]any{
			"memberID": f.m(b1 + ".M2"), "needs": "x", "helperID": f.m("C.T2.V1.B1.M1")}), "NOT_FOUND")
		var c struct {
			IssueHelpCard struct{ Helper struct{ ID string } }
		}
		f.as(admin).MustDo(t, helpCardQ, card(b1+".M2"), &c)
		f.refuse("second card", admin, helpCardQ, card(b1+".M2"), "CONFLICT")

		// The month before this one, and this one.
		today := day.Today()
		thisMonth := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
		lastDayBefore := thisMonth.AddDate(0, 0, -1)
		visit := func(who string, on time.Time) map[string]any {
			return gqlVars("in", map[string]any{"memberID": f.m(who), "on": dayVar(on), "findings": "身体尚可", "problemsSolved": "修好了水管"})
		}
		f.refuse("visit tomorrow", admin, visitQ, visit(b1+".M2", today.AddDate(0, 0, 1)), "BAD_USER_INPUT")
		f.refuse("visit to a member not elderly", admin, visitQ, visit(b1+".M1", today), "BAD_USER_INPUT")
		f.refuse("viewer records a visit", orgViewer("C.T1.V1"), visitQ, visit(b1+".M2", today), "FORBIDDEN")
		var v struct {
			RecordVisit struct{ Visitor *struct{ ID string } }
		}
		f.as(admin).MustDo(t, visitQ, visit(b1+".M2", lastDayBefore), &v)
		if v.RecordVisit.Visitor == nil || v.RecordVisit.Visitor.ID != f.m(b1+".M1") {
			t.Errorf("visitor %+v, want the card's helper", v.RecordVisit.Visitor)
		}
		f.as(admin).MustDo(t, visitQ, visit(b1+".M3", thisMonth), nil)

		month := func(d time.Time) string { return d.Format("2006-01") }
		within := f.o(b1)
		for _, tc := range []struct {
			month string
			want  int
		}{{month(lastDayBefore), 1}, {month(thisMonth), 1}, {month(thisMonth.AddDate(0, -2, 0)), 2}} {
			if n := f.count(admin, map[string]any{"notVisitedIn": tc.month, "withinOrg": within}); n != tc.want {
				t.Errorf("notVisitedIn %s: %d, want %d", tc.month, n, tc.want)
			}
		}
		for _, bad := range []string{"2026-13", "2026-1", "last month"} {
			errs := f.as(admin).Do(t, `query($m: String) { members(where: {notVisitedIn: $m}) { totalCount } }`, gqlVars("m", bad), nil)
			expectCode(t, errs, "BAD_USER_INPUT")
		}
		var can struct {
			Node struct {
				HelpCard struct{ ViewerCanRecordVisit bool }
			}
		}
		f.as(orgViewer("C.T1")).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Member { helpCard { viewerCanRecordVisit } } } }`,
			gqlVars("id", f.m(b1+".M2")), &can)
		if can.Node.HelpCard.ViewerCanRecordVisit {
			t.Error("a viewer can record a visit")
		}
	})
}

// TestCareFund: donations, disbursements to members under the fund org,
// reversals; the balance never goes negative; entries are never changed.
func TestCareFund(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		admin := orgAdmin("C.T1")
		fund := f.o("C.T1.V1")
		donate := func(amount int) map[string]any {
			return gqlVars("in", map[string]any{"fundOrgID": fund, "amountFen": amount, "donor": "王老板"})
		}
		disburse := func(who string, amount int) map[string]any {
			return gqlVars("in", map[string]any{"fundOrgID": fund, "memberID": f.m(who), "amountFen": amount, "reason": "住院补助"})
		}
		balance := func() (in, out, bal int) {
			var o struct {
				Node struct {
					CareFund struct{ InFen, OutFen, BalanceFen int }
				}
			}
			f.as(admin).MustDo(t, careFundQ, gqlVars("id", fund), &o)
			c := o.Node.CareFund
			return c.InFen, c.OutFen, c.BalanceFen
		}
		f.refuse("donation of 0", admin, donateQ, donate(0), "BAD_USER_INPUT")
		f.refuse("donation below 0", admin, donateQ, donate(-100), "BAD_USER_INPUT")
		f.refuse("donation without a donor", admin, donateQ, gqlVars("in", map[string]any{"fundOrgID": fund, "amountFen": 100, "donor": ""}), "BAD_USER_INPUT")
		f.refuse("donation tomorrow", admin, donateQ, gqlVars("in", map[string]any{"fundOrgID": fund, "amountFen": 100, "donor": "x",
			"on": dayVar(day.Today().AddDate(0, 0, 1))}), "BAD_USER_INPUT")
		f.refuse("viewer donates", orgViewer("C.T1"), donateQ, donate(100), "FORBIDDEN")
		f.refuse("other township donates", orgAdmin("C.T2"), donateQ, donate(100), "NOT_FOUND")
		f.refuse("disbursement from an empty fund", admin, disburseQ, disburse("C.T1.V1.B1.M1", 1), "CONFLICT")

		var don struct{ DonateToCareFund struct{ ID string } }
		f.as(admin).MustDo(t, donateQ, donate(10000), &don)
		f.refuse("disbursement of 0", admin, disburseQ, disburse("C.T1.V1.B1.M1", 0), "BAD_USER_INPUT")
		f.refuse("disbursement above the balance", admin, disburseQ, disburse("C.T1.V1.B1.M1", 10001), "CONFLICT")
		f.refuse("disbursement to a member outside the fund's subtree", admin, disburseQ, disburse("C.T1.V2.B1.M1", 100), "BAD_USER_INPUT")
		f.refuse("disbursement to a member out of scope", admin, disburseQ, disburse("C.T2.V1.B1.M1", 100), "NOT_FOUND")
		f.refuse("viewer disburses", orgViewer("C.T1.V1"), disburseQ, disburse("C.T1.V1.B1.M1", 100), "FORBIDDEN")
		f.refuse("branch admin disburses from the village fund", orgAdmin("C.T1.V1.B1"), disburseQ, disburse("C.T1.V1.B1.M1", 100), "NOT_FOUND")

		var out struct{ DisburseCareFund struct{ ID string } }
		f.as(admin).MustDo(t, disburseQ, disburse("C.T1.V1.B2.M3", 10000), &out) // exactly the balance
		if in, o, bal := balance(); in != 10000 || o != 10000 || bal != 0 {
			t.Errorf("after disbursing all: in %d out %d balance %d", in, o, bal)
		}
		f.refuse("reversing the donation would overdraw", admin, reverseQ, gqlVars("id", don.DonateToCareFund.ID, "r", "捐款退回"), "CONFLICT")
		f.refuse("reversal without a reason", admin, reverseQ, gqlVars("id", out.DisburseCareFund.ID, "r", " "), "BAD_USER_INPUT")
		f.refuse("viewer reverses", orgViewer("C.T1"), reverseQ, gqlVars("id", out.DisburseCareFund.ID, "r", "x"), "FORBIDDEN")
		f.refuse("other township reverses", orgAdmin("C.T2"), reverseQ, gqlVars("id", out.DisburseCareFund.ID, "r", "x"), "NOT_FOUND")
		var rev struct {
			ReverseCareFundEntry struct {
				ID, Kind  string
				AmountFen int
				Reverses  struct{ ID string }
			}
		}
		canReverse := func(user, id string) bool {
			var o struct {
				Node struct{ ViewerCanReverse bool }
			}
			f.as(user).MustDo(t, `query($id: ID!) { node(id: $id) { ... on CareFundEntry { viewerCanReverse } } }`, gqlVars("id", id), &o)
			return o.Node.ViewerCanReverse
		}
		if !canReverse(admin, out.DisburseCareFund.ID) || canReverse(orgViewer("C.T1"), out.DisburseCareFund.ID) || canReverse(admin, don.DonateToCareFund.ID) {
			t.Error("viewerCanReverse before the reversal: want the admin only, and not the donation the balance no longer covers")
		}
		f.as(admin).MustDo(t, reverseQ, gqlVars("id", out.DisburseCareFund.ID, "r", "重复发放"), &rev)
		if canReverse(admin, out.DisburseCareFund.ID) || canReverse(admin, rev.ReverseCareFundEntry.ID) || !canReverse(admin, don.DonateToCareFund.ID) {
			t.Error("viewerCanReverse after the reversal: want only the donation")
		}
		if r := rev.ReverseCareFundEntry; r.Kind != "REVERSAL" || r.AmountFen != 10000 || r.Reverses.ID != out.DisburseCareFund.ID {
			t.Errorf("reversal %+v", r)
		}
		if in, o, bal := balance(); in != 10000 || o != 0 || bal != 10000 {
			t.Errorf("after the reversal: in %d out %d balance %d", in, o, bal)
		}
		f.refuse("second reversal", admin, reverseQ, gqlVars("id", out.DisburseCareFund.ID, "r", "x"), "CONFLICT")
		f.refuse("reversal of a reversal", admin, reverseQ, gqlVars("id", rev.ReverseCareFundEntry.ID, "r", "x"), "BAD_USER_INPUT")
		f.as(admin).MustDo(t, reverseQ, gqlVars("id", don.DonateToCareFund.ID, "r", "捐款退回"), nil)
		if in, o, bal := balance(); in != 0 || o != 0 || bal != 0 {
			t.Errorf("after reversing the donation: in %d out %d balance %d", in, o, bal)
		}

		// The ledger is append-only, whoever asks.
		ctx := systemCtx()
		id := parseGQLID(t, out.DisburseCareFund.ID)
		if err := d.Client.CareFundEntry.UpdateOneID(id).SetUpdatedAt(time.Now()).Exec(ctx); err == nil {
			t.Error("an entry was updated")
		}
		if err := d.Client.CareFundEntry.DeleteOneID(id).Exec(ctx); err == nil {
			t.Error("an entry was deleted")
		}
		var can struct {
			Node struct {
				ViewerCanDisburseCareFund bool
			}
		}
		for user, want := range map[string]bool{admin: true, orgAdmin("C.T1.V1"): true, orgViewer("C.T1"): false, orgAdmin("C.T1.V1.B1"): false} {
			c := f.as(user)
			errs := c.Do(t, `query($id: ID!) { node(id: $id) { ... on Org { viewerCanDisburseCareFund } } }`, gqlVars("id", fund), &can)
			got := len(errs) == 0 && can.Node.ViewerCanDisburseCareFund
			if got != want {
				t.Errorf("%s: viewerCanDisburseCareFund %v, want %v", user, got, want)
			}
			can.Node.ViewerCanDisburseCareFund = false
		}
	})
}

// TestCareFundConcurrentDisbursements: many disbursements at once, over
// real HTTP, never overdraw the fund: as many succeed as the balance
// covers, the rest are CONFLICT, none INTERNAL.
func TestCareFundConcurrentDisbursements(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		admin := orgAdmin("C.T1")
		fund := f.o("C.T1")
		c := f.as(admin)
		c.MustDo(t, donateQ, gqlVars("in", map[string]any{"fundOrgID": fund, "amountFen": 1000, "donor": "县慈善会"}), nil)
		const n, amount = 12, 300
		codes := make(chan string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs := c.Do(t, disburseQ, gqlVars("in", map[string]any{"fundOrgID": fund,
					"memberID": f.m(fmt.Sprintf("C.T1.V%d.B%d.M1", i%2+1, i/2%2+1)), "amountFen": amount, "reason": "困难补助"}), nil)
				switch {
				case len(errs) == 0:
					codes <- "ok"
				default:
					codes <- errs[0].Code()
				}
			}()
		}
		wg.Wait()
		close(codes)
		got := map[string]int{}
		for code := range codes {
			got[code]++
		}
		if got["ok"] != 1000/amount || got["CONFLICT"] != n-1000/amount {
			t.Errorf("outcomes %v, want %d ok and %d CONFLICT", got, 1000/amount, n-1000/amount)
		}
		var o struct {
			Node struct {
				CareFund struct{ OutFen, BalanceFen int }
			}
		}
		c.MustDo(t, careFundQ, gqlVars("id", fund), &o)
		if o.Node.CareFund.BalanceFen != 1000-amount*got["ok"] || o.Node.CareFund.BalanceFen < 0 {
			t.Errorf("balance %d after %d disbursements of %d", o.Node.CareFund.BalanceFen, got["ok"], amount)
		}
	})
}

// TestPersonalDataMasking: national IDs and phones are whole only for the
// member itself, ADMIN and the ORG_ADMINs over the member, masked for
// everyone else, on every path to a member; a filter on them matches
// nothing for a caller who sees them masked.
func TestPersonalDataMasking(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		ctx := systemCtx()
		type person struct{ name, id, phone string }
		m2 := person{"C.T1.V1.B1.M2", "410102199001011234", "13812345678"}
		b2m2 := person{"C.T1.V1.B2.M2", "410102199202022345", "13987654321"}
		own := person{"C.T1.V1.B1.M1", "410102198803031456", "13700001111"}
		for _, p := range []person{m2, b2m2, own} {
			d.Client.Member.UpdateOneID(f.tree.Members[p.name].ID).SetNationalID(p.id).SetPhone(p.phone).ExecX(ctx)
		}
		// A viewer of the township who also runs branch B2.
		mixed := orgViewer("C.T1")
		d.Client.RoleBinding.Create().SetRole(rolebinding.RoleOrgAdmin).SetOrgID(f.tree.Orgs["C.T1.V1.B2"].ID).
			SetUserID(f.tree.Users[mixed].ID).ExecX(ctx)

		const maskedID, maskedPhone = "410102********1234", "138****5678"
		for _, tc := range []struct {
			user  string
			p     person
			whole bool
		}{
			{"admin", m2, true},
			{orgAdmin("C"), m2, true},
			{orgAdmin("C.T1"), m2, true},
			{orgAdmin("C.T1.V1.B1"), m2, true},
			{orgViewer("C"), m2, false},
			{orgViewer("C.T1.V1.B1"), m2, false},
			{mixed, m2, false},
			{mixed, b2m2, true},
			{orgMember("C.T1.V1.B1"), own, true},
		} {
			name := tc.user + " reads " + tc.p.name
			var one struct {
				Node *struct{ NationalID, Phone string }
			}
			f.as(tc.user).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Member { nationalID phone } } }`, gqlVars("id", f.m(tc.p.name)), &one)
			if one.Node == nil {
				t.Errorf("%s: not visible", name)
				continue
			}
			wantID, wantPhone := tc.p.id, tc.p.phone
			if !tc.whole {
				wantID, wantPhone = maskedID, maskedPhone
			}
			if one.Node.NationalID != wantID || one.Node.Phone != wantPhone {
				t.Errorf("%s: %q %q, want %q %q", name, one.Node.NationalID, one.Node.Phone, wantID, wantPhone)
			}
			// The same through a list and an edge.
			var list struct {
				Members struct {
					Edges []struct {
						Node struct{ NationalID, Phone string }
					}
				}
			}
			f.as(tc.user).MustDo(t, `query($n: String!) { members(where: {name: $n}) { edges { node { nationalID phone } } } }`, gqlVars("n", tc.p.name), &list)
			if e := list.Members.Edges; len(e) != 1 || e[0].Node.NationalID != wantID || e[0].Node.Phone != wantPhone {
				t.Errorf("%s in a list: %+v, want %q %q", name, e, wantID, wantPhone)
			}
			// A filter matches only what the caller sees whole.
			want := 0
			if tc.whole {
				want = 1
			}
			for _, w := range []map[string]any{{"nationalID": tc.p.id}, {"phone": tc.p.phone}} {
				if n := f.count(tc.user, w); n != want {
					t.Errorf("%s: filter %v matches %d, want %d", name, w, n, want)
				}
			}
			if n := f.count(tc.user, map[string]any{"nationalID": maskedID}); n != 0 {
				t.Errorf("%s: the masked form matches %d", name, n)
			}
		}
		var edge struct {
			Node struct {
				Members struct {
					Edges []struct {
						Node struct{ Name, NationalID string }
					}
				}
			}
		}
		f.as(orgViewer("C.T1")).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Org { members { edges { node { name nationalID } } } } } }`,
			gqlVars("id", f.o("C.T1.V1.B1")), &edge)
		for _, e := range edge.Node.Members.Edges {
			if e.Node.Name == m2.name && e.Node.NationalID != maskedID {
				t.Errorf("through Org.members the viewer reads %q", e.Node.NationalID)
			}
		}
		// The generated partial filters are gone: no probing by prefix.
		for _, field := range []string{"nationalIDHasPrefix", "nationalIDContains", "phoneGT", "phoneIn"} {
			errs := f.as(orgViewer("C")).Do(t, `query { members(where: {`+field+`: "41"}) { totalCount } }`, nil, nil)
			if len(errs) == 0 {
				t.Errorf("filter %s exists", field)
			}
		}
	})
}

// TestClassificationScope: every new type is scoped like Member — root
// lists and their counts, node, and where-filters over edges — from each
// level, and a member reads the records about itself.
func TestClassificationScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		ctx := systemCtx()
		c := d.Client
		type record struct {
			typ, township, about string
			id                   int
		}
		var recs []record
		add := func(typ, township, about string, id func() int, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s in %s: %v", typ, township, err)
			}
			recs = append(recs, record{typ, township, about, id()})
		}
		for _, tw := range []string{"C.T1", "C.T2"} {
			b := tw + ".V1.B1"
			m := func(i int) int { return f.tree.Members[fmt.Sprintf("%s.M%d", b, i)].ID }
			f.setCategory(tw+".V1.B2.M1", member.CategoryInOfficeCadre)
			f.setCategory(b+".M3", member.CategoryElderlyInfirm)
			holder := m(1)
			p, err := classification.CreateWelfarePost(ctx, c, classification.CreateWelfarePostInput{
				BranchID: f.tree.Orgs[b].ID, Kind: welfarepost.KindENVIRONMENT, Duty: "保洁", HolderID: &holder})
			add("WelfarePost", tw, b+".M1", func() int { return p.ID }, err)
			tr, err := classification.RecordTraining(ctx, c, classification.RecordTrainingInput{
				MemberID: m(1), Course: "党史", Level: trainingrecord.LevelCOUNTY, Hours: 2})
			add("TrainingRecord", tw, b+".M1", func() int { return tr.ID }, err)
			mr, err := classification.RegisterDeparture(ctx, c, classification.RegisterDepartureInput{
				MemberID: m(2), Destination: "杭州", ContactID: f.tree.Members[tw+".V1.B2.M1"].ID})
			add("MobileRecord", tw, b+".M2", func() int { return mr.ID }, err)
			_, err = classification.LogContact(ctx, c, classification.LogContactInput{MemberID: m(2), Kind: contactlog.KindCHECK_IN})
			add("ContactLog", tw, b+".M2", func() int { return c.ContactLog.Query().Where(contactlog.MemberID(m(2))).OnlyIDX(ctx) }, err)
			hc, err := classification.IssueHelpCard(ctx, c, classification.IssueHelpCardInput{MemberID: m(3), Needs: "买药", HelperID: m(1)})
			add("HelpCard", tw, b+".M3", func() int { return hc.ID }, err)
			v, err := classification.RecordVisit(ctx, c, classification.RecordVisitInput{MemberID: m(3)})
			add("Visit", tw, b+".M3", func() int { return v.ID }, err)
			don, err := classification.Donate(ctx, c, classification.DonateToCareFundInput{FundOrgID: f.tree.Orgs[b].ID, AmountFen: 500, Donor: "乡贤"})
			add("CareFundEntry", tw, "", func() int { return don.ID }, err)
			dis, err := classification.Disburse(ctx, c, classification.DisburseCareFundInput{
				FundOrgID: f.tree.Orgs[b].ID, MemberID: m(1), AmountFen: 200, Reason: "慰问"})
			add("CareFundEntry", tw, b+".M1", func() int { return dis.ID }, err)
			cc := c.CategoryChange.Query().Where(categorychange.MemberID(m(3))).FirstIDX(ctx)
			add("CategoryChange", tw, b+".M3", func() int { return cc }, nil)
		}
		accounts := []struct {
			user    string
			sees    func(r record) bool
			members int // members with a post, through hasPostWith
		}{
			{"admin", func(record) bool { return true }, 2},
			{orgViewer("C"), func(record) bool { return true }, 2},
			{orgAdmin("C.T1"), func(r record) bool { return r.township == "C.T1" }, 1},
			{orgViewer("C.T1.V1"), func(r record) bool { return r.township == "C.T1" }, 1},
			{orgAdmin("C.T1.V1.B1"), func(r record) bool { return r.township == "C.T1" }, 1},
			{orgAdmin("C.T1.V1.B2"), func(record) bool { return false }, 0},
			{orgAdmin("C.T2"), func(r record) bool { return r.township == "C.T2" }, 1},
			{orgMember("C.T1.V1.B1"), func(r record) bool { return r.about == "C.T1.V1.B1.M1" }, 1},
		}
		lists := map[string]string{"WelfarePost": "welfarePosts", "MobileRecord": "mobileRecords", "HelpCard": "helpCards", "CareFundEntry": "careFundEntries"}
		for _, a := range accounts {
			cl := f.as(a.user)
			for typ, field := range lists {
				want := 0
				for _, r := range recs {
					if r.typ == typ && a.sees(r) {
						want++
					}
				}
				var out map[string]struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}
				cl.MustDo(t, `{ `+field+` { totalCount edges { node { id } } } }`, nil, &out)
				if got := out[field]; got.TotalCount != want || len(got.Edges) != want {
					t.Errorf("%s: %s totalCount %d, %d edges, want %d", a.user, field, got.TotalCount, len(got.Edges), want)
				}
			}
			for _, r := range recs {
				// Out of scope is as if it did not exist: null, NOT_FOUND.
				var out struct{ Node *struct{ ID string } }
				errs := cl.Do(t, `query($id: ID!) { node(id: $id) { id } }`, gqlVars("id", gqlID(r.id)), &out)
				if len(errs) > 0 && (len(errs) != 1 || errs[0].Code() != "NOT_FOUND" || out.Node != nil) {
					t.Errorf("%s: node(%s): %v", a.user, r.typ, errs)
				}
				if got := out.Node != nil; got != a.sees(r) {
					t.Errorf("%s: node(%s in %s about %s) visible %v, want %v", a.user, r.typ, r.township, r.about, got, a.sees(r))
				}
			}
			var out struct{ Members struct{ TotalCount int } }
			cl.MustDo(t, `{ members(where: {hasPostWith: {kind: ENVIRONMENT}}) { totalCount } }`, nil, &out)
			if out.Members.TotalCount != a.members {
				t.Errorf("%s: members with a post %d, want %d", a.user, out.Members.TotalCount, a.members)
			}
		}
		// A filter over an edge cannot see through the scope: the T2 post's
		// holder is invisible to T1's admin even by name.
		var probe struct{ WelfarePosts struct{ TotalCount int } }
		f.as(orgAdmin("C.T1")).MustDo(t, `query($n: String!) { welfarePosts(where: {hasHolderWith: {name: $n}}) { totalCount } }`,
			gqlVars("n", "C.T2.V1.B1.M1"), &probe)
		if probe.WelfarePosts.TotalCount != 0 {
			t.Errorf("T1's admin finds %d posts held by a T2 member", probe.WelfarePosts.TotalCount)
		}
	})
}
