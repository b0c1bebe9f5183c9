package demo_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"golang.org/x/crypto/bcrypt"
	_ "modernc.org/sqlite"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/enttest"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/rolebinding"
	_ "github.com/partyorg/partyorg/ent/runtime"
	"github.com/partyorg/partyorg/ent/user"
	"github.com/partyorg/partyorg/internal/demo"
	"github.com/partyorg/partyorg/internal/points"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

func newClient(t testing.TB) *ent.Client {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db")+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	drv := entsql.OpenDB(dialect.SQLite, db)
	client := enttest.NewClient(t, enttest.WithOptions(ent.Driver(drv)))
	t.Cleanup(func() { client.Close() })
	return client
}

func sysCtx() context.Context { return viewer.NewSystemContext(context.Background()) }

// checkTree checks every org's path: non-empty, ending in "/", its
// parent's path plus its own segment.
func checkTree(t *testing.T, orgs []*ent.Org) {
	t.Helper()
	byID := map[int]*ent.Org{}
	for _, o := range orgs {
		byID[o.ID] = o
	}
	for _, o := range orgs {
		if o.Path == "" || !strings.HasSuffix(o.Path, "/") || !strings.HasPrefix(o.Path, "/") {
			t.Errorf("org %d %s: bad path %q", o.ID, o.Name, o.Path)
			continue
		}
		if o.ParentID == 0 {
			if o.Kind != org.KindCounty {
				t.Errorf("org %s of kind %s has no parent", o.Name, o.Kind)
			}
			continue
		}
		p := byID[o.ParentID]
		if p == nil {
			t.Errorf("org %s: parent %d missing", o.Name, o.ParentID)
			continue
		}
		if !strings.HasPrefix(o.Path, p.Path) || len(o.Path) <= len(p.Path) {
			t.Errorf("org %s: path %q not under parent's %q", o.Name, o.Path, p.Path)
		}
		if strings.Count(o.Path, "/") != strings.Count(p.Path, "/")+1 {
			t.Errorf("org %s: path %q is not one level below %q", o.Name, o.Path, p.Path)
		}
	}
}

var nationalID = regexp.MustCompile(`^[0-9]{17}[0-9X]$`)

// validCheck reports whether id's last character is its ISO 7064 MOD 11-2
// check character.
func validCheck(id string) bool {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(id[i]-'0') * w
	}
	return "10X98765432"[sum%11] == id[17]
}

func TestValidCheck(t *testing.T) {
	// The example of GB 11643.
	if !validCheck("11010519491231002X") || validCheck("110105194912310021") {
		t.Fatal("validCheck is wrong")
	}
}

func TestLoad(t *testing.T) {
	ctx := sysCtx()
	client := newClient(t)
	accts, err := demo.Load(ctx, client)
	if err != nil {
		t.Fatal(err)
	}

	orgs := client.Org.Query().AllX(ctx)
	checkTree(t, orgs)
	kinds := map[org.Kind]int{}
	sectors := map[org.Sector]int{}
	names := map[string]bool{}
	for _, o := range orgs {
		kinds[o.Kind]++
		sectors[o.Sector]++
		if names[o.Name] {
			t.Errorf("org name %s twice", o.Name)
		}
		names[o.Name] = true
	}
	for _, k := range []org.Kind{org.KindCounty, org.KindTownship, org.KindVillage, org.KindCommunity, org.KindUnit, org.KindBranch} {
		if kinds[k] == 0 {
			t.Errorf("no org of kind %s", k)
		}
	}
	for _, s := range []org.Sector{org.SectorRural, org.SectorCommunity, org.SectorAgency, org.SectorInstitution, org.SectorSOE,
		org.SectorNonPublic, org.SectorSocialOrg, org.SectorSchool, org.SectorServiceWindow} {
		if sectors[s] == 0 {
			t.Errorf("no org of sector %s", s)
		}
	}
	t.Logf("%d orgs: %v", len(orgs), kinds)

	members := client.Member.Query().WithBranch().AllX(ctx)
	if len(members) < 200 {
		t.Errorf("%d members, want ≥ 200", len(members))
	}
	statuses := map[member.Status]int{}
	categories := map[member.Category]int{}
	ids := map[string]bool{}
	for _, m := range members {
		statuses[m.Status]++
		classified := m.Edges.Branch.Sector == org.SectorRural || m.Edges.Branch.Sector == org.SectorCommunity
		if m.Edges.Branch.Kind != org.KindBranch {
			t.Errorf("member %s in a %s", m.Name, m.Edges.Branch.Kind)
		}
		switch {
		case m.Status == member.StatusActivist && m.Category != nil:
			t.Errorf("activist %s has category %s", m.Name, *m.Category)
		case m.Status == member.StatusActivist:
		case classified && m.Category == nil:
			t.Errorf("member %s of sector %s has no category", m.Name, m.Edges.Branch.Sector)
		case !classified && m.Category != nil:
			t.Errorf("member %s of sector %s has category %s", m.Name, m.Edges.Branch.Sector, *m.Category)
		case classified:
			categories[*m.Category]++
		}
		if !nationalID.MatchString(m.NationalID) || !validCheck(m.NationalID) {
			t.Errorf("member %s: bad national ID %q", m.Name, m.NationalID)
		}
		if ids[m.NationalID] {
			t.Errorf("national ID %s twice", m.NationalID)
		}
		ids[m.NationalID] = true
		if m.NationalID[6:14] != m.BirthDate.Format("20060102") {
			t.Errorf("member %s: national ID %s does not match birth date %s", m.Name, m.NationalID, m.BirthDate.Format(time.DateOnly))
		}
		if male := (m.NationalID[16]-'0')%2 == 1; male != (m.Gender == member.GenderMale) {
			t.Errorf("member %s: national ID %s does not match gender %s", m.Name, m.NationalID, m.Gender)
		}
		if !m.JoinedAt.After(m.BirthDate.AddDate(17, 0, 0)) || m.JoinedAt.After(time.Now()) {
			t.Errorf("member %s: born %s, joined %s", m.Name, m.BirthDate.Format(time.DateOnly), m.JoinedAt.Format(time.DateOnly))
		}
	}
	for _, s := range []member.Status{member.StatusFull, member.StatusProbationary, member.StatusActivist} {
		if statuses[s] == 0 {
			t.Errorf("no member of status %s", s)
		}
	}
	for _, c := range []member.Category{member.CategoryInOfficeCadre, member.CategoryAtHomeNoPost, member.CategoryMobile, member.CategoryElderlyInfirm} {
		if categories[c] == 0 {
			t.Errorf("no member of category %s", c)
		}
	}
	t.Logf("%d members: %v %v", len(members), statuses, categories)

	roles := map[string]int{}
	for _, a := range accts {
		roles[a.Role]++
		u, err := client.User.Query().Where(user.Username(a.Username)).WithRoles().WithOrg().WithMember(func(q *ent.MemberQuery) { q.WithBranch() }).Only(ctx)
		if err != nil {
			t.Errorf("account %s: %v", a.Username, err)
			continue
		}
		if err := bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(a.Password)); err != nil {
			t.Errorf("account %s: password %q does not match: %v", a.Username, a.Password, err)
		}
		if len(a.Password) < 10 {
			t.Errorf("account %s: password %q too short", a.Username, a.Password)
		}
		if len(u.Edges.Roles) != 1 || string(u.Edges.Roles[0].Role) != a.Role {
			t.Errorf("account %s: roles %v, want %s", a.Username, u.Edges.Roles, a.Role)
			continue
		}
		rb := u.Edges.Roles[0]
		if a.Role == "ADMIN" {
			if a.Org != "" || rb.OrgID != 0 || u.OrgID != 0 {
				t.Errorf("admin %s has an org", a.Username)
			}
			continue
		}
		if u.Edges.Org == nil || u.Edges.Org.Name != a.Org || rb.OrgID != u.OrgID {
			t.Errorf("account %s: home org %v, binding at %d, want %s", a.Username, u.Edges.Org, rb.OrgID, a.Org)
		}
		if a.Role == string(rolebinding.RoleMember) {
			if u.Edges.Org.Kind != org.KindBranch {
				t.Errorf("member account %s at a %s", a.Username, u.Edges.Org.Kind)
			}
			if u.Edges.Member == nil || u.Edges.Member.BranchID != u.OrgID {
				t.Errorf("member account %s: member %v not of its branch", a.Username, u.Edges.Member)
			} else {
				t.Logf("member account %s is %s of %s", a.Username, u.Edges.Member.Name, u.Edges.Member.Edges.Branch.Name)
			}
		}
	}
	for _, r := range []rolebinding.Role{rolebinding.RoleAdmin, rolebinding.RoleOrgAdmin, rolebinding.RoleViewer, rolebinding.RoleMember} {
		if roles[string(r)] == 0 {
			t.Errorf("no account with role %s", r)
		}
	}
	t.Logf("accounts: %v", accts)

	// A second Load leaves the database alone.
	again, err := demo.Load(ctx, client)
	if err != nil || again != nil {
		t.Fatalf("second Load: %v, %v", again, err)
	}
	if n := client.Org.Query().CountX(ctx); n != len(orgs) {
		t.Errorf("second Load: %d orgs, want %d", n, len(orgs))
	}
	if n := client.User.Query().CountX(ctx); n != len(accts) {
		t.Errorf("second Load: %d users, want %d", n, len(accts))
	}
}

func TestGenerate(t *testing.T) {
	ctx := sysCtx()
	size := demo.Size{Townships: 2, VillagesPerTownship: 3, BranchesPerVillage: 2, MembersPerBranch: 5, Seed: 7}
	var names [2][]string
	for run := range names {
		client := newClient(t)
		g, err := demo.Generate(ctx, client, size)
		if err != nil {
			t.Fatal(err)
		}
		if g.Orgs != 21 || g.Members != 60 || len(g.TownshipIDs) != 2 {
			t.Errorf("Generated %+v, want 21 orgs, 60 members, 2 townships", g)
		}
		orgs := client.Org.Query().AllX(ctx)
		if len(orgs) != 1+2+6+12 {
			t.Errorf("%d orgs, want 21", len(orgs))
		}
		checkTree(t, orgs)
		county := client.Org.GetX(ctx, g.CountyID)
		if county.Kind != org.KindCounty {
			t.Errorf("CountyID %d is a %s", g.CountyID, county.Kind)
		}
		for _, id := range g.TownshipIDs {
			if tw := client.Org.GetX(ctx, id); tw.Kind != org.KindTownship || tw.ParentID != g.CountyID {
				t.Errorf("township %d: %s under %d", id, tw.Kind, tw.ParentID)
			}
		}
		ms := client.Member.Query().Order(member.ByID()).AllX(ctx)
		if len(ms) != 60 {
			t.Errorf("%d members, want 60", len(ms))
		}
		for _, m := range ms {
			names[run] = append(names[run], m.Name+"/"+string(m.Status))
			if (m.Category == nil) != (m.Status == member.StatusActivist) || !validCheck(m.NationalID) {
				t.Errorf("member %s: category %v, national ID %s", m.Name, m.Category, m.NationalID)
			}
		}
		perBranch := client.Org.Query().Where(org.KindEQ(org.KindBranch)).QueryMembers().CountX(ctx)
		if perBranch != 60 {
			t.Errorf("%d members in branches, want 60", perBranch)
		}
	}
	if strings.Join(names[0], ",") != strings.Join(names[1], ",") {
		t.Errorf("same seed, different members:\n%v\n%v", names[0], names[1])
	}
	t.Logf("members: %v", names[0][:10])

	// Another seed gives other people.
	client := newClient(t)
	size.Seed = 8
	if _, err := demo.Generate(ctx, client, size); err != nil {
		t.Fatal(err)
	}
	var other []string
	for _, m := range client.Member.Query().Order(member.ByID()).AllX(ctx) {
		other = append(other, m.Name+"/"+string(m.Status))
	}
	if strings.Join(names[0], ",") == strings.Join(other, ",") {
		t.Error("seeds 7 and 8 gave the same members")
	}
}

// TestGenerateTwoCounties puts two generated counties, and the demo
// county, in one database: national IDs must stay unique.
func TestGenerateTwoCounties(t *testing.T) {
	ctx := sysCtx()
	client := newClient(t)
	if _, err := demo.Load(ctx, client); err != nil {
		t.Fatal(err)
	}
	size := demo.Size{Townships: 1, VillagesPerTownship: 2, BranchesPerVillage: 2, MembersPerBranch: 10, Seed: 3}
	for range 2 {
		if _, err := demo.Generate(ctx, client, size); err != nil {
			t.Fatal(err)
		}
	}
	checkTree(t, client.Org.Query().AllX(ctx))
	if n := client.Org.Query().Where(org.KindEQ(org.KindCounty)).CountX(ctx); n != 3 {
		t.Errorf("%d counties, want 3", n)
	}
}

// BenchmarkGenerateCounty measures Generate(demo.County) on SQLite; run it
// with go test -run '^$' -bench GenerateCounty -benchtime 1x.
func BenchmarkGenerateCounty(b *testing.B) {
	ctx := sysCtx()
	for range b.N {
		b.StopTimer()
		client := newClient(b)
		b.StartTimer()
		g, err := demo.Generate(ctx, client, demo.County)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if g.Orgs != 1821 || g.Members != 30000 {
			b.Fatalf("Generated %d orgs, %d members", g.Orgs, g.Members)
		}
		b.StartTimer()
	}
}

// TestLoadPoints: the demo's closed points year has every grade and
// every consequence, and this year's entries wait for review.
func TestLoadPoints(t *testing.T) {
	client := newClient(t)
	ctx := sysCtx()
	if _, err := demo.Load(ctx, client); err != nil {
		t.Fatal(err)
	}
	results := client.AnnualResult.Query().Where(annualresult.Year(2025)).AllX(ctx)
	grades := map[annualresult.Grade]int{}
	consequences := map[string]int{}
	for _, r := range results {
		grades[r.Grade]++
		for _, c := range r.Consequences {
			consequences[c]++
		}
	}
	if len(grades) != 4 {
		t.Errorf("2025 grades %v, want all four", grades)
	}
	for _, c := range []points.Consequence{points.ReportVeto, points.ExtendProbation, points.CancelProbation,
		points.PriorityDevelopment, points.CancelActivist, points.TalkAndHelp, points.RecommendAward} {
		if consequences[string(c)] == 0 {
			t.Errorf("no member's 2025 result has %s (%v)", c, consequences)
		}
	}
	// CANCEL_ACTIVIST without a veto: unqualified in 2024 and 2025.
	twice := false
	for _, r := range results {
		twice = twice || !r.Vetoed && slices.Contains(r.Consequences, string(points.CancelActivist))
	}
	if !twice {
		t.Error("no activist loses its status for two unqualified years")
	}
	if n := client.Member.Query().CountX(ctx); len(results) != n {
		t.Errorf("%d results for %d members", len(results), n)
	}
	if client.PointEntry.Query().Where(pointentry.StateEQ(pointentry.StateDeclared)).CountX(ctx) == 0 {
		t.Error("no entry waits for review")
	}
}

// TestGenerateYear: a generated county's year of work is the same for the
// same seed on either database, and holds both sides of what the
// dashboards count: every member has twelve approved entries and, but
// the last, a result in every grade; pledges stand at every step; mobile
// members contacted in the last 30 days of the year and not; elderly
// members visited in December and not; households helped and not.
func TestGenerateYear(t *testing.T) {
	const year = 2025
	size := demo.Size{Townships: 2, VillagesPerTownship: 3, BranchesPerVillage: 2, MembersPerBranch: 8, Seed: 5, Year: year}
	var prints []string
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		ctx := sysCtx()
		g, err := demo.Generate(ctx, d.Client, size)
		if err != nil {
			t.Fatal(err)
		}
		units := d.Client.Org.Query().Where(org.KindEQ(org.KindUnit)).CountX(ctx)
		if want := 1 + 2 + 6 + 12 + 2*units; units == 0 || g.Orgs != want {
			t.Errorf("%d orgs with %d units, want %d", g.Orgs, units, want)
		}
		one := func(query string, args ...any) int {
			rows, err := d.Client.QueryContext(ctx, query, args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var n int
			for rows.Next() {
				if err := rows.Scan(&n); err != nil {
					t.Fatal(err)
				}
			}
			return n
		}
		p := "?"
		if d.Name == "postgres" {
			p = "$1"
		}
		lastDays, december, after := time.Date(year, 12, 2, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC)
		some, none := func(n int) bool { return n > 0 }, func(n int) bool { return n == 0 }
		checks := []struct {
			what, query string
			arg         any
			want        func(n int) bool
		}{
			{"members without 12 approved entries", `SELECT COUNT(*) FROM members m WHERE (SELECT COUNT(*) FROM point_entries e WHERE e.member_id = m.id AND e.state = 'APPROVED' AND e.year = ` + p + `) <> 12`, year, none},
			{"members without a result", `SELECT COUNT(*) FROM members m WHERE NOT EXISTS (SELECT 1 FROM annual_results r WHERE r.member_id = m.id AND r.year = ` + p + `)`, year, func(n int) bool { return n == 1 }},
			{"grades", `SELECT COUNT(DISTINCT grade) FROM annual_results WHERE year = ` + p, year, func(n int) bool { return n == 4 }},
			{"pledge states", `SELECT COUNT(DISTINCT state) FROM pledges WHERE year = ` + p, year, func(n int) bool { return n >= 4 }},
			{"evaluated items", `SELECT COUNT(*) FROM pledge_items i JOIN pledges p ON p.id = i.pledge_id WHERE p.state = 'EVALUATED' AND i.result IS NOT NULL AND p.year = ` + p, year, some},
			{"mobile members in touch in the year's last 30 days", `SELECT COUNT(DISTINCT member_id) FROM contact_logs WHERE "on" >= ` + p, lastDays, some},
			{"mobile members out of touch then", `SELECT COUNT(*) FROM members m WHERE m.category = 'MOBILE' AND NOT EXISTS (SELECT 1 FROM contact_logs c WHERE c.member_id = m.id AND c."on" >= ` + p + `)`, lastDays, some},
			{"elderly members visited in December", `SELECT COUNT(DISTINCT member_id) FROM visits WHERE "on" >= ` + p, december, some},
			{"elderly members not visited in December", `SELECT COUNT(*) FROM members m WHERE m.category = 'ELDERLY_INFIRM' AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.member_id = m.id AND v."on" >= ` + p + `)`, december, some},
			{"households helped", `SELECT COUNT(DISTINCT household_id) FROM help_pairings WHERE since < ` + p, after, some},
			{"households poor and not helped", `SELECT COUNT(*) FROM poor_households h WHERE h.status <> 'LIFTED_OUT' AND NOT EXISTS (SELECT 1 FROM help_pairings p WHERE p.household_id = h.id) AND h.status_on < ` + p, after, some},
		}
		var print []string
		for _, c := range checks {
			n := one(c.query, c.arg)
			if !c.want(n) {
				t.Errorf("%s: %d", c.what, n)
			}
			print = append(print, fmt.Sprintf("%s=%d", c.what, n))
		}
		for table, n := range g.Records {
			if n == 0 {
				t.Errorf("no rows in %s", table)
			}
		}
		print = append(print, fmt.Sprint(g.Records), fmt.Sprint(one(`SELECT SUM(total) FROM annual_results`)))
		prints = append(prints, strings.Join(print, " "))
	})
	if len(prints) == 2 && prints[0] != prints[1] {
		t.Errorf("the same seed made different years:\n%s\n%s", prints[0], prints[1])
	}
}
