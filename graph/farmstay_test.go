package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/testdb"
)

const (
	nominateQ = `mutation($in: NominateFarmStayInput!) { nominateFarmStay(input: $in) { id stage } }`
	noticeQ   = `mutation($id: ID!, $from: Date!, $to: Date!, $on: Date) { startNotice(id: $id, from: $from, to: $to, on: $on) { id stage } }`
	lodgeQ    = `mutation($id: ID!, $text: String!, $on: Date) { lodgeObjection(id: $id, text: $text, on: $on) { id state } }`
	resolveQ  = `mutation($id: ID!, $upheld: Boolean!, $on: Date) { resolveObjection(objectionID: $id, upheld: $upheld, answer: "查实", on: $on) { id state nomination { stage } } }`
	reviewQ   = `mutation($id: ID!, $in: ReviewFarmStayInput!) { reviewFarmStay(id: $id, input: $in) { id stage } }`
	approveQ  = `mutation($in: ApproveFarmStaysInput!) { approveFarmStays(input: $in) { id stage batch plaqueNo } }`
	rejectQ   = `mutation($id: ID!, $on: Date) { rejectFarmStay(id: $id, reason: "不符合", on: $on) { id stage } }`
	withdrawQ = `mutation($id: ID!, $on: Date) { withdrawFarmStayPlaque(id: $id, reason: "经营违规", on: $on) { id plaqueWithdrawnOn } }`
)

// The fixed days of the tests: nominations on 15 January 2026, after
// exactly six months of operation; the notice from the 20th to the 26th.
const (
	fsOn         = "2026-01-15"
	fsSince      = "2025-07-15"
	fsNoticeFrom = "2026-01-20"
	fsNoticeTo   = "2026-01-26"
	fsAfter      = "2026-01-27"
	fsApproveOn  = "2026-02-10"
)

var allCriteria = []string{"PUBLIC_WELFARE", "DISCIPLINE", "FAIR_PRICES", "NEW_CUSTOMS", "ENVIRONMENT",
	"KINDNESS", "GUESTS_AS_FAMILY", "COMMON_PROSPERITY", "INNOVATION", "CIVILIZED_TOURISM"}

var allAgencies = []string{"DISCIPLINE", "GOVERNANCE", "POLICE", "ENVIRONMENT", "TOURISM", "FOOD_DRUG"}

// criteria judges the first n criteria, each passed unless it is failed.
func criteria(n int, failed string) []map[string]any {
	out := []map[string]any{}
	for _, c := range allCriteria[:n] {
		out = append(out, map[string]any{"criterion": c, "passed": c != failed})
	}
	return out
}

func opinions(n int) []map[string]any {
	out := []map[string]any{}
	for _, a := range allAgencies[:n] {
		out = append(out, map[string]any{"agency": a, "favourable": true, "text": "同意"})
	}
	return out
}

// fsFixture is a county with two townships of two villages, one branch
// each, and a client per role.
type fsFixture struct {
	t    *testing.T
	d    *testdb.DB
	api  *apitest.API
	tree *apitest.Tree
	as   map[string]*apitest.Client
}

func newFSFixture(t *testing.T, d *testdb.DB) *fsFixture {
	tree := apitest.Matrix(t, d.Client, 2, 2, 1, 3)
	return &fsFixture{t: t, d: d, api: apitest.New(t, d), tree: tree, as: map[string]*apitest.Client{}}
}

// as returns the client of the account with role at the named org ("" and
// ADMIN for admin).
func (f *fsFixture) client(role rolebinding.Role, orgName string) *apitest.Client {
	name := "admin"
	if role != rolebinding.RoleAdmin {
		name = apitest.Username(role, orgName)
	}
	if c := f.as[name]; c != nil {
		return c
	}
	c := f.api.Login(f.t, name, apitest.Password)
	f.as[name] = c
	return c
}

func (f *fsFixture) village(name string) *apitest.Client {
	return f.client(rolebinding.RoleOrgAdmin, name)
}

func (f *fsFixture) township() *apitest.Client { return f.client(rolebinding.RoleOrgAdmin, "C.T1") }
func (f *fsFixture) county() *apitest.Client   { return f.client(rolebinding.RoleOrgAdmin, "C") }

// nominationInput is a valid nomination of member M<m> of village's branch.
func (f *fsFixture) nominationInput(village string, m int) map[string]any {
	return map[string]any{
		"memberID":       gqlID(f.tree.Members[fmt.Sprintf("%s.B1.M%d", village, m)].ID),
		"villageID":      gqlID(f.tree.Orgs[village].ID),
		"name":           fmt.Sprintf("%s农家宾馆%d", village, m),
		"licenceNo":      fmt.Sprintf("92410000MA%06d", m),
		"operatingSince": fsSince,
		"criteria":       criteria(10, ""),
		"on":             fsOn,
	}
}

// must runs a mutation that must succeed and returns its data.
func (f *fsFixture) must(c *apitest.Client, q string, vars map[string]any) map[string]any {
	f.t.Helper()
	var out map[string]any
	c.MustDo(f.t, q, vars, &out)
	return out
}

// field digs a string out of decoded data: field(data, "nominateFarmStay", "id").
func field(data map[string]any, path ...string) any {
	var v any = data
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// nominate recommends member M<m> of village and returns the nomination ID.
func (f *fsFixture) nominate(village string, m int) string {
	f.t.Helper()
	return field(f.must(f.village(village), nominateQ, gqlVars("in", f.nominationInput(village, m))), "nominateFarmStay", "id").(string)
}

// reviewed takes a new nomination to TOWNSHIP_REVIEWED.
func (f *fsFixture) reviewed(village, township string, m int) string {
	f.t.Helper()
	id := f.nominate(village, m)
	f.must(f.village(village), noticeQ, gqlVars("id", id, "from", fsNoticeFrom, "to", fsNoticeTo, "on", fsOn))
	f.must(f.client(rolebinding.RoleOrgAdmin, township), reviewQ, gqlVars("id", id, "in", map[string]any{"opinions": opinions(6), "approve": true, "on": fsAfter}))
	return id
}

// fsState is what a refused step must leave as it was.
type fsState struct {
	Counts map[string]int
	Target string
}

func (f *fsFixture) snapshot(id string) fsState {
	f.t.Helper()
	ctx, c := systemCtx(), f.d.Client
	s := fsState{Counts: map[string]int{
		"nominations": c.FarmStayNomination.Query().CountX(ctx),
		"criteria":    c.FarmStayCriterion.Query().CountX(ctx),
		"opinions":    c.FarmStayOpinion.Query().CountX(ctx),
		"objections":  c.FarmStayObjection.Query().CountX(ctx),
		"audit":       c.AuditLog.Query().CountX(ctx),
	}}
	if id != "" {
		n, err := c.Noder(ctx, parseGQLID(f.t, id))
		if err != nil {
			f.t.Fatal(err)
		}
		b, _ := json.Marshal(n)
		s.Target = string(b)
	}
	return s
}

// refused runs a step that must fail with code and write nothing.
func (f *fsFixture) refused(name string, c *apitest.Client, q string, vars map[string]any, target, code string) {
	f.t.Helper()
	f.t.Run(name, func(t *testing.T) {
		before := f.snapshot(target)
		var data map[string]any
		expectCode(t, c.Do(t, q, vars, &data), code)
		for k, v := range data {
			if v != nil {
				t.Errorf("data.%s = %v, want null", k, v)
			}
		}
		if after := f.snapshot(target); !equalState(before, after) {
			t.Errorf("the refused step wrote:\nbefore %+v\nafter  %+v", before, after)
		}
	})
}

func equalState(a, b fsState) bool {
	if a.Target != b.Target || len(a.Counts) != len(b.Counts) {
		return false
	}
	for k, v := range a.Counts {
		if b.Counts[k] != v {
			return false
		}
	}
	return true
}

// TestFarmStayWorkflow walks nominations through every legal step, and
// tries each illegal one on the way: its code, and nothing written.
func TestFarmStayWorkflow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newFSFixture(t, d)
		f.t = t
		v1, v2 := f.village("C.T1.V1"), f.village("C.T1.V2")
		township, county := f.township(), f.county()
		otherTownship := f.client(rolebinding.RoleOrgAdmin, "C.T2")
		viewerT1 := f.client(rolebinding.RoleViewer, "C.T1")
		branchAdmin := f.client(rolebinding.RoleOrgAdmin, "C.T1.V1.B1")

		with := func(kv ...any) map[string]any {
			in := f.nominationInput("C.T1.V1", 1)
			for i := 0; i < len(kv); i += 2 {
				in[kv[i].(string)] = kv[i+1]
			}
			return gqlVars("in", in)
		}
		// Nominating: the rules, each at its edge.
		f.refused("five months of operation", v1, nominateQ, with("operatingSince", "2025-08-15"), "", "BAD_USER_INPUT")
		f.refused("six months minus one day", v1, nominateQ, with("operatingSince", "2025-07-16"), "", "BAD_USER_INPUT")
		f.refused("nine criteria", v1, nominateQ, with("criteria", criteria(9, "")), "", "BAD_USER_INPUT")
		f.refused("a failed criterion", v1, nominateQ, with("criteria", criteria(10, "FAIR_PRICES")), "", "BAD_USER_INPUT")
		f.refused("a criterion twice", v1, nominateQ, with("criteria", append(criteria(9, ""), criteria(1, "")...)), "", "BAD_USER_INPUT")
		f.refused("no licence", v1, nominateQ, with("licenceNo", " "), "", "BAD_USER_INPUT")
		f.refused("a member of another village", v1, nominateQ, with("memberID", gqlID(f.tree.Members["C.T1.V2.B1.M1"].ID)), "", "NOT_FOUND")
		f.refused("a day in the future", v1, nominateQ, with("on", "2999-01-01"), "", "BAD_USER_INPUT")
		f.refused("by the township", township, nominateQ, with(), "", "FORBIDDEN")
		f.refused("by the county", county, nominateQ, with(), "", "FORBIDDEN")
		f.refused("by the village's branch", branchAdmin, nominateQ, with(), "", "NOT_FOUND")
		f.refused("by a viewer", viewerT1, nominateQ, with(), "", "FORBIDDEN")
		f.refused("by another township", otherTownship, nominateQ, with(), "", "NOT_FOUND")

		before := f.snapshot("")
		id := f.nominate("C.T1.V1", 1) // exactly six months
		after := f.snapshot(id)
		if after.Counts["criteria"] != before.Counts["criteria"]+10 || after.Counts["audit"] < before.Counts["audit"]+11 {
			t.Errorf("nominating wrote %+v after %+v: want ten criteria and their audit entries", after.Counts, before.Counts)
		}

		noticeVars := gqlVars("id", id, "from", fsNoticeFrom, "to", fsNoticeTo, "on", fsOn)
		review := func(n int, approve bool, on string) map[string]any {
			return gqlVars("id", id, "in", map[string]any{"opinions": opinions(n), "approve": approve, "reason": "综合评定", "on": on})
		}
		approval := func(ids ...string) map[string]any {
			return gqlVars("in", map[string]any{"batch": "第一批", "nominationIDs": ids, "on": fsApproveOn})
		}
		f.refused("review before the notice", township, reviewQ, review(6, true, fsAfter), id, "CONFLICT")
		f.refused("approval before the review", county, approveQ, approval(id), id, "CONFLICT")
		f.refused("objection before the notice", township, lodgeQ, gqlVars("id", id, "text", "x", "on", fsOn), id, "CONFLICT")
		f.refused("notice by the township", township, noticeQ, noticeVars, id, "FORBIDDEN")
		f.refused("notice ending before it starts", v1, noticeQ, gqlVars("id", id, "from", fsNoticeTo, "to", fsNoticeFrom, "on", fsOn), id, "BAD_USER_INPUT")
		f.refused("notice by another village", v2, noticeQ, noticeVars, id, "NOT_FOUND")
		f.must(v1, noticeQ, noticeVars)
		f.refused("a second notice", v1, noticeQ, noticeVars, id, "CONFLICT")

		f.refused("review during the notice", township, reviewQ, review(6, true, fsNoticeTo), id, "CONFLICT")
		f.refused("objection after the notice", township, lodgeQ, gqlVars("id", id, "text", "x", "on", fsAfter), id, "CONFLICT")
		f.refused("objection by a viewer", viewerT1, lodgeQ, gqlVars("id", id, "text", "x", "on", "2026-01-22"), id, "FORBIDDEN")
		obj := field(f.must(v1, lodgeQ, gqlVars("id", id, "text", "经营中存在价格欺诈", "on", "2026-01-22")), "lodgeObjection", "id").(string)
		f.refused("review with an open objection", township, reviewQ, review(6, true, fsAfter), id, "CONFLICT")
		f.refused("objection resolved by the village", v1, resolveQ, gqlVars("id", obj, "upheld", false, "on", fsAfter), obj, "FORBIDDEN")
		f.refused("objection resolved by the county", county, resolveQ, gqlVars("id", obj, "upheld", false, "on", fsAfter), obj, "FORBIDDEN")
		if got := field(f.must(township, resolveQ, gqlVars("id", obj, "upheld", false, "on", fsAfter)), "resolveObjection", "nomination", "stage"); got != "NOTICE" {
			t.Errorf("a dismissed objection left the nomination %v, want NOTICE", got)
		}
		f.refused("objection resolved twice", township, resolveQ, gqlVars("id", obj, "upheld", true, "on", fsAfter), obj, "CONFLICT")

		f.refused("review with five opinions", township, reviewQ, review(5, true, fsAfter), id, "BAD_USER_INPUT")
		f.refused("approving against an unfavourable opinion", township, reviewQ, gqlVars("id", id, "in", map[string]any{
			"opinions": append(opinions(5), map[string]any{"agency": "FOOD_DRUG", "favourable": false}), "approve": true, "on": fsAfter}), id, "BAD_USER_INPUT")
		f.refused("review by the village", v1, reviewQ, review(6, true, fsAfter), id, "FORBIDDEN")
		f.refused("review by the county", county, reviewQ, review(6, true, fsAfter), id, "FORBIDDEN")
		f.refused("review by another township", otherTownship, reviewQ, review(6, true, fsAfter), id, "NOT_FOUND")
		f.must(township, reviewQ, review(6, true, fsAfter))
		f.refused("a second review", township, reviewQ, review(6, true, fsAfter), id, "CONFLICT")

		f.refused("approval by the township", township, approveQ, approval(id), id, "FORBIDDEN")
		f.refused("approval by the village", v1, approveQ, approval(id), id, "FORBIDDEN")
		f.refused("approval without a batch", county, approveQ, gqlVars("in", map[string]any{"batch": " ", "nominationIDs": []string{id}}), id, "BAD_USER_INPUT")
		f.refused("approval listing one twice", county, approveQ, approval(id, id), id, "BAD_USER_INPUT")
		f.refused("approval before the review's day", county, approveQ, gqlVars("in", map[string]any{"batch": "第一批", "nominationIDs": []string{id}, "on": fsOn}), id, "BAD_USER_INPUT")
		got := f.must(county, approveQ, approval(id))["approveFarmStays"].([]any)[0].(map[string]any)
		if got["stage"] != "APPROVED" || got["batch"] != "第一批" || got["plaqueNo"] != float64(1) {
			t.Errorf("approved: %v, want APPROVED in 第一批 with plaque 1", got)
		}
		f.refused("approval twice", county, approveQ, approval(id), id, "CONFLICT")
		f.refused("withdrawal by the township", township, withdrawQ, gqlVars("id", id, "on", fsApproveOn), id, "FORBIDDEN")
		f.must(county, withdrawQ, gqlVars("id", id, "on", fsApproveOn))
		f.refused("withdrawal twice", county, withdrawQ, gqlVars("id", id, "on", fsApproveOn), id, "CONFLICT")

		// An upheld objection rejects; nothing moves a rejected nomination.
		rejected := f.nominate("C.T1.V1", 2)
		f.must(v1, noticeQ, gqlVars("id", rejected, "from", fsNoticeFrom, "to", fsNoticeTo, "on", fsOn))
		obj = field(f.must(township, lodgeQ, gqlVars("id", rejected, "text", "群众反映卫生差", "on", fsNoticeFrom)), "lodgeObjection", "id").(string)
		if got := field(f.must(township, resolveQ, gqlVars("id", obj, "upheld", true, "on", fsAfter)), "resolveObjection", "nomination", "stage"); got != "REJECTED" {
			t.Errorf("an upheld objection left the nomination %v, want REJECTED", got)
		}
		f.refused("notice on a rejected nomination", v1, noticeQ, gqlVars("id", rejected, "from", fsNoticeFrom, "to", fsNoticeTo, "on", fsOn), rejected, "CONFLICT")
		f.refused("objection on a rejected nomination", township, lodgeQ, gqlVars("id", rejected, "text", "x", "on", fsNoticeTo), rejected, "CONFLICT")
		f.refused("review of a rejected nomination", township, reviewQ, gqlVars("id", rejected, "in", map[string]any{"opinions": opinions(6), "approve": true, "on": fsAfter}), rejected, "CONFLICT")
		f.refused("approval of a rejected nomination", county, approveQ, approval(rejected), rejected, "CONFLICT")
		f.refused("rejecting a rejected nomination", county, rejectQ, gqlVars("id", rejected, "on", fsApproveOn), rejected, "CONFLICT")

		// The township rejects with a reason; the county rejects a reviewed one.
		byTownship := f.nominate("C.T1.V1", 3)
		f.must(v1, noticeQ, gqlVars("id", byTownship, "from", fsNoticeFrom, "to", fsNoticeTo, "on", fsOn))
		f.refused("rejecting without a reason", township, reviewQ, gqlVars("id", byTownship, "in", map[string]any{"opinions": opinions(6), "approve": false, "on": fsAfter}), byTownship, "BAD_USER_INPUT")
		if got := field(f.must(township, reviewQ, gqlVars("id", byTownship, "in", map[string]any{"opinions": opinions(6), "approve": false, "reason": "群众评价一般", "on": fsAfter})), "reviewFarmStay", "stage"); got != "REJECTED" {
			t.Errorf("a rejecting review gave %v, want REJECTED", got)
		}
		byCounty := f.reviewed("C.T1.V2", "C.T1", 1)
		f.refused("rejection by the township", township, rejectQ, gqlVars("id", byCounty, "on", fsApproveOn), byCounty, "FORBIDDEN")
		if got := field(f.must(county, rejectQ, gqlVars("id", byCounty, "on", fsApproveOn)), "rejectFarmStay", "stage"); got != "REJECTED" {
			t.Errorf("the county's rejection gave %v, want REJECTED", got)
		}
	})
}

// TestFarmStayViewerCan: each viewerCan… field answers as its step does,
// for the village, township and county admins, a viewer and ADMIN.
func TestFarmStayViewerCan(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newFSFixture(t, d)
		callers := map[string]*apitest.Client{
			"village":  f.village("C.T1.V1"),
			"township": f.township(),
			"county":   f.county(),
			"viewer":   f.client(rolebinding.RoleViewer, "C"),
		}
		// step: the field, the mutation (dated today) and who may take it.
		type step struct {
			field, query string
			vars         func(id string) map[string]any
			who          string
		}
		steps := []step{
			{"viewerCanStartNotice", noticeQ, func(id string) map[string]any {
				return gqlVars("id", id, "from", fsNoticeFrom, "to", fsNoticeTo)
			}, "village"},
			{"viewerCanReview", reviewQ, func(id string) map[string]any {
				return gqlVars("id", id, "in", map[string]any{"opinions": opinions(6), "approve": true})
			}, "township"},
			{"viewerCanApprove", approveQ, func(id string) map[string]any {
				return gqlVars("in", map[string]any{"batch": "第一批", "nominationIDs": []string{id}})
			}, "county"},
			{"viewerCanWithdrawPlaque", withdrawQ, func(id string) map[string]any { return gqlVars("id", id) }, "county"},
		}
		id := f.nominate("C.T1.V1", 1)
		for _, s := range steps {
			// The refused callers first, then the one whose step it is.
			for _, who := range []string{"viewer", "village", "township", "county"} {
				if who == s.who {
					continue
				}
				f.expectCan(callers[who], id, s.field, false)
				f.refused(s.field+" as "+who, callers[who], s.query, s.vars(id), id, "FORBIDDEN")
			}
			f.expectCan(callers[s.who], id, s.field, true)
			f.must(callers[s.who], s.query, s.vars(id))
			f.expectCan(callers[s.who], id, s.field, false)
		}

		// Objections during a notice that runs today: any ORG_ADMIN in
		// scope lodges one, a viewer cannot; only the township resolves.
		today := day.Today()
		open := f.nominate("C.T1.V1", 2)
		f.must(callers["village"], noticeQ, gqlVars("id", open, "from", day.Format(today.AddDate(0, 0, -1)), "to", day.Format(today.AddDate(0, 0, 5))))
		f.expectCan(callers["viewer"], open, "viewerCanLodgeObjection", false)
		f.refused("lodgeObjection as viewer", callers["viewer"], lodgeQ, gqlVars("id", open, "text", "异议"), open, "FORBIDDEN")
		var objections []string
		for _, who := range []string{"village", "township", "county"} {
			f.expectCan(callers[who], open, "viewerCanLodgeObjection", true)
			objections = append(objections, field(f.must(callers[who], lodgeQ, gqlVars("id", open, "text", "异议")), "lodgeObjection", "id").(string))
		}
		f.expectCan(callers["township"], open, "viewerCanReview", false)
		for _, o := range objections {
			for _, who := range []string{"viewer", "village", "county"} {
				f.expectCanOn(callers[who], "FarmStayObjection", o, "viewerCanResolve", false)
				f.refused("resolveObjection as "+who, callers[who], resolveQ, gqlVars("id", o, "upheld", false), o, "FORBIDDEN")
			}
			f.expectCanOn(callers["township"], "FarmStayObjection", o, "viewerCanResolve", true)
			f.must(callers["township"], resolveQ, gqlVars("id", o, "upheld", false))
			f.expectCanOn(callers["township"], "FarmStayObjection", o, "viewerCanResolve", false)
		}

		// The county rejects a reviewed nomination; nobody else may.
		reviewed := f.reviewed("C.T1.V1", "C.T1", 3)
		for _, who := range []string{"viewer", "village", "township"} {
			f.expectCan(callers[who], reviewed, "viewerCanReject", false)
			f.refused("rejectFarmStay as "+who, callers[who], rejectQ, gqlVars("id", reviewed), reviewed, "FORBIDDEN")
		}
		f.expectCan(callers["county"], reviewed, "viewerCanReject", true)
		f.must(callers["county"], rejectQ, gqlVars("id", reviewed))
		f.expectCan(callers["county"], reviewed, "viewerCanReject", false)
	})
}

func (f *fsFixture) expectCan(c *apitest.Client, id, fieldName string, want bool) {
	f.t.Helper()
	f.expectCanOn(c, "FarmStayNomination", id, fieldName, want)
}

func (f *fsFixture) expectCanOn(c *apitest.Client, typ, id, fieldName string, want bool) {
	f.t.Helper()
	var out struct{ Node map[string]any }
	c.MustDo(f.t, `query($id: ID!) { node(id: $id) { ... on `+typ+` { `+fieldName+` } } }`, gqlVars("id", id), &out)
	if got := out.Node[fieldName]; got != want {
		f.t.Errorf("%s = %v, want %v", fieldName, got, want)
	}
}

// TestFarmStayConcurrentApprovals: parallel HTTP requests approving one
// nomination: one wins, the others CONFLICT; parallel batches over
// different nominations of one county all win with distinct plaque
// numbers.
func TestFarmStayConcurrentApprovals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newFSFixture(t, d)
		county, admin := f.county(), f.client(rolebinding.RoleAdmin, "")
		one := f.reviewed("C.T1.V1", "C.T1", 1)
		const racers = 8
		codes := make([]string, racers)
		var wg sync.WaitGroup
		for i := range racers {
			c := county
			if i%2 == 1 {
				c = admin
			}
			wg.Go(func() {
				errs := c.Do(t, approveQ, gqlVars("in", map[string]any{"batch": "第一批", "nominationIDs": []string{one}}), nil)
				codes[i] = "OK"
				if len(errs) > 0 {
					codes[i] = errs[0].Code()
				}
			})
		}
		wg.Wait()
		if wins := count(codes, "OK"); wins != 1 || count(codes, "CONFLICT") != racers-1 {
			t.Errorf("parallel approvals of one nomination answered %v: want one OK, the rest CONFLICT", codes)
		}

		var ids []string
		for _, v := range []string{"C.T1.V1", "C.T1.V2"} {
			for m := 2; m <= 3; m++ {
				ids = append(ids, f.reviewed(v, "C.T1", m))
			}
		}
		for m := 1; m <= 2; m++ {
			ids = append(ids, f.reviewed("C.T2.V1", "C.T2", m))
		}
		numbers := make([]int, len(ids))
		for i, id := range ids {
			wg.Go(func() {
				var out struct{ ApproveFarmStays []struct{ PlaqueNo int } }
				if errs := county.Do(t, approveQ, gqlVars("in", map[string]any{"batch": "第二批", "nominationIDs": []string{id}}), &out); len(errs) > 0 {
					t.Errorf("approving %s: %v", id, errs)
					return
				}
				numbers[i] = out.ApproveFarmStays[0].PlaqueNo
			})
		}
		wg.Wait()
		slices.Sort(numbers)
		for i, n := range numbers {
			if n != i+2 {
				t.Fatalf("plaque numbers %v: want 2 to %d, each once", numbers, len(ids)+1)
			}
		}
	})
}

// TestFarmStayObjectionRacesReview: an objection lodged (dated in the
// notice) while the township reviews (dated after it): exactly one of the
// two parallel requests wins, the other is CONFLICT, so a review never
// passes over an objection.
func TestFarmStayObjectionRacesReview(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newFSFixture(t, d)
		village, township := f.village("C.T1.V1"), f.township()
		for m := 1; m <= 3; m++ {
			id := f.nominate("C.T1.V1", m)
			f.must(village, noticeQ, gqlVars("id", id, "from", fsNoticeFrom, "to", fsNoticeTo, "on", fsOn))
			codes := make([]string, 2)
			var wg sync.WaitGroup
			for i, call := range []func() []apitest.Error{
				func() []apitest.Error {
					return village.Do(t, lodgeQ, gqlVars("id", id, "text", "异议", "on", fsNoticeTo), nil)
				},
				func() []apitest.Error {
					return township.Do(t, reviewQ, gqlVars("id", id, "in", map[string]any{"opinions": opinions(6), "approve": true, "on": fsAfter}), nil)
				},
			} {
				wg.Go(func() {
					codes[i] = "OK"
					if errs := call(); len(errs) > 0 {
						codes[i] = errs[0].Code()
					}
				})
			}
			wg.Wait()
			if count(codes, "OK") != 1 || count(codes, "CONFLICT") != 1 {
				t.Errorf("lodge and review in parallel answered %v: want one OK and one CONFLICT", codes)
			}
			var out struct{ Node struct{ Stage string } }
			township.MustDo(t, `query($id: ID!) { node(id: $id) { ... on FarmStayNomination { stage } } }`, gqlVars("id", id), &out)
			if want := map[bool]string{true: "NOTICE", false: "TOWNSHIP_REVIEWED"}[codes[0] == "OK"]; out.Node.Stage != want {
				t.Errorf("stage %s after %v, want %s", out.Node.Stage, codes, want)
			}
		}
	})
}

func count(codes []string, code string) int {
	n := 0
	for _, c := range codes {
		if c == code {
			n++
		}
	}
	return n
}

// TestFarmStayScope: nominations and their objections are seen exactly
// by the levels above their village, in lists, counts, node and filters.
func TestFarmStayScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newFSFixture(t, d)
		inT1 := f.reviewed("C.T1.V1", "C.T1", 1)
		inT2 := f.nominate("C.T2.V1", 1)
		f.must(f.village("C.T2.V1"), noticeQ, gqlVars("id", inT2, "from", fsNoticeFrom, "to", fsNoticeTo, "on", fsOn))
		objT2 := field(f.must(f.village("C.T2.V1"), lodgeQ, gqlVars("id", inT2, "text", "异议", "on", fsNoticeFrom)), "lodgeObjection", "id").(string)
		t1, t2 := f.tree.Orgs["C.T1"], f.tree.Orgs["C.T2"]
		for _, tc := range []struct {
			role    rolebinding.Role
			org     string
			sees    []string
			seesObj bool
		}{
			{rolebinding.RoleAdmin, "", []string{inT1, inT2}, true},
			{rolebinding.RoleOrgAdmin, "C", []string{inT1, inT2}, true},
			{rolebinding.RoleViewer, "C", []string{inT1, inT2}, true},
			{rolebinding.RoleOrgAdmin, "C.T1", []string{inT1}, false},
			{rolebinding.RoleViewer, "C.T1", []string{inT1}, false},
			{rolebinding.RoleOrgAdmin, "C.T1.V1", []string{inT1}, false},
			{rolebinding.RoleOrgAdmin, "C.T1.V2", nil, false},
			{rolebinding.RoleOrgAdmin, "C.T1.V1.B1", nil, false},
			{rolebinding.RoleMember, "C.T1.V1.B1", nil, false},
			{rolebinding.RoleOrgAdmin, "C.T2", []string{inT2}, true},
		} {
			t.Run(string(tc.role)+" "+tc.org, func(t *testing.T) {
				c := f.client(tc.role, tc.org)
				var out struct {
					All, InT1, InT2, Stage, ByVillage struct {
						TotalCount int
						Edges      []struct{ Node struct{ ID string } }
					}
					N1, N2, O map[string]any
				}
				errs := c.Do(t, `query($t1: ID!, $t2: ID!, $v2: ID!, $n1: ID!, $n2: ID!, $o: ID!) {
					all: farmStayNominations { totalCount edges { node { id } } }
					inT1: farmStayNominations(where: { withinOrg: $t1 }) { totalCount edges { node { id } } }
					inT2: farmStayNominations(where: { withinOrg: $t2 }) { totalCount edges { node { id } } }
					stage: farmStayNominations(where: { stage: TOWNSHIP_REVIEWED }) { totalCount edges { node { id } } }
					byVillage: farmStayNominations(where: { hasVillageWith: { id: $v2 } }) { totalCount edges { node { id } } }
					n1: node(id: $n1) { id } n2: node(id: $n2) { id } o: node(id: $o) { id }
				}`, gqlVars("t1", gqlID(t1.ID), "t2", gqlID(t2.ID), "v2", gqlID(f.tree.Orgs["C.T2.V1"].ID), "n1", inT1, "n2", inT2, "o", objT2), &out)
				for _, e := range errs {
					if e.Code() != "NOT_FOUND" {
						t.Errorf("unexpected error %v", e)
					}
				}
				ids := func(conn struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}) []string {
					var s []string
					for _, e := range conn.Edges {
						s = append(s, e.Node.ID)
					}
					if conn.TotalCount != len(s) {
						t.Errorf("totalCount %d for %d edges", conn.TotalCount, len(s))
					}
					return s
				}
				want := slices.Clone(tc.sees)
				if got := ids(out.All); !slices.Equal(got, want) {
					t.Errorf("farmStayNominations = %v, want %v", got, want)
				}
				// withinOrg names a township: one the caller cannot see
				// matches nothing, like one that does not exist.
				seesOrg := func(name string) bool { return tc.org == "" || tc.org == "C" || tc.org == name }
				if got, w := ids(out.InT1), filter(want, inT1); !slices.Equal(got, w) && !(got == nil && !seesOrg("C.T1")) {
					t.Errorf("withinOrg C.T1 = %v, want %v", got, w)
				}
				if got, w := ids(out.InT2), filter(want, inT2); !slices.Equal(got, w) && !(got == nil && !seesOrg("C.T2")) {
					t.Errorf("withinOrg C.T2 = %v, want %v", got, w)
				}
				if got := ids(out.Stage); !slices.Equal(got, filter(want, inT1)) {
					t.Errorf("stage TOWNSHIP_REVIEWED = %v, want %v", got, filter(want, inT1))
				}
				if got := ids(out.ByVillage); !slices.Equal(got, filter(want, inT2)) {
					t.Errorf("hasVillageWith C.T2.V1 = %v, want %v", got, filter(want, inT2))
				}
				if (out.N1 != nil) != slices.Contains(want, inT1) || (out.N2 != nil) != slices.Contains(want, inT2) {
					t.Errorf("node: %v %v, want seen %v", out.N1, out.N2, want)
				}
				if (out.O != nil) != tc.seesObj {
					t.Errorf("objection node %v, want seen %v", out.O, tc.seesObj)
				}
			})
		}
	})
}

// filter keeps the IDs of s that equal id.
func filter(s []string, id string) []string {
	if slices.Contains(s, id) {
		return []string{id}
	}
	return nil
}
