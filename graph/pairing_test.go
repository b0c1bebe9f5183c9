package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent/helppairing"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/poorhousehold"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/classification"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/pairing"
	"github.com/partyorg/partyorg/internal/testdb"
)

// The pairing mutations under test, each taking its arguments as variables.
const (
	createBranchPairingQ = `mutation($in: CreateBranchPairingInput!) { createBranchPairing(input: $in) { id unitBranchName villageBranchName status startOn } }`
	endBranchPairingQ    = `mutation($id: ID!, $on: Date) { endBranchPairing(id: $id, on: $on) { id status endOn } }`
	recordJointActivityQ = `mutation($in: RecordJointActivityInput!) { recordJointActivity(input: $in) { id area on title } }`
	createPoorHouseholdQ = `mutation($in: CreatePoorHouseholdInput!) { createPoorHousehold(input: $in) { id status statusOn } }`
	setHouseholdStatusQ  = `mutation($id: ID!, $in: SetHouseholdStatusInput!) { setHouseholdStatus(id: $id, input: $in) { id status statusOn } }`
	raiseProblemQ        = `mutation($in: RaiseHouseholdProblemInput!) { raiseHouseholdProblem(input: $in) { id } }`
	solveProblemQ        = `mutation($id: ID!, $in: SolveHouseholdProblemInput!) { solveHouseholdProblem(id: $id, input: $in) { id solvedOn } }`
	pairHouseholdQ       = `mutation($m: ID!, $h: ID!, $on: Date) { pairHousehold(memberID: $m, householdID: $h, on: $on) { id } }`
	recordHelpQ          = `mutation($in: RecordHelpInput!) { recordHelp(input: $in) { id kind } }`
	assignLeaderQ        = `mutation($in: AssignLeaderInput!) { assignLeader(input: $in) { id year leaderName } }`
	recordLeaderVisitQ   = `mutation($in: RecordLeaderVisitInput!) { recordLeaderVisit(input: $in) { id on } }`
)

// The pairing tests run in parallel with each other: each has databases
// of its own, and most of their time goes to password hashing and
// database round trips.

// pairingFixture is apitest.Matrix (C with townships T1, T2, villages V1,
// V2 each, one branch B1 with two members each) plus two county units
// C.U1 and C.U2 with branches B1 (two members each, an ORG_ADMIN and a
// MEMBER account); C.U1.B1.M1 is a county-level leader. It holds a
// pairing of C.U1.B1 with C.T1.V1.B1, an ended one of C.U2.B1 with
// C.T1.V2.B1, poor households H1–H3 in C.T1.V1 and H4 in C.T1.V2, and
// an assignment of the leader in C.T1/C.T1.V1 for last year.
type pairingFixture struct {
	*apitest.Tree
	api        *apitest.API
	d          *testdb.DB
	pairing    int // C.U1.B1 × C.T1.V1.B1
	ended      int // C.U2.B1 × C.T1.V2.B1, ended
	households map[string]int
	help       int // C.T1.V1.B1.M2 helps H1
	assignment int // C.U1.B1.M1 in C.T1, C.T1.V1, H1, last year
	year       int // last year
	clients    map[string]*apitest.Client
}

func newPairingFixture(t *testing.T, d *testdb.DB) *pairingFixture {
	t.Helper()
	tree := apitest.Matrix(t, d.Client, 2, 2, 1, 2)
	ctx := systemCtx()
	c := d.Client
	for _, u := range []string{"C.U1", "C.U2"} {
		unit := c.Org.Create().SetName(u).SetKind(org.KindUnit).SetSector(org.SectorAgency).SetParentID(tree.Orgs["C"].ID).SaveX(ctx)
		br := c.Org.Create().SetName(u + ".B1").SetKind(org.KindBranch).SetSector(org.SectorAgency).SetParentID(unit.ID).SaveX(ctx)
		tree.Orgs[u], tree.Orgs[u+".B1"] = unit, br
		for i := 1; i <= 2; i++ {
			name := fmt.Sprintf("%s.B1.M%d", u, i)
			tree.Members[name] = c.Member.Create().SetName(name).SetStatus("FULL").SetBranchID(br.ID).SaveX(ctx)
		}
		for _, role := range []rolebinding.Role{rolebinding.RoleOrgAdmin, rolebinding.RoleMember} {
			in := account.NewUser{Username: apitest.Username(role, br.Name), Password: apitest.Password, Role: &role, OrgID: &br.ID}
			if role == rolebinding.RoleMember {
				in.MemberID = &tree.Members[u+".B1.M1"].ID
			}
			u, err := account.Create(ctx, c, in)
			if err != nil {
				t.Fatal(err)
			}
			tree.Users[u.Username] = u
		}
	}
	f := &pairingFixture{Tree: tree, api: apitest.New(t, d), d: d, households: map[string]int{}, clients: map[string]*apitest.Client{}}
	f.year = day.Today().Year() - 1
	o, m := tree.Orgs, tree.Members
	start := day.Today().AddDate(0, -6, 0)
	f.pairing = c.BranchPairing.Create().SetUnitBranchID(o["C.U1.B1"].ID).SetVillageBranchID(o["C.T1.V1.B1"].ID).
		SetResponsibleID(m["C.U1.B1.M2"].ID).SetUnitBranchName("C.U1.B1").SetVillageBranchName("C.T1.V1.B1").
		SetStartOn(start).SaveX(ctx).ID
	f.ended = c.BranchPairing.Create().SetUnitBranchID(o["C.U2.B1"].ID).SetVillageBranchID(o["C.T1.V2.B1"].ID).
		SetResponsibleID(m["C.U2.B1.M2"].ID).SetUnitBranchName("C.U2.B1").SetVillageBranchName("C.T1.V2.B1").
		SetStartOn(start).SetEndOn(day.Today()).SetStatus("ENDED").SaveX(ctx).ID
	for _, h := range []struct{ name, village string }{{"H1", "C.T1.V1"}, {"H2", "C.T1.V1"}, {"H3", "C.T1.V1"}, {"H4", "C.T1.V2"}, {"H5", "C.T2.V1"}} {
		f.households[h.name] = c.PoorHousehold.Create().SetVillageID(o[h.village].ID).SetHead(h.name).SetSize(3).
			SetStatusOn(start).SaveX(ctx).ID
	}
	f.help = c.HelpPairing.Create().SetMemberID(m["C.T1.V1.B1.M2"].ID).SetHouseholdID(f.households["H1"]).
		SetVillageID(o["C.T1.V1"].ID).SetBranchID(o["C.T1.V1.B1"].ID).SetMemberName("C.T1.V1.B1.M2").
		SetHouseholdHead("H1").SetSince(start).SaveX(ctx).ID
	f.assignment = c.LeaderAssignment.Create().SetLeaderID(m["C.U1.B1.M1"].ID).SetLeaderName("C.U1.B1.M1").
		SetYear(f.year).SetTownshipID(o["C.T1"].ID).SetVillageID(o["C.T1.V1"].ID).
		AddHouseholdIDs(f.households["H1"]).SaveX(ctx).ID
	return f
}

// as is the client of the fixture account holding role at the named org
// ("admin" for ADMIN).
func (f *pairingFixture) as(t *testing.T, role rolebinding.Role, orgName string) *apitest.Client {
	t.Helper()
	name := "admin"
	if role != rolebinding.RoleAdmin {
		name = apitest.Username(role, orgName)
	}
	if c := f.clients[name]; c != nil {
		return c
	}
	c := f.api.Login(t, name, apitest.Password)
	f.clients[name] = c
	return c
}

func (f *pairingFixture) id(name string) string {
	if o, ok := f.Orgs[name]; ok {
		return gqlID(o.ID)
	}
	if m, ok := f.Members[name]; ok {
		return gqlID(m.ID)
	}
	return gqlID(f.households[name])
}

// pairingRows counts the rows of every pairing table.
func pairingRows(t testing.TB, d *testdb.DB) map[string]int {
	t.Helper()
	ctx := systemCtx()
	c := d.Client
	counts := map[string]int{
		"branch_pairings":          c.BranchPairing.Query().CountX(ctx),
		"joint_activities":         c.JointActivity.Query().CountX(ctx),
		"poor_households":          c.PoorHousehold.Query().CountX(ctx),
		"household_status_changes": c.HouseholdStatusChange.Query().CountX(ctx),
		"household_problems":       c.HouseholdProblem.Query().CountX(ctx),
		"help_pairings":            c.HelpPairing.Query().CountX(ctx),
		"help_records":             c.HelpRecord.Query().CountX(ctx),
		"leader_assignments":       c.LeaderAssignment.Query().CountX(ctx),
		"leader_visits":            c.LeaderVisit.Query().CountX(ctx),
	}
	return counts
}

func expectSameRows(t testing.TB, before, after map[string]int) {
	t.Helper()
	for k, n := range before {
		if after[k] != n {
			t.Errorf("%s: %d rows before, %d after", k, n, after[k])
		}
	}
}

func dayString(d time.Time) string { return day.Format(d) }

// mustDoHiding is MustDo for queries whose node lookups may name objects
// the caller cannot see: those are null with NOT_FOUND, exactly as for an
// object that does not exist; any other error fails the test.
func mustDoHiding(t testing.TB, c *apitest.Client, query string, vars map[string]any, out any) {
	t.Helper()
	for _, e := range c.Do(t, query, vars, out) {
		if e.Code() != "NOT_FOUND" || !strings.HasPrefix(e.Message, "Could not resolve to a node") {
			t.Fatalf("%v\nquery: %s", e, query)
		}
	}
}

// TestPairingRefusals: every rule of the pairings and its illegal cases,
// each with its code, and nothing written (the audit trail, the tree and
// every pairing table stay as they were).
func TestPairingRefusals(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPairingFixture(t, d)
		ctx := systemCtx()
		c := d.Client
		o, m := f.Orgs, f.Members
		// A member already helping 23 households (the cap), in two villages.
		full := m["C.T1.V1.B1.M1"]
		for i := 1; i <= pairing.DefaultMaxHouseholds; i++ {
			v := o[pick(i%2 == 0, "C.T1.V1", "C.T2.V1")]
			h := c.PoorHousehold.Create().SetVillageID(v.ID).SetHead(fmt.Sprintf("X%d", i)).SetSize(1).SetStatusOn(day.Today()).SaveX(ctx)
			c.HelpPairing.Create().SetMemberID(full.ID).SetHouseholdID(h.ID).SetVillageID(v.ID).SetBranchID(full.BranchID).
				SetMemberName(full.Name).SetHouseholdHead(h.Head).SetSince(day.Today()).ExecX(ctx)
		}
		solved := c.HouseholdProblem.Create().SetHouseholdID(f.households["H2"]).SetVillageID(o["C.T1.V1"].ID).
			SetText("roof").SetRaisedOn(day.Today()).SetSolvedOn(day.Today()).SetSolution("fixed").SaveX(ctx).ID

		county := apitest.Username(rolebinding.RoleOrgAdmin, "C")
		countyViewer := apitest.Username(rolebinding.RoleViewer, "C")
		t1 := apitest.Username(rolebinding.RoleOrgAdmin, "C.T1")
		t2 := apitest.Username(rolebinding.RoleOrgAdmin, "C.T2")
		v1 := apitest.Username(rolebinding.RoleOrgAdmin, "C.T1.V1")
		vb1 := apitest.Username(rolebinding.RoleOrgAdmin, "C.T1.V1.B1")
		ub1 := apitest.Username(rolebinding.RoleOrgAdmin, "C.U1.B1")
		t1Viewer := apitest.Username(rolebinding.RoleViewer, "C.T1")
		tomorrow := dayString(day.Today().AddDate(0, 0, 1))
		bp := func(unit, village, resp string) map[string]any {
			return gqlVars("in", map[string]any{"unitBranchID": f.id(unit), "villageBranchID": f.id(village), "responsibleID": f.id(resp)})
		}
		act := func(p int, on string) map[string]any {
			in := map[string]any{"pairingID": gqlID(p), "area": "TALENT", "title": "培训"}
			if on != "" {
				in["on"] = on
			}
			return gqlVars("in", in)
		}
		hh := func(village string, size int, on string) map[string]any {
			in := map[string]any{"villageID": f.id(village), "head": "新户", "size": size}
			if on != "" {
				in["on"] = on
			}
			return gqlVars("in", in)
		}
		assign := func(leader, township, village string, households ...string) map[string]any {
			ids := []string{}
			for _, h := range households {
				ids = append(ids, f.id(h))
			}
			return gqlVars("in", map[string]any{"leaderID": f.id(leader), "year": f.year, "townshipID": f.id(township), "villageID": f.id(village), "householdIDs": ids})
		}
		visit := func(on string, problems int, households ...string) map[string]any {
			ids := []string{}
			for _, h := range households {
				ids = append(ids, f.id(h))
			}
			return gqlVars("in", map[string]any{"assignmentID": gqlID(f.assignment), "on": on, "householdIDs": ids, "problemsSolved": problems})
		}
		inYear := fmt.Sprintf("%d-05-10", f.year)
		cases := []refusal{
			// 支部结对共联建
			{"pair two village branches", county, createBranchPairingQ, bp("C.T1.V1.B1", "C.T1.V2.B1", "C.T1.V1.B1.M1"), o["C"].ID, "BAD_USER_INPUT"},
			{"pair two unit branches", county, createBranchPairingQ, bp("C.U1.B1", "C.U2.B1", "C.U1.B1.M1"), o["C"].ID, "BAD_USER_INPUT"},
			{"pair a branch with itself", county, createBranchPairingQ, bp("C.U1.B1", "C.U1.B1", "C.U1.B1.M1"), o["C"].ID, "BAD_USER_INPUT"},
			{"pair a unit with a village", county, createBranchPairingQ, bp("C.U1", "C.T1.V2.B1", "C.U1.B1.M1"), o["C"].ID, "BAD_USER_INPUT"},
			{"responsible from the village branch", county, createBranchPairingQ, bp("C.U1.B1", "C.T1.V2.B1", "C.T1.V2.B1.M1"), o["C"].ID, "BAD_USER_INPUT"},
			{"responsible from another unit branch", county, createBranchPairingQ, bp("C.U1.B1", "C.T1.V2.B1", "C.U2.B1.M1"), o["C"].ID, "BAD_USER_INPUT"},
			{"pair twice", county, createBranchPairingQ, bp("C.U1.B1", "C.T1.V1.B1", "C.U1.B1.M1"), o["C"].ID, "CONFLICT"},
			{"township pairs: unit out of scope", t1, createBranchPairingQ, bp("C.U1.B1", "C.T1.V2.B1", "C.U1.B1.M1"), o["C"].ID, "NOT_FOUND"},
			{"unit branch pairs: village out of scope", ub1, createBranchPairingQ, bp("C.U1.B1", "C.T1.V2.B1", "C.U1.B1.M1"), o["C"].ID, "NOT_FOUND"},
			{"county viewer pairs", countyViewer, createBranchPairingQ, bp("C.U1.B1", "C.T1.V2.B1", "C.U1.B1.M1"), o["C"].ID, "FORBIDDEN"},
			{"activity from a third township", t2, recordJointActivityQ, act(f.pairing, ""), f.pairing, "NOT_FOUND"},
			{"activity by a viewer", t1Viewer, recordJointActivityQ, act(f.pairing, ""), f.pairing, "FORBIDDEN"},
			{"activity in the future", vb1, recordJointActivityQ, act(f.pairing, tomorrow), f.pairing, "BAD_USER_INPUT"},
			{"activity before the start", vb1, recordJointActivityQ, act(f.pairing, dayString(day.Today().AddDate(-1, 0, 0))), f.pairing, "BAD_USER_INPUT"},
			{"activity of an ended pairing", county, recordJointActivityQ, act(f.ended, ""), f.ended, "CONFLICT"},
			{"village side ends", vb1, endBranchPairingQ, gqlVars("id", gqlID(f.pairing)), f.pairing, "FORBIDDEN"},
			{"unit side ends", ub1, endBranchPairingQ, gqlVars("id", gqlID(f.pairing)), f.pairing, "FORBIDDEN"},
			{"end an ended pairing", county, endBranchPairingQ, gqlVars("id", gqlID(f.ended)), f.ended, "CONFLICT"},
			// 贫困户
			{"household in a branch", v1, createPoorHouseholdQ, hh("C.T1.V1.B1", 3, ""), o["C.T1.V1.B1"].ID, "BAD_USER_INPUT"},
			{"household of nobody", v1, createPoorHouseholdQ, hh("C.T1.V1", 0, ""), o["C.T1.V1"].ID, "BAD_USER_INPUT"},
			{"household registered tomorrow", v1, createPoorHouseholdQ, hh("C.T1.V1", 3, tomorrow), o["C.T1.V1"].ID, "BAD_USER_INPUT"},
			{"household in another township", t1, createPoorHouseholdQ, hh("C.T2.V1", 3, ""), o["C.T2.V1"].ID, "NOT_FOUND"},
			{"household by a viewer", t1Viewer, createPoorHouseholdQ, hh("C.T1.V1", 3, ""), o["C.T1.V1"].ID, "FORBIDDEN"},
			{"status unchanged", v1, setHouseholdStatusQ, gqlVars("id", f.id("H1"), "in", map[string]any{"status": "POOR"}), f.households["H1"], "CONFLICT"},
			{"status before the last change", v1, setHouseholdStatusQ, gqlVars("id", f.id("H1"), "in", map[string]any{"status": "LIFTED_OUT", "on": dayString(day.Today().AddDate(-1, 0, 0))}), f.households["H1"], "BAD_USER_INPUT"},
			{"solve a solved problem", v1, solveProblemQ, gqlVars("id", gqlID(solved), "in", map[string]any{"solution": "again"}), solved, "CONFLICT"},
			// 结对帮扶
			{"a 24th household", t1, pairHouseholdQ, gqlVars("m", gqlID(full.ID), "h", f.id("H2")), f.households["H2"], "CONFLICT"},
			{"the same household twice", v1, pairHouseholdQ, gqlVars("m", f.id("C.T1.V1.B1.M2"), "h", f.id("H1")), f.households["H1"], "CONFLICT"},
			{"household out of scope", v1, pairHouseholdQ, gqlVars("m", f.id("C.T1.V1.B1.M2"), "h", f.id("H5")), f.households["H5"], "NOT_FOUND"},
			{"member out of scope", v1, pairHouseholdQ, gqlVars("m", f.id("C.T2.V1.B1.M2"), "h", f.id("H2")), f.households["H2"], "NOT_FOUND"},
			{"help in the future", v1, recordHelpQ, gqlVars("in", map[string]any{"pairingID": gqlID(f.help), "kind": "SKILLS", "text": "x", "on": tomorrow}), f.help, "BAD_USER_INPUT"},
			{"help from a third township", t2, recordHelpQ, gqlVars("in", map[string]any{"pairingID": gqlID(f.help), "kind": "SKILLS", "text": "x"}), f.help, "NOT_FOUND"},
			// 党员干部做表率
			{"a second township in one year", county, assignLeaderQ, assign("C.U1.B1.M1", "C.T2", "C.T2.V1", "H5"), o["C.T2"].ID, "CONFLICT"},
			{"the same township again", county, assignLeaderQ, assign("C.U1.B1.M1", "C.T1", "C.T1.V1", "H2"), o["C.T1"].ID, "CONFLICT"},
			{"zero households", county, assignLeaderQ, assign("C.U2.B1.M1", "C.T1", "C.T1.V1"), o["C.T1"].ID, "BAD_USER_INPUT"},
			{"three households", county, assignLeaderQ, assign("C.U2.B1.M1", "C.T1", "C.T1.V1", "H1", "H2", "H3"), o["C.T1"].ID, "BAD_USER_INPUT"},
			{"one household twice", county, assignLeaderQ, assign("C.U2.B1.M1", "C.T1", "C.T1.V1", "H1", "H1"), o["C.T1"].ID, "BAD_USER_INPUT"},
			{"a village outside the township", county, assignLeaderQ, assign("C.U2.B1.M1", "C.T1", "C.T2.V1", "H5"), o["C.T1"].ID, "BAD_USER_INPUT"},
			{"a household of another village", county, assignLeaderQ, assign("C.U2.B1.M1", "C.T1", "C.T1.V1", "H4"), o["C.T1"].ID, "BAD_USER_INPUT"},
			{"a village member as leader", county, assignLeaderQ, assign("C.T1.V2.B1.M1", "C.T1", "C.T1.V1", "H2"), o["C.T1"].ID, "BAD_USER_INPUT"},
			{"a township assigns", t1, assignLeaderQ, assign("C.U2.B1.M1", "C.T1", "C.T1.V1", "H2"), o["C.T1"].ID, "FORBIDDEN"},
			{"a visit in the future", t1, recordLeaderVisitQ, visit(tomorrow, 1, "H1", "H2"), f.assignment, "BAD_USER_INPUT"},
			{"a visit outside the year", t1, recordLeaderVisitQ, visit(fmt.Sprintf("%d-12-31", f.year-1), 1, "H1", "H2"), f.assignment, "BAD_USER_INPUT"},
			{"a visit to another village", t1, recordLeaderVisitQ, visit(inYear, 1, "H1", "H4"), f.assignment, "BAD_USER_INPUT"},
			{"negative problems", t1, recordLeaderVisitQ, visit(inYear, -1, "H1", "H2"), f.assignment, "BAD_USER_INPUT"},
			{"a visit from a third township", t2, recordLeaderVisitQ, visit(inYear, 1, "H1", "H2"), f.assignment, "NOT_FOUND"},
			{"a visit by a viewer", t1Viewer, recordLeaderVisitQ, visit(inYear, 1, "H1", "H2"), f.assignment, "FORBIDDEN"},
		}
		before := pairingRows(t, d)
		runRefusals(t, d, f.api, cases)
		expectSameRows(t, before, pairingRows(t, d))
	})
}

// TestPairingWorkflow: the permitted steps do what they say, from the
// levels that may take them, and are in the audit trail.
func TestPairingWorkflow(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPairingFixture(t, d)
		county := f.as(t, rolebinding.RoleOrgAdmin, "C")
		audited := func() map[string]int {
			counts := map[string]int{}
			for _, e := range d.Client.AuditLog.Query().AllX(systemCtx()) {
				counts[e.Type+" "+string(e.Op)]++
			}
			return counts
		}
		before := audited()
		var created struct {
			CreateBranchPairing struct {
				ID                                string
				UnitBranchName, VillageBranchName string
				Status                            string
				StartOn                           string
			}
		}
		county.MustDo(t, createBranchPairingQ, gqlVars("in", map[string]any{
			"unitBranchID": f.id("C.U2.B1"), "villageBranchID": f.id("C.T2.V1.B1"), "responsibleID": f.id("C.U2.B1.M1"),
		}), &created)
		p := created.CreateBranchPairing
		if p.UnitBranchName != "C.U2.B1" || p.VillageBranchName != "C.T2.V1.B1" || p.Status != "ACTIVE" || p.StartOn != dayString(day.Today()) {
			t.Errorf("created %+v", p)
		}
		// Either side's admin records activities.
		for _, who := range []string{"C.U2.B1", "C.T2.V1.B1", "C.T2"} {
			f.as(t, rolebinding.RoleOrgAdmin, who).MustDo(t, recordJointActivityQ, gqlVars("in", map[string]any{
				"pairingID": p.ID, "area": "MEMBER_EDUCATION", "title": "主题党日 " + who, "participants": []string{"甲", "乙"},
			}), nil)
		}
		var acts struct {
			Node struct {
				Activities struct{ TotalCount int }
			}
		}
		county.MustDo(t, `query($id: ID!) { node(id: $id) { ... on BranchPairing { activities { totalCount } } } }`, gqlVars("id", p.ID), &acts)
		if acts.Node.Activities.TotalCount != 3 {
			t.Errorf("activities = %d, want 3", acts.Node.Activities.TotalCount)
		}
		var ended struct {
			EndBranchPairing struct{ Status, EndOn string }
		}
		county.MustDo(t, endBranchPairingQ, gqlVars("id", p.ID), &ended)
		if ended.EndBranchPairing.Status != "ENDED" || ended.EndBranchPairing.EndOn != dayString(day.Today()) {
			t.Errorf("ended %+v", ended.EndBranchPairing)
		}

		// A household's life: registered, a problem raised and solved, lifted out.
		v2 := f.as(t, rolebinding.RoleOrgAdmin, "C.T2.V1")
		var hh struct {
			CreatePoorHousehold struct{ ID, Status, StatusOn string }
		}
		v2.MustDo(t, createPoorHouseholdQ, gqlVars("in", map[string]any{"villageID": f.id("C.T2.V1"), "head": "王五", "size": 4, "on": "2024-03-01"}), &hh)
		h := hh.CreatePoorHousehold
		if h.Status != "POOR" || h.StatusOn != "2024-03-01" {
			t.Errorf("household %+v", h)
		}
		var prob struct{ RaiseHouseholdProblem struct{ ID string } }
		v2.MustDo(t, raiseProblemQ, gqlVars("in", map[string]any{"householdID": h.ID, "text": "缺少种苗"}), &prob)
		v2.MustDo(t, solveProblemQ, gqlVars("id", prob.RaiseHouseholdProblem.ID, "in", map[string]any{"solution": "协调种苗"}), nil)
		v2.MustDo(t, setHouseholdStatusQ, gqlVars("id", h.ID, "in", map[string]any{"status": "LIFTED_OUT", "on": "2025-01-10"}), nil)
		var history struct {
			Node struct {
				Status        string
				StatusChanges []struct{ Status, On string }
				Problems      struct {
					Edges []struct{ Node struct{ SolvedOn *string } }
				}
			}
		}
		v2.MustDo(t, `query($id: ID!) { node(id: $id) { ... on PoorHousehold { status statusChanges { status on } problems { edges { node { solvedOn } } } } } }`, gqlVars("id", h.ID), &history)
		got := []string{}
		for _, s := range history.Node.StatusChanges {
			got = append(got, s.Status+" "+s.On)
		}
		slices.Sort(got)
		if history.Node.Status != "LIFTED_OUT" || !slices.Equal(got, []string{"LIFTED_OUT 2025-01-10", "POOR 2024-03-01"}) {
			t.Errorf("household %s, changes %v", history.Node.Status, got)
		}
		if ps := history.Node.Problems.Edges; len(ps) != 1 || ps[0].Node.SolvedOn == nil {
			t.Errorf("problems %+v", ps)
		}

		// A member of another township helps it (the county pairs them), and
		// its branch's admin records help.
		helper := f.Members["C.T1.V2.B1.M1"]
		county.MustDo(t, pairHouseholdQ, gqlVars("m", gqlID(helper.ID), "h", h.ID), nil)
		var helpers struct {
			Node struct {
				Helpers      []struct{ Name string }
				HelpPairings struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
		}
		county.MustDo(t, `query($id: ID!) { node(id: $id) { ... on PoorHousehold { helpers { name } helpPairings { edges { node { id } } } } } }`, gqlVars("id", h.ID), &helpers)
		if len(helpers.Node.Helpers) != 1 || helpers.Node.Helpers[0].Name != helper.Name || len(helpers.Node.HelpPairings.Edges) != 1 {
			t.Fatalf("helpers %+v", helpers.Node)
		}
		// The village sees the helper's name only as copied: the member is
		// in another township.
		var fromVillage struct {
			Node struct {
				Helpers      []struct{ Name string }
				HelpPairings struct {
					Edges []struct {
						Node struct {
							MemberName string
							Member     *struct{ Name string }
						}
					}
				}
			}
		}
		v2.MustDo(t, `query($id: ID!) { node(id: $id) { ... on PoorHousehold { helpers { name } helpPairings { edges { node { memberName member { name } } } } } } }`, gqlVars("id", h.ID), &fromVillage)
		if e := fromVillage.Node.HelpPairings.Edges; len(fromVillage.Node.Helpers) != 0 || len(e) != 1 || e[0].Node.Member != nil || e[0].Node.MemberName != helper.Name {
			t.Errorf("from the village: %+v", fromVillage.Node)
		}
		helpID := helpers.Node.HelpPairings.Edges[0].Node.ID
		f.as(t, rolebinding.RoleOrgAdmin, "C.T1.V2.B1").MustDo(t, recordHelpQ, gqlVars("in", map[string]any{"pairingID": helpID, "kind": "INDUSTRY", "text": "联系销路"}), nil)
		v2.MustDo(t, recordHelpQ, gqlVars("in", map[string]any{"pairingID": helpID, "kind": "AMBITION", "text": "谈心"}), nil)

		// A leader's assignment for this year and a visit.
		var a struct {
			AssignLeader struct{ ID, LeaderName string }
		}
		county.MustDo(t, assignLeaderQ, gqlVars("in", map[string]any{
			"leaderID": f.id("C.U2.B1.M1"), "year": day.Today().Year(), "townshipID": f.id("C.T2"), "villageID": f.id("C.T2.V1"),
			"householdIDs": []string{h.ID, f.id("H5")},
		}), &a)
		if a.AssignLeader.LeaderName != "C.U2.B1.M1" {
			t.Errorf("assignment %+v", a.AssignLeader)
		}
		f.as(t, rolebinding.RoleOrgAdmin, "C.T2").MustDo(t, recordLeaderVisitQ, gqlVars("in", map[string]any{
			"assignmentID": a.AssignLeader.ID, "householdIDs": []string{h.ID, f.id("H5")}, "problemsSolved": 1, "place": "C.T2.V1",
		}), nil)

		// Every step is in the audit trail.
		after := audited()
		for k, want := range map[string]int{
			"BranchPairing CREATE": 1, "BranchPairing UPDATE": 1, "JointActivity CREATE": 3, "PoorHousehold CREATE": 1,
			"PoorHousehold UPDATE": 1, "HouseholdStatusChange CREATE": 2, "HouseholdProblem CREATE": 1, "HouseholdProblem UPDATE": 1,
			"HelpPairing CREATE": 1, "HelpRecord CREATE": 2, "LeaderAssignment CREATE": 1, "LeaderVisit CREATE": 1,
		} {
			if n := after[k] - before[k]; n != want {
				t.Errorf("audit %s: %d entries, want %d", k, n, want)
			}
		}
	})
}

// TestPairingVisibility: a branch pairing is seen from both sides (with
// the far branch null and named by its copied name), from the levels
// above each side, and not from a third township; the same in lists,
// counts, node and where-filters. Poor households, help pairings and
// assignments follow their village, both sides and the township.
func TestPairingVisibility(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPairingFixture(t, d)
		c := d.Client
		c.JointActivity.Create().SetPairingID(f.pairing).SetUnitBranchID(f.Orgs["C.U1.B1"].ID).SetVillageBranchID(f.Orgs["C.T1.V1.B1"].ID).
			SetArea("TALENT").SetOn(day.Today()).SetTitle("培训").ExecX(systemCtx())
		type view struct {
			role             rolebinding.Role
			org              string
			pairings         int  // branch pairings in the list and count
			sees             bool // node(pairing) non-null
			unit, village    bool // edges non-null
			households, help int
			assignments      int
		}
		const (
			admin  = rolebinding.RoleAdmin
			oa     = rolebinding.RoleOrgAdmin
			viewer = rolebinding.RoleViewer
			mem    = rolebinding.RoleMember
		)
		views := []view{
			{admin, "", 2, true, true, true, 5, 1, 1},
			{oa, "C", 2, true, true, true, 5, 1, 1},
			{viewer, "C", 2, true, true, true, 5, 1, 1},
			{oa, "C.U1.B1", 1, true, true, false, 0, 0, 0},
			{oa, "C.T1.V1.B1", 1, true, false, true, 0, 1, 0},
			{oa, "C.T1.V1", 1, true, false, true, 3, 1, 0},
			{oa, "C.T1", 2, true, false, true, 4, 1, 1},
			{viewer, "C.T1", 2, true, false, true, 4, 1, 1},
			{mem, "C.T1.V1.B1", 1, true, false, true, 0, 0, 0},
			{mem, "C.U1.B1", 1, true, true, false, 0, 0, 1},
			{oa, "C.T2", 0, false, false, false, 1, 0, 0},
			{mem, "C.T2.V1.B1", 0, false, false, false, 0, 0, 0},
		}
		const q = `query($id: ID!, $unit: ID!) {
			branchPairings { totalCount edges { node { id } } }
			node(id: $id) { ... on BranchPairing { unitBranchName villageBranchName unitBranch { id } villageBranch { id } activities { totalCount } } }
			filtered: branchPairings(where: { hasUnitBranchWith: { id: $unit } }) { totalCount }
			poorHouseholds { totalCount }
			helpPairings { totalCount edges { node { id } } }
			leaderAssignments { totalCount }
		}`
		for _, v := range views {
			t.Run(string(v.role)+" "+v.org, func(t *testing.T) {
				var out struct {
					BranchPairings struct {
						TotalCount int
						Edges      []struct{ Node struct{ ID string } }
					}
					Node *struct {
						UnitBranchName, VillageBranchName string
						UnitBranch, VillageBranch         *struct{ ID string }
						Activities                        struct{ TotalCount int }
					}
					Filtered                     struct{ TotalCount int }
					PoorHouseholds, HelpPairings struct{ TotalCount int }
					LeaderAssignments            struct{ TotalCount int }
				}
				mustDoHiding(t, f.as(t, v.role, v.org), q, gqlVars("id", gqlID(f.pairing), "unit", f.id("C.U1.B1")), &out)
				if out.BranchPairings.TotalCount != v.pairings || len(out.BranchPairings.Edges) != v.pairings {
					t.Errorf("branchPairings: %d (%d edges), want %d", out.BranchPairings.TotalCount, len(out.BranchPairings.Edges), v.pairings)
				}
				if (out.Node != nil) != v.sees {
					t.Fatalf("node: %v, want visible %v", out.Node, v.sees)
				}
				if out.Node != nil {
					n := out.Node
					if n.UnitBranchName != "C.U1.B1" || n.VillageBranchName != "C.T1.V1.B1" || n.Activities.TotalCount != 1 {
						t.Errorf("node %+v", n)
					}
					if (n.UnitBranch != nil) != v.unit || (n.VillageBranch != nil) != v.village {
						t.Errorf("unitBranch %v villageBranch %v, want %v %v", n.UnitBranch, n.VillageBranch, v.unit, v.village)
					}
				}
				// The filter on the unit branch finds the pairing only for a
				// caller who can see that branch.
				want := 0
				if v.unit {
					want = 1
				}
				if out.Filtered.TotalCount != want {
					t.Errorf("hasUnitBranchWith: %d, want %d", out.Filtered.TotalCount, want)
				}
				if out.PoorHouseholds.TotalCount != v.households || out.HelpPairings.TotalCount != v.help || out.LeaderAssignments.TotalCount != v.assignments {
					t.Errorf("households %d, help %d, assignments %d; want %d %d %d", out.PoorHouseholds.TotalCount,
						out.HelpPairings.TotalCount, out.LeaderAssignments.TotalCount, v.households, v.help, v.assignments)
				}
			})
		}
	})
}

// TestPairingAuditVisibility: the audit entries of a branch pairing and
// of its joint activities are read by both branches' scopes (and the
// levels above them), not by a third township's.
func TestPairingAuditVisibility(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPairingFixture(t, d)
		var act struct{ RecordJointActivity struct{ ID string } }
		f.as(t, rolebinding.RoleOrgAdmin, "C.T1.V1.B1").MustDo(t, recordJointActivityQ,
			gqlVars("in", map[string]any{"pairingID": gqlID(f.pairing), "area": "TALENT", "title": "培训"}), &act)
		f.as(t, rolebinding.RoleOrgAdmin, "C").MustDo(t, endBranchPairingQ, gqlVars("id", gqlID(f.pairing)), nil)
		const q = `query($pairing: ID!, $activity: ID!) {
			pairing: auditLogs(where: { type: "BranchPairing", objectID: $pairing }) { totalCount edges { node { op } } }
			activity: auditLogs(where: { type: "JointActivity", objectID: $activity }) { totalCount }
		}`
		for _, tc := range []struct {
			role              rolebinding.Role
			org               string
			pairing, activity int // entries: the pairing's create and end, the activity's create
		}{
			{rolebinding.RoleAdmin, "", 2, 1},
			{rolebinding.RoleOrgAdmin, "C", 2, 1},
			{rolebinding.RoleOrgAdmin, "C.U1.B1", 2, 1},    // the unit side
			{rolebinding.RoleOrgAdmin, "C.T1.V1.B1", 2, 1}, // the village side
			{rolebinding.RoleOrgAdmin, "C.T1.V1", 2, 1},    // above the village side
			{rolebinding.RoleOrgAdmin, "C.T1", 2, 1},
			{rolebinding.RoleOrgAdmin, "C.T2", 0, 0}, // a third township
			{rolebinding.RoleOrgAdmin, "C.U2.B1", 0, 0},
			{rolebinding.RoleOrgAdmin, "C.T1.V2.B1", 0, 0},
		} {
			var out struct {
				Pairing struct {
					TotalCount int
					Edges      []struct{ Node struct{ Op string } }
				}
				Activity struct{ TotalCount int }
			}
			f.as(t, tc.role, tc.org).MustDo(t, q, gqlVars("pairing", gqlID(f.pairing), "activity", act.RecordJointActivity.ID), &out)
			if out.Pairing.TotalCount != tc.pairing || len(out.Pairing.Edges) != tc.pairing || out.Activity.TotalCount != tc.activity {
				t.Errorf("%s %s: %d pairing entries (%d edges), %d activity entries; want %d, %d",
					tc.role, tc.org, out.Pairing.TotalCount, len(out.Pairing.Edges), out.Activity.TotalCount, tc.pairing, tc.activity)
			}
		}
	})
}

// TestHouseholdCapConcurrent: parallel pairHousehold requests for one
// member never take it past the cap: of 8 requests for a member with 20
// households, 3 succeed and 5 are CONFLICT, none INTERNAL, and 23 rows
// remain.
func TestHouseholdCapConcurrent(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPairingFixture(t, d)
		ctx := systemCtx()
		c := d.Client
		v := f.Orgs["C.T1.V1"]
		mem := f.Members["C.T1.V1.B1.M1"]
		var free []int
		for i := 1; i <= 28; i++ {
			h := c.PoorHousehold.Create().SetVillageID(v.ID).SetHead(fmt.Sprintf("Y%d", i)).SetSize(2).SetStatusOn(day.Today()).SaveX(ctx)
			if i <= 20 {
				c.HelpPairing.Create().SetMemberID(mem.ID).SetHouseholdID(h.ID).SetVillageID(v.ID).SetBranchID(mem.BranchID).
					SetMemberName(mem.Name).SetHouseholdHead(h.Head).SetSince(day.Today()).ExecX(ctx)
			} else {
				free = append(free, h.ID)
			}
		}
		client := f.as(t, rolebinding.RoleOrgAdmin, "C.T1")
		codes := make([]string, len(free))
		var wg sync.WaitGroup
		for i, h := range free {
			wg.Go(func() {
				errs := client.Do(t, pairHouseholdQ, gqlVars("m", gqlID(mem.ID), "h", gqlID(h)), nil)
				switch {
				case len(errs) == 0:
					codes[i] = "OK"
				default:
					codes[i] = errs[0].Code()
				}
			})
		}
		wg.Wait()
		tally := map[string]int{}
		for _, code := range codes {
			tally[code]++
		}
		if tally["OK"] != 3 || tally["CONFLICT"] != 5 {
			t.Errorf("outcomes %v, want 3 OK and 5 CONFLICT", tally)
		}
		if n := c.HelpPairing.Query().Where(helppairing.MemberID(mem.ID)).CountX(ctx); n != pairing.DefaultMaxHouseholds {
			t.Errorf("the member helps %d households, want %d", n, pairing.DefaultMaxHouseholds)
		}
	})
}

// TestHouseholdCapSetting: the cap follows the setting; at the cap the
// next pairing is CONFLICT, one below it succeeds.
func TestHouseholdCapSetting(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPairingFixture(t, d)
		c := d.Client
		c.Setting.Create().SetKey(pairing.MaxHouseholdsKey).SetValue("2").ExecX(systemCtx())
		client := f.as(t, rolebinding.RoleOrgAdmin, "C.T1.V1")
		m := f.id("C.T1.V1.B1.M1")
		client.MustDo(t, pairHouseholdQ, gqlVars("m", m, "h", f.id("H1")), nil)
		client.MustDo(t, pairHouseholdQ, gqlVars("m", m, "h", f.id("H2")), nil)
		expectCode(t, client.Do(t, pairHouseholdQ, gqlVars("m", m, "h", f.id("H3")), nil), "CONFLICT")
	})
}

// TestLeaderCompliance: a month meets the quotas with two visits of two
// households and one problem each, on the month's first and last days;
// the next month falls short, each shortfall spelled out; shortIn lists
// exactly the assignments whose compliance is not ok.
func TestLeaderCompliance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPairingFixture(t, d)
		ctx := systemCtx()
		c := d.Client
		o, y := f.Orgs, f.year
		// A second leader, assigned too, never visits.
		idle := c.LeaderAssignment.Create().SetLeaderID(f.Members["C.U2.B1.M1"].ID).SetLeaderName("C.U2.B1.M1").
			SetYear(y).SetTownshipID(o["C.T1"].ID).SetVillageID(o["C.T1.V1"].ID).AddHouseholdIDs(f.households["H2"]).SaveX(ctx).ID
		t1 := f.as(t, rolebinding.RoleOrgAdmin, "C.T1")
		visit := func(on string, problems int, households ...string) {
			ids := []string{}
			for _, h := range households {
				ids = append(ids, f.id(h))
			}
			t1.MustDo(t, recordLeaderVisitQ, gqlVars("in", map[string]any{"assignmentID": gqlID(f.assignment), "on": on, "householdIDs": ids, "problemsSolved": problems}), nil)
		}
		date := func(md string) string { return fmt.Sprintf("%d-%s", y, md) }
		visit(date("02-28"), 3, "H1", "H2", "H3") // February: one visit only
		visit(date("03-01"), 1, "H1", "H2")
		visit(date("03-31"), 2, "H2", "H3")
		visit(date("04-01"), 1, "H1", "H2")
		visit(date("04-30"), 0, "H3")
		type compliance struct {
			Month                                     string
			Visits, HouseholdsVisited, ProblemsSolved int
			OK                                        bool
			Shortfalls                                []string
		}
		get := func(month string) compliance {
			var out struct {
				Node struct{ Compliance compliance }
			}
			t1.MustDo(t, `query($id: ID!, $m: String!) { node(id: $id) { ... on LeaderAssignment { compliance(month: $m) { month visits householdsVisited problemsSolved ok shortfalls } } } }`,
				gqlVars("id", gqlID(f.assignment), "m", month), &out)
			return out.Node.Compliance
		}
		mar := get(date("03"))
		if !mar.OK || mar.Visits != 2 || mar.HouseholdsVisited != 3 || mar.ProblemsSolved != 3 || len(mar.Shortfalls) != 0 {
			t.Errorf("March: %+v", mar)
		}
		feb := get(date("02"))
		if feb.OK || feb.Visits != 1 || len(feb.Shortfalls) != 1 || !strings.HasPrefix(feb.Shortfalls[0], "1 visit in "+date("02")) {
			t.Errorf("February: %+v", feb)
		}
		apr := get(date("04"))
		if apr.OK || apr.Visits != 2 || apr.HouseholdsVisited != 3 || apr.ProblemsSolved != 1 || len(apr.Shortfalls) != 2 {
			t.Errorf("April: %+v, want two shortfalls (one household, no problem) on %s", apr, date("04-30"))
		}
		for _, s := range apr.Shortfalls {
			if !strings.Contains(s, date("04-30")) {
				t.Errorf("April shortfall %q does not name the visit", s)
			}
		}
		may := get(date("05"))
		if may.OK || may.Visits != 0 {
			t.Errorf("May: %+v", may)
		}
		// shortIn agrees with compliance month by month.
		for _, month := range []string{"02", "03", "04", "05"} {
			var out struct {
				LeaderAssignments struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			t1.MustDo(t, `query($m: String) { leaderAssignments(where: { shortIn: $m }) { edges { node { id } } } }`,
				gqlVars("m", date(month)), &out)
			var got []string
			for _, e := range out.LeaderAssignments.Edges {
				got = append(got, e.Node.ID)
			}
			want := []string{gqlID(idle)}
			if !get(date(month)).OK {
				want = append(want, gqlID(f.assignment))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("shortIn %s: %v, want %v", month, got, want)
			}
		}
		// No assignment of that year is short in another year's month.
		var other struct {
			LeaderAssignments struct{ TotalCount int }
		}
		t1.MustDo(t, `{ leaderAssignments(where: { shortIn: "1999-01" }) { totalCount } }`, nil, &other)
		if other.LeaderAssignments.TotalCount != 0 {
			t.Errorf("shortIn 1999-01: %d", other.LeaderAssignments.TotalCount)
		}
		expectCode(t, t1.Do(t, `{ leaderAssignments(where: { shortIn: "2024-13" }) { totalCount } }`, nil, nil), "BAD_USER_INPUT")
		expectCode(t, t1.Do(t, `query($id: ID!) { node(id: $id) { ... on LeaderAssignment { compliance(month: "1999-01") { ok } } } }`,
			gqlVars("id", gqlID(f.assignment)), nil), "BAD_USER_INPUT")
	})
}

// TestPairingsList: one list of a member's or an org's pairings, with a
// kind filter, in the caller's scope.
func TestPairingsList(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPairingFixture(t, d)
		ctx := systemCtx()
		// The leader is also responsible for a pairing.
		d.Client.BranchPairing.UpdateOneID(f.ended).SetResponsibleID(f.Members["C.U1.B1.M1"].ID).ExecX(ctx)
		// C.T1.V2.B1.M1 is away (流动党员); the village cadre M2 keeps in touch.
		mobile, cadre := f.Members["C.T1.V2.B1.M1"].ID, f.Members["C.T1.V2.B1.M2"].ID
		d.Client.Member.UpdateOneID(cadre).SetCategory(member.CategoryInOfficeCadre).ExecX(ctx)
		if _, err := classification.RegisterDeparture(ctx, d.Client, classification.RegisterDepartureInput{
			MemberID: mobile, Destination: "广东省东莞市", ContactID: cadre,
		}); err != nil {
			t.Fatal(err)
		}
		const q = `query($id: ID!, $kinds: [PairingKind!]) { node(id: $id) {
			... on Member { pairings(kinds: $kinds) { __typename } }
			... on Org { pairings(kinds: $kinds) { __typename } }
		} }`
		kinds := func(who *apitest.Client, id string, filter []string) []string {
			var out struct {
				Node struct {
					Pairings []struct {
						Typename string `json:"__typename"`
					}
				}
			}
			vars := gqlVars("id", id)
			if filter != nil {
				vars["kinds"] = filter
			}
			who.MustDo(t, q, vars, &out)
			var got []string
			for _, p := range out.Node.Pairings {
				got = append(got, p.Typename)
			}
			return got
		}
		admin := f.as(t, rolebinding.RoleAdmin, "")
		leader := f.id("C.U1.B1.M1")
		for _, tc := range []struct {
			who    *apitest.Client
			id     string
			filter []string
			want   []string
		}{
			{admin, leader, nil, []string{"BranchPairing", "LeaderAssignment"}},
			{admin, leader, []string{"LEADER_ASSIGNMENT"}, []string{"LeaderAssignment"}},
			{admin, leader, []string{"HOUSEHOLD_HELP"}, nil},
			{admin, f.id("C.T1.V1.B1.M2"), nil, []string{"HelpPairing"}},
			{admin, f.id("C.T1.V1"), nil, []string{"HelpPairing", "LeaderAssignment"}},
			{admin, f.id("C.T1.V1.B1"), nil, []string{"BranchPairing", "HelpPairing"}},
			{admin, f.id("C.T1"), []string{"LEADER_ASSIGNMENT", "BRANCH_PAIRING"}, []string{"LeaderAssignment"}},
			// The leader itself reads its own assignment, and its branch's
			// pairing; the pairing it is responsible for is of another branch.
			{f.as(t, rolebinding.RoleMember, "C.U1.B1"), leader, nil, []string{"LeaderAssignment"}},
			// The unit branch's admin sees the leader, not the township's assignment.
			{f.as(t, rolebinding.RoleOrgAdmin, "C.U1.B1"), leader, nil, nil},
			// 流动党员联系人: the cadre lists the mobile member it contacts, the
			// mobile member its contact, the branch and the village both.
			{admin, gqlID(cadre), nil, []string{"MobileRecord"}},
			{admin, gqlID(cadre), []string{"MOBILE_CONTACT"}, []string{"MobileRecord"}},
			{admin, gqlID(cadre), []string{"BRANCH_PAIRING", "HOUSEHOLD_HELP"}, nil},
			{admin, gqlID(mobile), []string{"MOBILE_CONTACT"}, []string{"MobileRecord"}},
			{f.as(t, rolebinding.RoleOrgAdmin, "C.T1"), f.id("C.T1.V2"), nil, []string{"MobileRecord"}},
			{f.as(t, rolebinding.RoleViewer, "C.T1.V2.B1"), f.id("C.T1.V2.B1"), nil, []string{"BranchPairing", "MobileRecord"}},
			{admin, f.id("C.T1.V1"), []string{"MOBILE_CONTACT"}, nil},
			// The mobile member (its MEMBER account) reads its own record.
			{f.as(t, rolebinding.RoleMember, "C.T1.V2.B1"), gqlID(mobile), nil, []string{"MobileRecord"}},
		} {
			if got := kinds(tc.who, tc.id, tc.filter); !slices.Equal(got, tc.want) {
				t.Errorf("pairings of %s %v = %v, want %v", tc.id, tc.filter, got, tc.want)
			}
		}
		// Both profiles name both sides.
		for _, id := range []int{cadre, mobile} {
			var out struct {
				Node struct {
					Pairings []struct {
						Member, Contact struct{ ID string }
					}
				}
			}
			admin.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Member { pairings(kinds: [MOBILE_CONTACT]) {
				... on MobileRecord { member { id } contact { id } } } } } }`, gqlVars("id", gqlID(id)), &out)
			if p := out.Node.Pairings; len(p) != 1 || p[0].Member.ID != gqlID(mobile) || p[0].Contact.ID != gqlID(cadre) {
				t.Errorf("mobile contacts of %d: %+v, want member %d with contact %d", id, p, mobile, cadre)
			}
		}
	})
}

// TestPairingViewerCan: each viewerCan… field answers what the mutation
// then does, for callers at every level.
func TestPairingViewerCan(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPairingFixture(t, d)
		const (
			oa     = rolebinding.RoleOrgAdmin
			viewer = rolebinding.RoleViewer
		)
		callers := []struct {
			role rolebinding.Role
			org  string
		}{
			{oa, "C"}, {viewer, "C"}, {oa, "C.U1.B1"}, {oa, "C.T1.V1.B1"}, {oa, "C.T1.V1"}, {oa, "C.T1"}, {viewer, "C.T1"},
			{rolebinding.RoleMember, "C.U1.B1"}, {rolebinding.RoleMember, "C.T1.V1.B1"},
		}
		inYear := fmt.Sprintf("%d-06-01", f.year)
		for _, cl := range callers {
			t.Run(string(cl.role)+" "+cl.org, func(t *testing.T) {
				c := f.as(t, cl.role, cl.org)
				var out struct {
					P *struct{ ViewerCanEnd, ViewerCanRecordActivity bool }
					H *struct{ ViewerCanRecordHelp bool }
					A *struct{ ViewerCanRecordVisit bool }
					X *struct{ ViewerCanSetStatus, ViewerCanRaiseProblem, ViewerCanPair bool }
				}
				mustDoHiding(t, c, `query($p: ID!, $h: ID!, $a: ID!, $x: ID!) {
					p: node(id: $p) { ... on BranchPairing { viewerCanEnd viewerCanRecordActivity } }
					h: node(id: $h) { ... on HelpPairing { viewerCanRecordHelp } }
					a: node(id: $a) { ... on LeaderAssignment { viewerCanRecordVisit } }
					x: node(id: $x) { ... on PoorHousehold { viewerCanSetStatus viewerCanRaiseProblem viewerCanPair } }
				}`, gqlVars("p", gqlID(f.pairing), "h", gqlID(f.help), "a", gqlID(f.assignment), "x", f.id("H3")), &out)
				try := func(field string, can bool, query string, vars map[string]any) {
					t.Helper()
					errs := c.Do(t, query, vars, nil)
					if can != (len(errs) == 0) {
						t.Errorf("%s = %v, but the mutation answered %v", field, can, errs)
					}
				}
				if out.P != nil {
					try("viewerCanRecordActivity", out.P.ViewerCanRecordActivity, recordJointActivityQ,
						gqlVars("in", map[string]any{"pairingID": gqlID(f.pairing), "area": "CADRE_TEAM", "title": "x"}))
				}
				if out.H != nil {
					try("viewerCanRecordHelp", out.H.ViewerCanRecordHelp, recordHelpQ,
						gqlVars("in", map[string]any{"pairingID": gqlID(f.help), "kind": "SKILLS", "text": "x"}))
				}
				if out.A != nil {
					try("viewerCanRecordVisit", out.A.ViewerCanRecordVisit, recordLeaderVisitQ,
						gqlVars("in", map[string]any{"assignmentID": gqlID(f.assignment), "on": inYear, "householdIDs": []string{f.id("H1")}, "problemsSolved": 0}))
				}
				if out.X != nil {
					try("viewerCanRaiseProblem", out.X.ViewerCanRaiseProblem, raiseProblemQ,
						gqlVars("in", map[string]any{"householdID": f.id("H3"), "text": "x"}))
					try("viewerCanPair", out.X.ViewerCanPair, pairHouseholdQ, gqlVars("m", f.id("C.T1.V1.B1.M2"), "h", f.id("H3")))
					try("viewerCanSetStatus", out.X.ViewerCanSetStatus, setHouseholdStatusQ,
						gqlVars("id", f.id("H3"), "in", map[string]any{"status": "LIFTED_OUT"}))
					// Undo what succeeded, so that the next caller may try again.
					d.Client.PoorHousehold.UpdateOneID(f.households["H3"]).SetStatus(poorhousehold.StatusPoor).ExecX(systemCtx())
					for _, id := range d.Client.HelpPairing.Query().Where(helppairing.HouseholdID(f.households["H3"])).IDsX(systemCtx()) {
						rawDelete(t, d, "help_pairings", id)
					}
				}
				// Ending goes last: it closes the pairing for the callers after.
				if out.P != nil {
					try("viewerCanEnd", out.P.ViewerCanEnd, endBranchPairingQ, gqlVars("id", gqlID(f.pairing)))
					if out.P.ViewerCanEnd {
						d.Client.BranchPairing.UpdateOneID(f.pairing).SetStatus("ACTIVE").ClearEndOn().ExecX(systemCtx())
					}
				}
			})
		}
	})
}

// TestAssignLeaderConcurrent: parallel assignments of one leader for one
// year, each to another township: one wins, the others are CONFLICT,
// never INTERNAL.
func TestAssignLeaderConcurrent(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newPairingFixture(t, d)
		county := f.as(t, rolebinding.RoleOrgAdmin, "C")
		places := []struct{ township, village, household string }{
			{"C.T1", "C.T1.V1", "H2"}, {"C.T1", "C.T1.V2", "H4"}, {"C.T2", "C.T2.V1", "H5"},
		}
		codes := make([]string, len(places))
		var wg sync.WaitGroup
		for i, p := range places {
			wg.Go(func() {
				errs := county.Do(t, assignLeaderQ, gqlVars("in", map[string]any{
					"leaderID": f.id("C.U2.B1.M1"), "year": f.year, "townshipID": f.id(p.township),
					"villageID": f.id(p.village), "householdIDs": []string{f.id(p.household)},
				}), nil)
				codes[i] = "OK"
				if len(errs) > 0 {
					codes[i] = errs[0].Code()
				}
			})
		}
		wg.Wait()
		slices.Sort(codes)
		if !slices.Equal(codes, []string{"CONFLICT", "CONFLICT", "OK"}) {
			t.Errorf("outcomes %v, want one OK and two CONFLICT", codes)
		}
	})
}
