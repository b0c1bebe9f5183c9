package graph_test

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pointcatalog"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/pointitem"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/points"
	"github.com/partyorg/partyorg/internal/testdb"
)

const (
	setUpCatalogsQ = `mutation($c: ID!, $y: Int!) { setUpPointCatalogs(countyID: $c, year: $y) { id sector revision frozen items { id part title points yearCap } } }`
	createCatalogQ = `mutation($in: CreatePointCatalogInput!) { createPointCatalog(input: $in) { id revision } }`
	declareQ       = `mutation($in: DeclarePointsInput!) { declarePoints(input: $in) { id points period year state item { id } } }`
	reviewEntryQ   = `mutation($id: ID!, $ok: Boolean!, $r: String, $on: Date) { reviewPointEntry(id: $id, approve: $ok, reason: $r, on: $on) { id state } }`
	reverseQ       = `mutation($id: ID!, $r: String!) { reversePointEntry(id: $id, reason: $r) { id points state reverses { id } } }`
	closeHalfQ     = `mutation($b: ID!, $y: Int!, $h: Int!, $on: Date) { closeHalfYear(branchID: $b, year: $y, half: $h, on: $on) { id state } }`
	appealQ        = `mutation($e: ID!, $t: String!) { appealPointEntry(entryID: $e, text: $t) { id state } }`
	answerQ        = `mutation($id: ID!, $ok: Boolean!, $a: String!) { answerAppeal(id: $id, accepted: $ok, answer: $a) { id state } }`
	publishHalfQ   = `mutation($id: ID!) { publishHalfYear(id: $id) { id state } }`
	closeYearQ     = `mutation($b: ID!, $y: Int!, $on: Date) { closeYear(branchID: $b, year: $y, on: $on) { member { name } total grade consequences } }`
	scoreQ         = `query($id: ID!, $y: Int!) { node(id: $id) { ... on Member { score(year: $y) { base bonus deduction vetoed total grade } } } }`
)

// pointsWorld is a county (2 townships × 1 village × 2 branches × 3
// members) with the 2024 catalogues set up, the RURAL items by title,
// and an ORG_ADMIN of C.T1.V1.B1 who is also its member M2.
type pointsWorld struct {
	d     *testdb.DB
	api   *apitest.API
	tree  *apitest.Tree
	items map[string]string // RURAL 2024 item ID by title
	base  []string          // the titles of its BASE items
	as    func(username string) *apitest.Client
}

const adminMember = "b1.secretary" // ORG_ADMIN of C.T1.V1.B1, member C.T1.V1.B1.M2

func newPointsWorld(t *testing.T, d *testdb.DB) *pointsWorld {
	t.Helper()
	tree := apitest.Matrix(t, d.Client, 2, 1, 2, 3)
	role := rolebinding.RoleOrgAdmin
	m2 := tree.Members["C.T1.V1.B1.M2"].ID
	b1 := tree.Orgs["C.T1.V1.B1"].ID
	if _, err := account.Create(systemCtx(), d.Client, account.NewUser{
		Username: adminMember, Password: apitest.Password, MemberID: &m2, Role: &role, OrgID: &b1,
	}); err != nil {
		t.Fatal(err)
	}
	w := &pointsWorld{d: d, api: apitest.New(t, d), tree: tree}
	clients := map[string]*apitest.Client{}
	w.as = func(u string) *apitest.Client {
		if c, ok := clients[u]; ok {
			return c
		}
		clients[u] = w.api.Login(t, u, apitest.Password)
		return clients[u]
	}
	w.items, w.base = w.catalogue(t, 2024)
	return w
}

// catalogue sets up the county's catalogues of a year and returns the
// RURAL items' IDs by title and the titles of its BASE items.
func (w *pointsWorld) catalogue(t *testing.T, year int) (items map[string]string, base []string) {
	t.Helper()
	var out struct {
		SetUpPointCatalogs []struct {
			ID, Sector string
			Items      []struct{ ID, Title, Part string }
		}
	}
	w.as(countyAdmin).MustDo(t, setUpCatalogsQ, gqlVars("c", w.org("C"), "y", year), &out)
	items = map[string]string{}
	for _, c := range out.SetUpPointCatalogs {
		if c.Sector == "RURAL" {
			for _, it := range c.Items {
				items[it.Title] = it.ID
				if it.Part == "BASE" {
					base = append(base, it.Title)
				}
			}
		}
	}
	return items, base
}

var (
	countyAdmin  = apitest.Username(rolebinding.RoleOrgAdmin, "C")
	countyViewer = apitest.Username(rolebinding.RoleViewer, "C")
	t1Admin      = apitest.Username(rolebinding.RoleOrgAdmin, "C.T1")
	t2Admin      = apitest.Username(rolebinding.RoleOrgAdmin, "C.T2")
	b1Admin      = apitest.Username(rolebinding.RoleOrgAdmin, "C.T1.V1.B1")
	b1Member     = apitest.Username(rolebinding.RoleMember, "C.T1.V1.B1") // C.T1.V1.B1.M1
)

// Item titles of the default RURAL catalogue used below.
const (
	dutyStudy    = "认真学习马克思列宁主义、毛泽东思想和中国特色社会主义理论，按时参加组织生活和主题党日"
	bonusPoor    = "脱贫攻坚"
	deductDues   = "不按时交纳党费"
	vetoLaw      = "违纪违法，受到党纪政务处分或刑事处罚"
	deductAbsent = "无故不参加组织生活、主题党日"
)

func (w *pointsWorld) member(name string) string { return gqlID(w.tree.Members[name].ID) }
func (w *pointsWorld) org(name string) string    { return gqlID(w.tree.Orgs[name].ID) }

func entryInput(memberID, itemID, on, source string) map[string]any {
	return map[string]any{"memberID": memberID, "itemID": itemID, "occurredOn": on, "source": source}
}

// declare enters points by the branch admin and returns the entry's ID.
func (w *pointsWorld) declare(t *testing.T, by, memberName, title, on, source string) string {
	t.Helper()
	var out struct{ DeclarePoints struct{ ID string } }
	w.as(by).MustDo(t, declareQ, gqlVars("in", entryInput(w.member(memberName), w.items[title], on, source)), &out)
	return out.DeclarePoints.ID
}

// setStatus sets members' statuses below the API.
func (w *pointsWorld) setStatus(statuses map[string]member.Status) {
	for name, status := range statuses {
		upd := w.d.Client.Member.UpdateOneID(w.tree.Members[name].ID).SetStatus(status)
		if status == member.StatusActivist {
			upd.ClearCategory() // an activist carries no category
		}
		upd.ExecX(systemCtx())
	}
}

// record enters an item's points for a member on a day, approved, by the
// county's ORG_ADMIN (who is no member), and returns the entry's ID.
func (w *pointsWorld) record(t *testing.T, memberName, itemID, on string) string {
	t.Helper()
	var out struct{ DeclarePoints struct{ ID string } }
	w.as(countyAdmin).MustDo(t, declareQ, gqlVars("in", entryInput(w.member(memberName), itemID, on, "BRANCH_RECORDED")), &out)
	w.as(countyAdmin).MustDo(t, reviewEntryQ, gqlVars("id", out.DeclarePoints.ID, "ok", true), nil)
	return out.DeclarePoints.ID
}

// approved declares and approves an entry by the branch admin.
func (w *pointsWorld) approved(t *testing.T, memberName, title, on string) string {
	t.Helper()
	id := w.declare(t, b1Admin, memberName, title, on, "BRANCH_RECORDED")
	w.as(b1Admin).MustDo(t, reviewEntryQ, gqlVars("id", id, "ok", true), nil)
	return id
}

// counts are the row counts of the points tables and the audit trail.
func (w *pointsWorld) counts(t *testing.T) string {
	t.Helper()
	ctx, c := systemCtx(), w.d.Client
	return fmt.Sprint(c.PointCatalog.Query().CountX(ctx), c.PointItem.Query().CountX(ctx), c.PointEntry.Query().CountX(ctx),
		c.PointHalfYear.Query().CountX(ctx), c.PointAppeal.Query().CountX(ctx), c.AnnualResult.Query().CountX(ctx),
		c.AuditLog.Query().CountX(ctx), c.PointEntry.Query().Where(pointentry.StateEQ(pointentry.StateDeclared)).CountX(ctx))
}

type pointRefusal struct {
	name, user, query string
	vars              map[string]any
	code              string
}

func (w *pointsWorld) refuse(t *testing.T, cases []pointRefusal) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := w.counts(t)
			expectCode(t, w.as(tc.user).Do(t, tc.query, tc.vars, nil), tc.code)
			if after := w.counts(t); after != before {
				t.Errorf("the refused mutation wrote: counts %s, then %s", before, after)
			}
		})
	}
}

func tomorrow() string { return day.Format(day.Today().AddDate(0, 0, 1)) }

// TestPointsLedger: catalogues, declarations, reviews and reversals, and
// every refusal with its code and nothing written.
func TestPointsLedger(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := newPointsWorld(t, d)
		m1, m2 := w.member("C.T1.V1.B1.M1"), w.member("C.T1.V1.B1.M2")

		// Setting up again changes nothing.
		before := w.counts(t)
		w.as(countyAdmin).MustDo(t, setUpCatalogsQ, gqlVars("c", w.org("C"), "y", 2024), nil)
		if after := w.counts(t); after != before {
			t.Errorf("setUpPointCatalogs is not idempotent: counts %s, then %s", before, after)
		}

		// The period follows the day: 16 Dec 2023 is January 2024.
		var decl struct {
			DeclarePoints struct {
				ID, Period, State string
				Points, Year      int
			}
		}
		w.as(b1Member).MustDo(t, declareQ, gqlVars("in", entryInput(m1, w.items[bonusPoor], "2023-12-16", "SELF_DECLARED")), &decl)
		if e := decl.DeclarePoints; e.Period != "2024-01" || e.Year != 2024 || e.Points != 5 || e.State != "DECLARED" {
			t.Fatalf("declared %+v, want period 2024-01, year 2024, 5 points, DECLARED", e)
		}
		selfID := decl.DeclarePoints.ID
		recorded := w.declare(t, b1Admin, "C.T1.V1.B1.M3", deductDues, "2024-03-15", "BRANCH_RECORDED")
		aboutAdmin := w.declare(t, b1Admin, "C.T1.V1.B1.M2", bonusPoor, "2024-03-16", "BRANCH_RECORDED")
		otherBranch := w.declare(t, countyAdmin, "C.T2.V1.B1.M1", bonusPoor, "2024-03-16", "BRANCH_RECORDED")

		w.refuse(t, []pointRefusal{
			{"declare for another member", b1Member, declareQ, gqlVars("in", entryInput(m2, w.items[bonusPoor], "2024-03-01", "SELF_DECLARED")), "NOT_FOUND"},
			{"member records", b1Member, declareQ, gqlVars("in", entryInput(m1, w.items[bonusPoor], "2024-03-01", "BRANCH_RECORDED")), "FORBIDDEN"},
			{"declare outside scope", t2Admin, declareQ, gqlVars("in", entryInput(m1, w.items[bonusPoor], "2024-03-01", "BRANCH_RECORDED")), "NOT_FOUND"},
			{"viewer declares", countyViewer, declareQ, gqlVars("in", entryInput(m1, w.items[bonusPoor], "2024-03-01", "BRANCH_RECORDED")), "FORBIDDEN"},
			{"future day", b1Admin, declareQ, gqlVars("in", entryInput(m1, w.items[bonusPoor], tomorrow(), "BRANCH_RECORDED")), "BAD_USER_INPUT"},
			{"mass certified without certifiers", b1Admin, declareQ, gqlVars("in", entryInput(m1, w.items[bonusPoor], "2024-03-01", "MASS_CERTIFIED")), "BAD_USER_INPUT"},
			{"item of another year", b1Admin, declareQ, gqlVars("in", entryInput(m1, w.items[bonusPoor], "2024-12-16", "BRANCH_RECORDED")), "BAD_USER_INPUT"},
			{"review own entry", adminMember, reviewEntryQ, gqlVars("id", aboutAdmin, "ok", true), "FORBIDDEN"},
			{"member reviews another's entry", b1Member, reviewEntryQ, gqlVars("id", recorded, "ok", true), "NOT_FOUND"},
			{"admin declares SELF_DECLARED for a member", b1Admin, declareQ, gqlVars("in", entryInput(m1, w.items[bonusPoor], "2024-03-01", "SELF_DECLARED")), "FORBIDDEN"},
			{"member reviews own", b1Member, reviewEntryQ, gqlVars("id", selfID, "ok", true), "FORBIDDEN"},
			{"review outside scope", t1Admin, reviewEntryQ, gqlVars("id", otherBranch, "ok", true), "NOT_FOUND"},
			{"reject without reason", b1Admin, reviewEntryQ, gqlVars("id", recorded, "ok", false), "BAD_USER_INPUT"},
			{"review before the day", b1Admin, reviewEntryQ, gqlVars("id", recorded, "ok", true, "on", "2024-03-14"), "BAD_USER_INPUT"},
			{"review in the future", b1Admin, reviewEntryQ, gqlVars("id", recorded, "ok", true, "on", tomorrow()), "BAD_USER_INPUT"},
			{"reverse a declared entry", b1Admin, reverseQ, gqlVars("id", recorded, "r", "wrong"), "CONFLICT"},
		})
		mc := entryInput(m1, w.items[bonusPoor], "2024-03-01", "MASS_CERTIFIED")
		mc["certifiers"] = []string{"王大爷", "李婶"}
		w.as(b1Admin).MustDo(t, declareQ, gqlVars("in", mc), nil)

		w.as(b1Admin).MustDo(t, reviewEntryQ, gqlVars("id", selfID, "ok", true), nil)
		w.as(b1Admin).MustDo(t, reviewEntryQ, gqlVars("id", recorded, "ok", false, "r", "已补交"), nil)
		var rev struct {
			ReversePointEntry struct {
				ID, State string
				Points    int
				Reverses  struct{ ID string }
			}
		}
		w.as(b1Admin).MustDo(t, reverseQ, gqlVars("id", selfID, "r", "登记错误"), &rev)
		if r := rev.ReversePointEntry; r.Points != -5 || r.State != "APPROVED" || r.Reverses.ID != selfID {
			t.Fatalf("reversal %+v, want -5 points, APPROVED, reversing %s", r, selfID)
		}
		otherSector := gqlID(d.Client.PointItem.Query().
			Where(pointitem.HasCatalogWith(pointcatalog.Sector(string(org.SectorSOE)), pointcatalog.Year(2024))).FirstIDX(systemCtx()))
		w.refuse(t, []pointRefusal{
			{"review twice", b1Admin, reviewEntryQ, gqlVars("id", selfID, "ok", false, "r", "again"), "CONFLICT"},
			{"reverse twice", b1Admin, reverseQ, gqlVars("id", selfID, "r", "again"), "CONFLICT"},
			{"reverse a reversal", b1Admin, reverseQ, gqlVars("id", rev.ReversePointEntry.ID, "r", "again"), "BAD_USER_INPUT"},
			{"reverse a rejected entry", b1Admin, reverseQ, gqlVars("id", recorded, "r", "again"), "CONFLICT"},
			{"member reverses", b1Member, reverseQ, gqlVars("id", selfID, "r", "again"), "FORBIDDEN"},
			{"frozen catalogue", countyAdmin, createCatalogQ, gqlVars("in", catalogInput(w.org("C"), 2024, 100)), "CONFLICT"},
			{"base not 100", countyAdmin, createCatalogQ, gqlVars("in", catalogInput(w.org("C"), 2025, 99)), "BAD_USER_INPUT"},
			{"base over 100", countyAdmin, createCatalogQ, gqlVars("in", catalogInput(w.org("C"), 2025, 101)), "BAD_USER_INPUT"},
			{"catalogue by a viewer", countyViewer, createCatalogQ, gqlVars("in", catalogInput(w.org("C"), 2025, 100)), "FORBIDDEN"},
			{"catalogue by a township", t1Admin, createCatalogQ, gqlVars("in", catalogInput(w.org("C"), 2025, 100)), "NOT_FOUND"},
			{"catalogue for a township", t1Admin, createCatalogQ, gqlVars("in", catalogInput(w.org("C.T1"), 2025, 100)), "BAD_USER_INPUT"},
			{"bad thresholds", countyAdmin, createCatalogQ, gqlVars("in", withThresholds(catalogInput(w.org("C"), 2025, 100), 90, 90, 70)), "BAD_USER_INPUT"},
			{"cap below the points", countyAdmin, createCatalogQ, gqlVars("in", withItem(catalogInput(w.org("C"), 2025, 100), "BONUS", "t", 10, 5)), "BAD_USER_INPUT"},
			{"cap on a BASE item", countyAdmin, createCatalogQ, gqlVars("in", withItem(catalogInput(w.org("C"), 2025, 90), "BASE", "t", 10, 10)), "BAD_USER_INPUT"},
			{"item without a title", countyAdmin, createCatalogQ, gqlVars("in", withItem(catalogInput(w.org("C"), 2025, 100), "BONUS", " ", 5, nil)), "BAD_USER_INPUT"},
			{"negative points", countyAdmin, createCatalogQ, gqlVars("in", withItem(catalogInput(w.org("C"), 2025, 100), "DEDUCTION", "t", -5, nil)), "BAD_USER_INPUT"},
			{"a BONUS without points", countyAdmin, createCatalogQ, gqlVars("in", withItem(catalogInput(w.org("C"), 2025, 100), "BONUS", "t", 0, nil)), "BAD_USER_INPUT"},
			{"item of another sector", b1Admin, declareQ, gqlVars("in", entryInput(m1, otherSector, "2024-03-01", "BRANCH_RECORDED")), "BAD_USER_INPUT"},
		})
		// A catalogue of a year without approved entries takes new revisions.
		for want := 1; want <= 2; want++ {
			var out struct{ CreatePointCatalog struct{ Revision int } }
			w.as(countyAdmin).MustDo(t, createCatalogQ, gqlVars("in", catalogInput(w.org("C"), 2025, 100)), &out)
			if out.CreatePointCatalog.Revision != want {
				t.Errorf("revision %d, want %d", out.CreatePointCatalog.Revision, want)
			}
		}

		// The ledger refuses updates and deletes below the API, whoever asks.
		id := parseGQLID(t, selfID)
		if err := d.Client.PointEntry.UpdateOneID(id).SetState(pointentry.StateRejected).Exec(systemCtx()); err == nil {
			t.Error("an approved entry was updated")
		}
		if err := d.Client.PointEntry.DeleteOneID(id).Exec(systemCtx()); err == nil {
			t.Error("an entry was deleted")
		}
		if e := d.Client.PointEntry.GetX(systemCtx(), id); e.State != pointentry.StateApproved {
			t.Errorf("entry state %s, want APPROVED", e.State)
		}
		// The member's score nets the reversal out: nothing approved is left.
		var sc struct {
			Node struct{ Score struct{ Bonus, Total int } }
		}
		w.as(b1Member).MustDo(t, scoreQ, gqlVars("id", m1, "y", 2024), &sc)
		if sc.Node.Score.Bonus != 0 {
			t.Errorf("score after reversal %+v, want no bonus", sc.Node.Score)
		}
	})
}

// catalogInput is a RURAL catalogue whose two BASE items add up to base.
func catalogInput(countyID string, year, base int) map[string]any {
	return map[string]any{"countyID": countyID, "year": year, "sector": "RURAL", "items": []map[string]any{
		{"part": "BASE", "title": "学习", "points": base - 40},
		{"part": "BASE", "title": "组织生活", "points": 40},
		{"part": "BONUS", "title": "脱贫攻坚", "points": 5, "yearCap": 20},
		{"part": "DEDUCTION", "title": "缺席", "points": 5},
		{"part": "VETO", "title": "违纪违法", "points": 0},
	}}
}

// withItem adds an item to a catalogue input; capped is its yearCap or nil.
func withItem(in map[string]any, part, title string, points int, capped any) map[string]any {
	in["items"] = append(in["items"].([]map[string]any), map[string]any{"part": part, "title": title, "points": points, "yearCap": capped})
	return in
}

func withThresholds(in map[string]any, ex, q, b int) map[string]any {
	in["excellent"], in["qualified"], in["basicallyQualified"] = ex, q, b
	return in
}

// TestPointsConcurrentReview: several branch admins approve one entry at
// once over HTTP: one wins, the rest are CONFLICT, never INTERNAL.
func TestPointsConcurrentReview(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := newPointsWorld(t, d)
		reviewers := []*apitest.Client{w.as(b1Admin), w.as(t1Admin), w.as(countyAdmin), w.as(apitest.Username(rolebinding.RoleOrgAdmin, "C.T1.V1"))}
		for round := range 3 {
			id := w.declare(t, b1Admin, "C.T1.V1.B1.M1", bonusPoor, fmt.Sprintf("2024-03-0%d", round+1), "BRANCH_RECORDED")
			requests := make([]func() []apitest.Error, len(reviewers))
			for i, c := range reviewers {
				requests[i] = func() []apitest.Error {
					return c.Do(t, reviewEntryQ, gqlVars("id", id, "ok", i%2 == 0, "r", "不符合"), nil)
				}
			}
			codes := concurrently(t, requests...)
			onlyConflicts(t, fmt.Sprint("round ", round), codes)
			if won := slices.Index(codes, ""); won < 0 || slices.Contains(codes[won+1:], "") {
				t.Errorf("round %d: reviews answered %q, want one success", round, codes)
			}
		}
	})
}

// TestPointsHalfYearsAndYear: a year of one branch through both
// half-years, an appeal, the year's close with grades and consequences,
// then the scope of every points type and of the rankings.
func TestPointsHalfYearsAndYear(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := newPointsWorld(t, d)
		ctx := systemCtx()
		w.setStatus(map[string]member.Status{"C.T1.V1.B1.M2": member.StatusProbationary, "C.T1.V1.B1.M3": member.StatusActivist})
		b1 := w.org("C.T1.V1.B1")
		// M1 (FULL): every duty in half 1, three contributions, a
		// deduction it will appeal: 115, EXCELLENT.
		for i, title := range w.base {
			w.approved(t, "C.T1.V1.B1.M1", title, fmt.Sprintf("2024-0%d-1%d", 1+i%5, i))
		}
		for _, on := range []string{"2024-02-01", "2024-07-01", "2024-08-01"} {
			w.approved(t, "C.T1.V1.B1.M1", bonusPoor, on)
		}
		appealed := w.approved(t, "C.T1.V1.B1.M1", deductDues, "2024-04-01")
		rejected := w.declare(t, b1Admin, "C.T1.V1.B1.M1", bonusPoor, "2024-05-01", "BRANCH_RECORDED")
		w.as(b1Admin).MustDo(t, reviewEntryQ, gqlVars("id", rejected, "ok", false, "r", "无佐证"), nil)
		// M2 (PROBATIONARY): one duty: 15, UNQUALIFIED.
		w.approved(t, "C.T1.V1.B1.M2", dutyStudy, "2024-03-01")
		// M3 (ACTIVIST): every duty and a veto: 0.
		for _, title := range w.base {
			w.approved(t, "C.T1.V1.B1.M3", title, "2024-09-01")
		}
		w.approved(t, "C.T1.V1.B1.M3", vetoLaw, "2024-10-01")
		open := w.declare(t, b1Admin, "C.T1.V1.B1.M2", deductAbsent, "2024-06-15", "BRANCH_RECORDED")
		half2 := w.approved(t, "C.T1.V1.B1.M1", deductAbsent, "2024-06-16")

		w.refuse(t, []pointRefusal{
			{"close with an entry not reviewed", b1Admin, closeHalfQ, gqlVars("b", b1, "y", 2024, "h", 1, "on", "2024-06-16"), "CONFLICT"},
			{"close a township", t1Admin, closeHalfQ, gqlVars("b", w.org("C.T1"), "y", 2024, "h", 1, "on", "2024-06-16"), "BAD_USER_INPUT"},
			{"close half 3", b1Admin, closeHalfQ, gqlVars("b", b1, "y", 2024, "h", 3, "on", "2024-06-16"), "BAD_USER_INPUT"},
			{"member closes", b1Member, closeHalfQ, gqlVars("b", b1, "y", 2024, "h", 1, "on", "2024-06-16"), "FORBIDDEN"},
			{"close outside scope", t2Admin, closeHalfQ, gqlVars("b", b1, "y", 2024, "h", 1, "on", "2024-06-16"), "NOT_FOUND"},
		})
		w.as(b1Admin).MustDo(t, reviewEntryQ, gqlVars("id", open, "ok", false, "r", "请假"), nil)
		w.refuse(t, []pointRefusal{
			{"close on its last day", b1Admin, closeHalfQ, gqlVars("b", b1, "y", 2024, "h", 1, "on", "2024-06-15"), "CONFLICT"},
			{"appeal while OPEN", b1Member, appealQ, gqlVars("e", appealed, "t", "已交"), "CONFLICT"},
		})
		var hy struct{ CloseHalfYear struct{ ID, State string } }
		w.as(b1Admin).MustDo(t, closeHalfQ, gqlVars("b", b1, "y", 2024, "h", 1, "on", "2024-06-16"), &hy)
		if hy.CloseHalfYear.State != "FEEDBACK" {
			t.Fatalf("closed half-year is %s, want FEEDBACK", hy.CloseHalfYear.State)
		}
		h1 := hy.CloseHalfYear.ID
		// Each member sees its half-year's summary: M1's half 1 holds the
		// duties, one contribution and the deduction it is about to appeal.
		const halfQ = `query($id: ID!) { node(id: $id) { ... on Member { h1: score(year: 2024, half: 1) { base bonus deduction total }
			h2: score(year: 2024, half: 2) { base bonus deduction total } } } }`
		var sum struct {
			Node struct {
				H1, H2 struct{ Base, Bonus, Deduction, Total int }
			}
		}
		w.as(b1Member).MustDo(t, halfQ, gqlVars("id", w.member("C.T1.V1.B1.M1")), &sum)
		if got := fmt.Sprint(sum.Node.H1, sum.Node.H2); got != "{100 5 5 100} {0 10 5 5}" {
			t.Errorf("M1's half-year summaries %s, want {100 5 5 100} {0 10 5 5}", got)
		}
		expectCode(t, w.as(b1Member).Do(t, `query($id: ID!) { node(id: $id) { ... on Member { score(year: 2024, half: 3) { total } } } }`,
			gqlVars("id", w.member("C.T1.V1.B1.M1")), nil), "BAD_USER_INPUT")
		w.refuse(t, []pointRefusal{
			{"close twice", b1Admin, closeHalfQ, gqlVars("b", b1, "y", 2024, "h", 1, "on", "2024-06-17"), "CONFLICT"},
			{"entry in a closed half-year", b1Admin, declareQ, gqlVars("in", entryInput(w.member("C.T1.V1.B1.M1"), w.items[bonusPoor], "2024-06-15", "BRANCH_RECORDED")), "CONFLICT"},
			{"appeal by the branch", b1Admin, appealQ, gqlVars("e", appealed, "t", "x"), "FORBIDDEN"},
			{"appeal by another member", adminMember, appealQ, gqlVars("e", appealed, "t", "x"), "FORBIDDEN"},
			{"appeal an entry of an open half-year", b1Member, appealQ, gqlVars("e", half2, "t", "x"), "CONFLICT"},
			{"appeal without text", b1Member, appealQ, gqlVars("e", appealed, "t", " "), "BAD_USER_INPUT"},
		})
		var ap struct{ AppealPointEntry struct{ ID string } }
		w.as(b1Member).MustDo(t, appealQ, gqlVars("e", appealed, "t", "党费已按时交纳，有收据"), &ap)
		// The branch secretary appeals an entry about itself: another
		// committee member answers it.
		var own struct{ AppealPointEntry struct{ ID string } }
		w.as(adminMember).MustDo(t, appealQ, gqlVars("e", w.firstEntry(t, "C.T1.V1.B1.M2"), "t", "有误"), &own)
		w.refuse(t, []pointRefusal{
			{"answer one's own appeal", adminMember, answerQ, gqlVars("id", own.AppealPointEntry.ID, "ok", true, "a", "x"), "FORBIDDEN"},
		})
		w.as(b1Admin).MustDo(t, answerQ, gqlVars("id", own.AppealPointEntry.ID, "ok", false, "a", "核实无误"), nil)
		w.refuse(t, []pointRefusal{
			{"publish with an open appeal", b1Admin, publishHalfQ, gqlVars("id", h1), "CONFLICT"},
			{"member answers", b1Member, answerQ, gqlVars("id", ap.AppealPointEntry.ID, "ok", true, "a", "x"), "FORBIDDEN"},
			{"answer without text", b1Admin, answerQ, gqlVars("id", ap.AppealPointEntry.ID, "ok", true, "a", ""), "BAD_USER_INPUT"},
		})
		w.as(b1Admin).MustDo(t, answerQ, gqlVars("id", ap.AppealPointEntry.ID, "ok", true, "a", "核实无误，予以纠正"), nil)
		// An accepted appeal against a rejected entry enters it again, approved.
		var ap2 struct{ AppealPointEntry struct{ ID string } }
		w.as(b1Member).MustDo(t, appealQ, gqlVars("e", rejected, "t", "有村民证明"), &ap2)
		w.as(b1Admin).MustDo(t, answerQ, gqlVars("id", ap2.AppealPointEntry.ID, "ok", true, "a", "补充佐证属实"), nil)
		if n := d.Client.PointEntry.Query().Where(pointentry.ReversesID(parseGQLID(t, appealed))).CountX(ctx); n != 1 {
			t.Errorf("the accepted appeal left %d reversals, want 1", n)
		}
		w.refuse(t, []pointRefusal{
			{"answer twice", b1Admin, answerQ, gqlVars("id", ap.AppealPointEntry.ID, "ok", false, "a", "x"), "CONFLICT"},
			{"member publishes", b1Member, publishHalfQ, gqlVars("id", h1), "FORBIDDEN"},
		})
		w.as(b1Admin).MustDo(t, publishHalfQ, gqlVars("id", h1), nil)
		w.refuse(t, []pointRefusal{
			{"publish twice", b1Admin, publishHalfQ, gqlVars("id", h1), "CONFLICT"},
			{"appeal after publishing", b1Member, appealQ, gqlVars("e", appealed, "t", "x"), "CONFLICT"},
			{"reverse in a published half-year", b1Admin, reverseQ, gqlVars("id", w.firstEntry(t, "C.T1.V1.B1.M2"), "r", "x"), "CONFLICT"},
			{"close the year with half 2 open", b1Admin, closeYearQ, gqlVars("b", b1, "y", 2024, "on", "2024-12-16"), "CONFLICT"},
			{"close half 2 on 15 December", b1Admin, closeHalfQ, gqlVars("b", b1, "y", 2024, "h", 2, "on", "2024-12-15"), "CONFLICT"},
		})
		w.closeHalf(t, b1Admin, b1, 2024, 2)
		w.refuse(t, []pointRefusal{
			{"close the year on 15 December", b1Admin, closeYearQ, gqlVars("b", b1, "y", 2024, "on", "2024-12-15"), "CONFLICT"},
			{"member closes the year", b1Member, closeYearQ, gqlVars("b", b1, "y", 2024, "on", "2024-12-16"), "FORBIDDEN"},
			{"entry in a closed second half", b1Admin, declareQ, gqlVars("in", entryInput(w.member("C.T1.V1.B1.M1"), w.items[bonusPoor], "2024-12-01", "BRANCH_RECORDED")), "CONFLICT"},
		})
		var yr struct{ CloseYear []yearResult }
		w.as(b1Admin).MustDo(t, closeYearQ, gqlVars("b", b1, "y", 2024, "on", "2024-12-16"), &yr)
		want := map[string]string{
			"C.T1.V1.B1.M1": "115 EXCELLENT [RECOMMEND_AWARD]",
			"C.T1.V1.B1.M2": "15 UNQUALIFIED [EXTEND_PROBATION TALK_AND_HELP]",
			"C.T1.V1.B1.M3": "0 UNQUALIFIED [REPORT_VETO CANCEL_ACTIVIST]",
		}
		for _, r := range yr.CloseYear {
			if got := fmt.Sprint(r.Total, " ", r.Grade, " ", r.Consequences); got != want[r.Member.Name] {
				t.Errorf("%s: %s, want %s", r.Member.Name, got, want[r.Member.Name])
			}
		}
		if len(yr.CloseYear) != len(want) {
			t.Errorf("%d results, want %d", len(yr.CloseYear), len(want))
		}
		w.refuse(t, []pointRefusal{
			{"close the year twice", b1Admin, closeYearQ, gqlVars("b", b1, "y", 2024, "on", "2024-12-17"), "CONFLICT"},
			{"entry in a closed year", countyAdmin, declareQ, gqlVars("in", entryInput(w.member("C.T1.V1.B1.M1"), w.items[bonusPoor], "2024-02-01", "BRANCH_RECORDED")), "CONFLICT"},
			{"reverse in a closed year", countyAdmin, reverseQ, gqlVars("id", w.firstEntry(t, "C.T1.V1.B1.M1"), "r", "x"), "CONFLICT"},
			{"appeal in a closed year", b1Member, appealQ, gqlVars("e", w.firstEntry(t, "C.T1.V1.B1.M1"), "t", "x"), "CONFLICT"},
		})
		var sc struct {
			Node struct {
				Score struct {
					Base, Bonus, Deduction, Total int
					Grade                         string
				}
			}
		}
		w.as(b1Member).MustDo(t, scoreQ, gqlVars("id", w.member("C.T1.V1.B1.M1"), "y", 2024), &sc)
		if s := sc.Node.Score; s.Base != 100 || s.Bonus != 20 || s.Deduction != 5 || s.Total != 115 || s.Grade != "EXCELLENT" {
			t.Errorf("M1's 2024 score %+v, want 100 + 20 (capped) - 5 = 115 EXCELLENT", s)
		}

		// A second branch in the other township, for scope and rankings.
		for _, m := range []string{"C.T2.V1.B1.M1", "C.T2.V1.B1.M2"} {
			id := w.declare(t, countyAdmin, m, dutyStudy, "2024-05-01", "BRANCH_RECORDED")
			w.as(countyAdmin).MustDo(t, reviewEntryQ, gqlVars("id", id, "ok", true), nil)
		}
		t2b1 := w.org("C.T2.V1.B1")
		w.closeYear(t, t2b1, 2024)
		w.checkScope(t)
	})
}

// closeHalf closes and publishes a half-year the day after it ends.
func (w *pointsWorld) closeHalf(t *testing.T, by, branch string, year, half int) {
	t.Helper()
	var hy struct{ CloseHalfYear struct{ ID string } }
	on := day.Format(points.HalfEnd(year, half).AddDate(0, 0, 1))
	w.as(by).MustDo(t, closeHalfQ, gqlVars("b", branch, "y", year, "h", half, "on", on), &hy)
	w.as(by).MustDo(t, publishHalfQ, gqlVars("id", hy.CloseHalfYear.ID), nil)
}

// yearResult is a member's frozen result as closeYear answers it.
type yearResult struct {
	Member       struct{ Name string }
	Total        int
	Grade        string
	Consequences []string
}

// closeYear closes and publishes both half-years of a branch, then its
// year, by the county's ORG_ADMIN, and answers the results by member.
func (w *pointsWorld) closeYear(t *testing.T, branch string, year int) map[string]yearResult {
	t.Helper()
	for half := 1; half <= 2; half++ {
		w.closeHalf(t, countyAdmin, branch, year, half)
	}
	var out struct{ CloseYear []yearResult }
	w.as(countyAdmin).MustDo(t, closeYearQ, gqlVars("b", branch, "y", year, "on", day.Format(points.YearEnd(year).AddDate(0, 0, 1))), &out)
	byName := map[string]yearResult{}
	for _, r := range out.CloseYear {
		byName[r.Member.Name] = r
	}
	return byName
}

func (w *pointsWorld) firstEntry(t *testing.T, memberName string) string {
	t.Helper()
	return gqlID(w.d.Client.PointEntry.Query().Where(pointentry.MemberID(w.tree.Members[memberName].ID)).
		Order(ent.Asc(pointentry.FieldID)).FirstIDX(systemCtx()))
}

// checkScope compares what each caller reads of every points type, and
// the rankings, with what lies in its subtree.
func (w *pointsWorld) checkScope(t *testing.T) {
	ctx, c := systemCtx(), w.d.Client
	in := func(prefix string) []int {
		var ids []int
		for name, o := range w.tree.Orgs {
			if len(name) >= len(prefix) && name[:len(prefix)] == prefix {
				ids = append(ids, o.ID)
			}
		}
		return ids
	}
	m1 := w.tree.Members["C.T1.V1.B1.M1"].ID
	t1Entry := w.firstEntry(t, "C.T1.V1.B1.M1")
	for _, tc := range []struct {
		user    string
		entries int
		results int
		halves  int
		appeals int
		seesT1  bool
	}{
		{countyAdmin, c.PointEntry.Query().CountX(ctx), c.AnnualResult.Query().CountX(ctx), 4, 3, true},
		{countyViewer, c.PointEntry.Query().CountX(ctx), c.AnnualResult.Query().CountX(ctx), 4, 3, true},
		{t1Admin, c.PointEntry.Query().Where(pointentry.BranchIDIn(in("C.T1")...)).CountX(ctx), 3, 2, 3, true},
		{apitest.Username(rolebinding.RoleViewer, "C.T2"), c.PointEntry.Query().Where(pointentry.BranchIDIn(in("C.T2")...)).CountX(ctx), 3, 2, 0, false},
		{t2Admin, c.PointEntry.Query().Where(pointentry.BranchIDIn(in("C.T2")...)).CountX(ctx), 3, 2, 0, false},
		{apitest.Username(rolebinding.RoleOrgAdmin, "C.T1.V1.B2"), 0, 0, 0, 0, false},
		{b1Member, c.PointEntry.Query().Where(pointentry.MemberID(m1)).CountX(ctx), 1, 2, 2, true},
	} {
		t.Run("scope "+tc.user, func(t *testing.T) {
			var out struct {
				PointEntries, AnnualResults, PointHalfYears, PointAppeals struct{ TotalCount int }
				PointCatalogs                                             struct{ TotalCount int }
				Filtered                                                  struct{ TotalCount int }
				Node                                                      *struct{ ID string }
				Branch                                                    *struct {
					PointCatalog *struct{ Items []struct{ ID string } }
				}
			}
			errs := w.as(tc.user).Do(t, `query($m: String!, $e: ID!, $b: ID!) {
				pointEntries { totalCount } annualResults { totalCount } pointHalfYears { totalCount } pointAppeals { totalCount }
				pointCatalogs { totalCount }
				filtered: pointEntries(where: { hasMemberWith: { name: $m } }) { totalCount }
				node(id: $e) { id }
				branch: node(id: $b) { ... on Org { pointCatalog(year: 2024) { items { id } } } }
			}`, gqlVars("m", "C.T1.V1.B1.M1", "e", t1Entry, "b", w.org("C.T1.V1.B1")), &out)
			// The county's catalogues are listed in the county's scope
			// only; everyone who reads a branch reads the one in force.
			wantCatalogs := map[bool]int{true: 9}[tc.user == countyAdmin || tc.user == countyViewer]
			if out.PointCatalogs.TotalCount != wantCatalogs {
				t.Errorf("pointCatalogs totalCount %d, want %d", out.PointCatalogs.TotalCount, wantCatalogs)
			}
			readsB1 := tc.user != t2Admin && tc.user != apitest.Username(rolebinding.RoleViewer, "C.T2") &&
				tc.user != apitest.Username(rolebinding.RoleOrgAdmin, "C.T1.V1.B2")
			if got := out.Branch != nil && out.Branch.PointCatalog != nil && len(out.Branch.PointCatalog.Items) > 0; got != readsB1 {
				t.Errorf("reads C.T1.V1.B1's catalogue: %v, want %v (%+v %v)", got, readsB1, out.Branch, errs)
			}
			for _, e := range errs { // node answers NOT_FOUND for what the caller cannot see
				if e.Code() != "NOT_FOUND" || tc.seesT1 {
					t.Errorf("error %v", e)
				}
			}
			got := []int{out.PointEntries.TotalCount, out.AnnualResults.TotalCount, out.PointHalfYears.TotalCount, out.PointAppeals.TotalCount}
			want := []int{tc.entries, tc.results, tc.halves, tc.appeals}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("entries, results, half-years, appeals = %v, want %v", got, want)
			}
			if (out.Node != nil) != tc.seesT1 || (out.Filtered.TotalCount > 0) != tc.seesT1 {
				t.Errorf("node %v, filtered %d: sees C.T1's entry should be %v", out.Node, out.Filtered.TotalCount, tc.seesT1)
			}
		})
	}

	const rankingQ = `query($o: ID!, $l: OrgKind!) {
		pointRanking(orgID: $o, year: 2024, level: $l) { org { name } rank members average excellent }
		pointDistribution(orgID: $o, year: 2024) { members average grades { key count } consequences { key count } histogram { key count } byStatus { key count } }
	}`
	type ranking struct {
		PointRanking []struct {
			Org                      struct{ Name string }
			Rank, Members, Excellent int
			Average                  float64
		}
		PointDistribution struct {
			Members                                   int
			Grades, Consequences, Histogram, ByStatus []struct {
				Key   string
				Count int
			}
		}
	}
	var all ranking
	w.as(countyAdmin).MustDo(t, rankingQ, gqlVars("o", w.org("C"), "l", "TOWNSHIP"), &all)
	if got := fmt.Sprint(all.PointRanking); got != "[{{C.T1} 1 3 1 43.333333333333336} {{C.T2} 2 3 0 10}]" {
		t.Errorf("township ranking %s", got)
	}
	if got := fmt.Sprint(all.PointDistribution.Grades, all.PointDistribution.Consequences); got !=
		"[{EXCELLENT 1} {UNQUALIFIED 5}] [{CANCEL_ACTIVIST 1} {EXTEND_PROBATION 1} {RECOMMEND_AWARD 1} {REPORT_VETO 1} {TALK_AND_HELP 1}]" {
		t.Errorf("county distribution %s", got)
	}
	if got := fmt.Sprint(all.PointDistribution.Histogram); got != "[{0-9 2} {10-19 3} {110-119 1}]" {
		t.Errorf("histogram %s", got)
	}
	var t1 ranking
	w.as(t1Admin).MustDo(t, rankingQ, gqlVars("o", w.org("C.T1"), "l", "BRANCH"), &t1)
	if got := fmt.Sprint(t1.PointRanking, t1.PointDistribution.Members); got != "[{{C.T1.V1.B1} 1 3 1 43.333333333333336}] 3" {
		t.Errorf("C.T1's branch ranking %s", got)
	}
	// Every caller's dashboards at every level are what the members'
	// results in its subtree add up to (the tallies are their rollup); a
	// member reads no tallies, so no dashboard.
	cases := []struct {
		user, org, level string
		reads            bool
	}{
		{countyAdmin, "C", "COUNTY", true},
		{countyAdmin, "C", "TOWNSHIP", true},
		{countyAdmin, "C", "VILLAGE", true},
		{countyViewer, "C", "BRANCH", true},
		{t1Admin, "C.T1", "BRANCH", true},
		{t1Admin, "C.T1.V1", "VILLAGE", true},
		{apitest.Username(rolebinding.RoleViewer, "C.T2"), "C.T2", "BRANCH", true},
		{apitest.Username(rolebinding.RoleOrgAdmin, "C.T1.V1.B2"), "C.T1.V1.B2", "BRANCH", true},
		{b1Member, "C.T1.V1.B1", "BRANCH", false},
	}
	check := func(when string) {
		for _, tc := range cases {
			var got dashboard
			w.as(tc.user).MustDo(t, dashboardQ, gqlVars("o", w.org(tc.org), "l", tc.level), &got)
			if g, want := fmt.Sprint(got), fmt.Sprint(w.dashboardOf(t, tc.org, tc.level, tc.reads)); g != want {
				t.Errorf("%s: %s at %s by %s:\n got %s\nwant %s", when, tc.user, tc.org, tc.level, g, want)
			}
		}
	}
	check("tallied at the close")
	// Years closed before tallies were kept are rolled up at migration.
	for _, table := range []string{"point_tallies", "point_tally_bands"} {
		if _, err := c.ExecContext(ctx, "DELETE FROM "+table); err != nil {
			t.Fatal(err)
		}
	}
	if err := points.RollUpMissing(ctx, c); err != nil {
		t.Fatal(err)
	}
	check("rolled up afterwards")
	expectCode(t, w.as(t1Admin).Do(t, rankingQ, gqlVars("o", w.org("C"), "l", "TOWNSHIP"), nil), "NOT_FOUND")
	expectCode(t, w.as(t1Admin).Do(t, rankingQ, gqlVars("o", w.org("C.T2"), "l", "BRANCH"), nil), "NOT_FOUND")
}

const dashboardQ = `query($o: ID!, $l: OrgKind!) {
	pointRanking(orgID: $o, year: 2024, level: $l) { org { name } rank members average excellent }
	pointDistribution(orgID: $o, year: 2024) { members average grades { key count } byStatus { key count } bySector { key count }
		histogram { key count } consequences { key count } }
}`

type bucket struct {
	Key   string
	Count int
}

type dashboard struct {
	PointRanking []struct {
		Org                      struct{ Name string }
		Rank, Members, Excellent int
		Average                  float64
	}
	PointDistribution struct {
		Members                                             int
		Average                                             float64
		Grades, ByStatus, BySector, Histogram, Consequences []bucket
	}
}

// dashboardOf is what pointRanking and pointDistribution of 2024 must
// answer for the subtree of org at level, added up here from the
// members' results themselves; empty when the caller reads no tallies.
func (w *pointsWorld) dashboardOf(t *testing.T, orgName, level string, reads bool) dashboard {
	t.Helper()
	var d dashboard
	d.PointDistribution.Grades, d.PointDistribution.ByStatus, d.PointDistribution.BySector = []bucket{}, []bucket{}, []bucket{}
	d.PointDistribution.Histogram, d.PointDistribution.Consequences = []bucket{}, []bucket{}
	if !reads {
		return d
	}
	within := func(name, root string) bool { return name == root || strings.HasPrefix(name, root+".") }
	names := map[int]string{}
	for name, o := range w.tree.Orgs {
		names[o.ID] = name
	}
	type peer struct {
		name                      string
		id                        int
		members, excellent, total int
	}
	peers := map[string]*peer{}
	counts := [5]map[string]int{{}, {}, {}, {}, {}}
	sum := 0
	for _, r := range w.d.Client.AnnualResult.Query().Where(annualresult.Year(2024)).AllX(systemCtx()) {
		branch := names[r.BranchID]
		if !within(branch, orgName) {
			continue
		}
		for name, o := range w.tree.Orgs {
			if string(o.Kind) == level && within(branch, name) {
				if peers[name] == nil {
					peers[name] = &peer{name: name, id: o.ID}
				}
				p := peers[name]
				p.members, p.total = p.members+1, p.total+r.Total
				if r.Grade == annualresult.GradeExcellent {
					p.excellent++
				}
			}
		}
		d.PointDistribution.Members++
		sum += r.Total
		band := r.Total - ((r.Total%10)+10)%10
		for i, key := range []string{string(r.Grade), r.Status, r.Sector, fmt.Sprintf("%d-%d", band, band+9)} {
			counts[i][key]++
		}
		for _, cq := range r.Consequences {
			counts[4][cq]++
		}
	}
	if n := d.PointDistribution.Members; n > 0 {
		d.PointDistribution.Average = float64(sum) / float64(n)
	}
	grades := []string{"EXCELLENT", "QUALIFIED", "BASICALLY_QUALIFIED", "UNQUALIFIED"}
	order := []func(a, b string) int{
		func(a, b string) int { return slices.Index(grades, a) - slices.Index(grades, b) }, strings.Compare, strings.Compare,
		func(a, b string) int {
			var x, y int
			fmt.Sscanf(a, "%d-", &x)
			fmt.Sscanf(b, "%d-", &y)
			return x - y
		}, strings.Compare,
	}
	lists := []*[]bucket{&d.PointDistribution.Grades, &d.PointDistribution.ByStatus, &d.PointDistribution.BySector,
		&d.PointDistribution.Histogram, &d.PointDistribution.Consequences}
	for i, m := range counts {
		for _, k := range slices.SortedFunc(maps.Keys(m), order[i]) {
			*lists[i] = append(*lists[i], bucket{k, m[k]})
		}
	}
	ps := slices.Collect(maps.Values(peers))
	avg := func(p *peer) float64 { return float64(p.total) / float64(p.members) }
	slices.SortFunc(ps, func(a, b *peer) int { return cmp.Or(cmp.Compare(avg(b), avg(a)), cmp.Compare(a.id, b.id)) })
	d.PointRanking = make([]struct {
		Org                      struct{ Name string }
		Rank, Members, Excellent int
		Average                  float64
	}, len(ps))
	for i, p := range ps {
		r := &d.PointRanking[i]
		r.Org.Name, r.Rank, r.Members, r.Excellent, r.Average = p.name, i+1, p.members, p.excellent, avg(p)
		if i > 0 && avg(p) == avg(ps[i-1]) {
			r.Rank = d.PointRanking[i-1].Rank
		}
	}
	return d
}

// TestPointsViewerCan: each viewerCan… field answers what its mutation
// then does, for callers at several levels.
func TestPointsViewerCan(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := newPointsWorld(t, d)
		entryQ := `query($id: ID!) { node(id: $id) { ... on PointEntry { viewerCanReview viewerCanReverse viewerCanAppeal } } }`
		type can struct{ ViewerCanReview, ViewerCanReverse, ViewerCanAppeal bool }
		ask := func(user, id string) can {
			var out struct{ Node *can }
			w.as(user).Do(t, entryQ, gqlVars("id", id), &out)
			if out.Node == nil {
				return can{}
			}
			return *out.Node
		}
		aboutM1 := w.declare(t, b1Admin, "C.T1.V1.B1.M1", bonusPoor, "2024-03-01", "BRANCH_RECORDED")
		aboutM2 := w.declare(t, b1Admin, "C.T1.V1.B1.M2", bonusPoor, "2024-03-01", "BRANCH_RECORDED")
		users := []string{b1Admin, adminMember, b1Member, t1Admin, t2Admin, countyViewer}
		// Each caller's answer, then the mutation it predicts.
		for _, tc := range []struct{ entry, user string }{{aboutM2, adminMember}, {aboutM2, b1Member}, {aboutM2, t2Admin}, {aboutM2, countyViewer}, {aboutM2, t1Admin}} {
			got := ask(tc.user, tc.entry).ViewerCanReview
			errs := w.as(tc.user).Do(t, reviewEntryQ, gqlVars("id", tc.entry, "ok", true), nil)
			if got != (len(errs) == 0) {
				t.Errorf("%s: viewerCanReview %v, review answered %v", tc.user, got, errs)
			}
		}
		for _, u := range users {
			if c := ask(u, aboutM2); c.ViewerCanReview {
				t.Errorf("%s may review a reviewed entry", u)
			}
		}
		w.as(b1Admin).MustDo(t, reviewEntryQ, gqlVars("id", aboutM1, "ok", true), nil)
		for _, u := range users {
			want := u == b1Admin || u == adminMember || u == t1Admin
			if c := ask(u, aboutM1); c.ViewerCanReverse != want || c.ViewerCanAppeal {
				t.Errorf("%s: %+v on an approved entry of an open half-year, want reverse %v, no appeal", u, c, want)
			}
		}
		if c := ask(adminMember, aboutM2); c.ViewerCanReverse {
			t.Errorf("the member may reverse an entry about itself: %+v", c)
		}
		expectCode(t, w.as(adminMember).Do(t, reverseQ, gqlVars("id", aboutM2, "r", "x"), nil), "FORBIDDEN")
		var hy struct{ CloseHalfYear struct{ ID string } }
		w.as(b1Admin).MustDo(t, closeHalfQ, gqlVars("b", w.org("C.T1.V1.B1"), "y", 2024, "h", 1, "on", "2024-06-16"), &hy)
		if c := ask(b1Member, aboutM1); !c.ViewerCanAppeal {
			t.Errorf("the member may not appeal its entry in FEEDBACK: %+v", c)
		}
		if c := ask(adminMember, aboutM1); c.ViewerCanAppeal {
			t.Errorf("another member may appeal: %+v", c)
		}
		var ap struct{ AppealPointEntry struct{ ID string } }
		w.as(b1Member).MustDo(t, appealQ, gqlVars("e", aboutM1, "t", "有误"), &ap)
		appealCan := func(user string) (answer, publish bool) {
			var out struct {
				A struct{ ViewerCanAnswer bool }
				H struct{ ViewerCanPublish bool }
			}
			w.as(user).Do(t, `query($a: ID!, $h: ID!) { a: node(id: $a) { ... on PointAppeal { viewerCanAnswer } } h: node(id: $h) { ... on PointHalfYear { viewerCanPublish } } }`,
				gqlVars("a", ap.AppealPointEntry.ID, "h", hy.CloseHalfYear.ID), &out)
			return out.A.ViewerCanAnswer, out.H.ViewerCanPublish
		}
		for _, u := range users {
			answer, publish := appealCan(u)
			want := u == b1Admin || u == adminMember || u == t1Admin
			if answer != want || publish != want {
				t.Errorf("%s: viewerCanAnswer %v, viewerCanPublish %v; want %v", u, answer, publish, want)
			}
		}
		w.as(b1Admin).MustDo(t, answerQ, gqlVars("id", ap.AppealPointEntry.ID, "ok", false, "a", "核实无误"), nil)
		w.as(b1Admin).MustDo(t, publishHalfQ, gqlVars("id", hy.CloseHalfYear.ID), nil)
		for _, u := range users {
			if answer, publish := appealCan(u); answer || publish {
				t.Errorf("%s may still answer (%v) or publish (%v)", u, answer, publish)
			}
			if c := ask(u, aboutM1); c.ViewerCanReverse || c.ViewerCanAppeal {
				t.Errorf("%s: %+v in a published half-year", u, c)
			}
		}
	})
}
