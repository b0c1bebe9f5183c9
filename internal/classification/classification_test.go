package classification_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

// The tests drive the API as a client does: real HTTP through apitest, on
// SQLite and (with PARTYORG_TEST_PG) on PostgreSQL.

func systemCtx() context.Context { return viewer.NewSystemContext(context.Background()) }

func gqlID(id int) string { return strconv.Itoa(id) }

func parseGQLID(t testing.TB, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("ID %q: %v", s, err)
	}
	return n
}

// gqlVars builds GraphQL variables from key, value pairs.
func gqlVars(kv ...any) map[string]any {
	out := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// expectCode fails unless errs is non-empty and every error has code.
func expectCode(t testing.TB, errs []apitest.Error, code string) {
	t.Helper()
	if len(errs) == 0 {
		t.Fatalf("no error, want %s", code)
	}
	for _, e := range errs {
		if e.Code() != code {
			t.Errorf("error %v, want code %s", e, code)
		}
	}
}

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

// agencyBranch adds a township agency (乡镇机关) with one branch under the
// township: a branch whose members carry no category.
func (f *classFixture) agencyBranch(township string) *ent.Org {
	f.t.Helper()
	ctx, c := systemCtx(), f.d.Client
	unit := c.Org.Create().SetName(township + ".U").SetKind(org.KindUnit).SetSector(org.SectorAgency).
		SetParentID(f.tree.Orgs[township].ID).SaveX(ctx)
	b := c.Org.Create().SetName(township + ".U.B").SetKind(org.KindBranch).SetSector(org.SectorAgency).
		SetParentID(unit.ID).SaveX(ctx)
	f.tree.Orgs[b.Name] = b
	return b
}

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
	createPostQ   = `mutation($in: CreateWelfarePostInput!) { createWelfarePost(input: $in) { id kind duty holder { id } } }`
	assignPostQ   = `mutation($id: ID!, $h: ID) { assignWelfarePost(id: $id, holderID: $h) { id holder { id } } }`
	setSkillsQ    = `mutation($m: ID!, $s: [String!]!) { setMemberSkills(memberID: $m, skills: $s) { id skills } }`
	trainingQ     = `mutation($in: RecordTrainingInput!) { recordTraining(input: $in) { id course level on hours } }`
	departureQ    = `mutation($in: RegisterDepartureInput!) { registerDeparture(input: $in) { id state leftOn contact { id } member { id category } } }`
	logContactQ   = `mutation($in: LogContactInput!) { logContact(input: $in) { id lastContactOn } }`
	returnQ       = `mutation($m: ID!, $on: Date) { registerReturn(memberID: $m, on: $on) { id category mobile { state returnedOn } } }`
	helpCardQ     = `mutation($in: IssueHelpCardInput!) { issueHelpCard(input: $in) { id needs helper { id } } }`
	visitQ        = `mutation($in: RecordVisitInput!) { recordVisit(input: $in) { id on visitor { id } } }`
	donateQ       = `mutation($in: DonateToCareFundInput!) { donateToCareFund(input: $in) { id kind amountFen } }`
	disburseQ     = `mutation($in: DisburseCareFundInput!) { disburseCareFund(input: $in) { id kind amountFen member { id } } }`
	reverseQ      = `mutation($id: ID!, $r: String!) { reverseCareFundEntry(id: $id, reason: $r) { id kind amountFen reverses { id } } }`
	careFundQ     = `query($id: ID!) { node(id: $id) { ... on Org { careFund { inFen outFen balanceFen } } } }`
	createMemberQ = `mutation($in: CreateMemberInput!) { createMember(input: $in) { id category } }`
	updateMemberQ = `mutation($id: ID!, $in: UpdateMemberInput!) { updateMember(id: $id, input: $in) { id } }`
)

// TestCategoryRules: activists carry no category; a change of category is
// recorded with its day and reason; a transfer keeps where the member was.
func TestCategoryRules(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		const b1, b2 = "C.T1.V1.B1", "C.T1.V1.B2"
		admin := orgAdmin("C.T1")
		today := day.Today()
		f.refuse("activist with a category", admin, createMemberQ, gqlVars("in", map[string]any{
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
		f.refuse("rural member left without a category", admin, changeCategoryQ, gqlVars("in", map[string]any{
			"memberID": f.m(b1 + ".M2"), "category": nil, "reason": "x"}), "BAD_USER_INPUT")
		// A township agency's branch: its members are not classified.
		ub := f.agencyBranch("C.T1")
		clerk := d.Client.Member.Create().SetName("科员").SetStatus(member.StatusFull).SetBranchID(ub.ID).SaveX(systemCtx())
		f.refuse("category in an agency branch", admin, changeCategoryQ, gqlVars("in", map[string]any{
			"memberID": gqlID(clerk.ID), "category": "AT_HOME_NO_POST", "reason": "x"}), "BAD_USER_INPUT")

		// An activist may be recorded without a category, and then may not get one.
		var created struct {
			CreateMember struct{ ID, Category *string }
		}
		f.as(admin).MustDo(t, createMemberQ, gqlVars("in", map[string]any{"name": "积极分子", "status": "ACTIVIST", "branchID": f.o(b1)}), &created)
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

// TestCategoryRuleOnEveryWrite: the category rule holds however a member
// is written — createMember, updateMember with a transfer or a change of
// status — not only through changeMemberCategory: a Party member of a
// rural or community branch carries one category, an activist none, a
// member of any other branch none; each refusal writes nothing.
func TestCategoryRuleOnEveryWrite(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		const b1, b2 = "C.T1.V1.B1", "C.T1.V1.B2"
		admin := orgAdmin("C.T1")
		ub := f.agencyBranch("C.T1")
		ctx := systemCtx()
		clerk := d.Client.Member.Create().SetName("科员").SetStatus(member.StatusFull).SetBranchID(ub.ID).SaveX(ctx)
		activist := d.Client.Member.Create().SetName("积极分子").SetStatus(member.StatusActivist).SetBranchID(f.tree.Orgs[b1].ID).SaveX(ctx)
		newMember := func(kv ...any) map[string]any {
			in := map[string]any{"name": "X", "status": "FULL", "branchID": f.o(b1)}
			for i := 0; i < len(kv); i += 2 {
				in[kv[i].(string)] = kv[i+1]
			}
			return gqlVars("in", in)
		}
		update := func(id int, in map[string]any) map[string]any { return gqlVars("id", gqlID(id), "in", in) }
		for _, tc := range []struct {
			name, query string
			vars        map[string]any
		}{
			{"create a FULL member of a village branch without a category", createMemberQ, newMember()},
			{"create a PROBATIONARY member of a village branch without a category", createMemberQ, newMember("status", "PROBATIONARY")},
			{"create an ACTIVIST with a category", createMemberQ, newMember("status", "ACTIVIST", "category", "MOBILE")},
			{"create a member of an agency branch with a category", createMemberQ, newMember("branchID", gqlID(ub.ID), "category", "AT_HOME_NO_POST")},
			{"transfer from the agency branch into a village branch without a category", updateMemberQ,
				update(clerk.ID, map[string]any{"branchID": f.o(b2)})},
			{"transfer from a village branch into the agency branch keeping the category", updateMemberQ,
				update(f.tree.Members[b1+".M1"].ID, map[string]any{"branchID": gqlID(ub.ID)})},
			{"ACTIVIST becomes PROBATIONARY without a category", updateMemberQ,
				update(activist.ID, map[string]any{"status": "PROBATIONARY"})},
			{"a member's category cleared", updateMemberQ,
				update(f.tree.Members[b1+".M2"].ID, map[string]any{"clearCategory": true})},
			{"FULL becomes ACTIVIST keeping the category", updateMemberQ,
				update(f.tree.Members[b1+".M2"].ID, map[string]any{"status": "ACTIVIST"})},
		} {
			f.refuse(tc.name, admin, tc.query, tc.vars, "BAD_USER_INPUT")
		}

		// The same writes with the category right go through.
		for _, tc := range []struct {
			name, query string
			vars        map[string]any
		}{
			{"create with a category", createMemberQ, newMember("category", "AT_HOME_NO_POST")},
			{"create an ACTIVIST without one", createMemberQ, newMember("status", "ACTIVIST")},
			{"transfer into a village branch with a category", updateMemberQ,
				update(clerk.ID, map[string]any{"branchID": f.o(b2), "category": "AT_HOME_NO_POST"})},
			{"ACTIVIST becomes PROBATIONARY with a category", updateMemberQ,
				update(activist.ID, map[string]any{"status": "PROBATIONARY", "category": "AT_HOME_NO_POST"})},
			{"transfer into the agency branch clearing the category", updateMemberQ,
				update(f.tree.Members[b1+".M1"].ID, map[string]any{"branchID": gqlID(ub.ID), "clearCategory": true})},
			{"an unrelated change to a member", updateMemberQ,
				update(f.tree.Members[b1+".M2"].ID, map[string]any{"name": "改名"})},
		} {
			if errs := f.as(admin).Do(t, tc.query, tc.vars, nil); len(errs) > 0 {
				t.Errorf("%s: %v", tc.name, errs)
			}
		}
	})
}
