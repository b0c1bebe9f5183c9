package graph_test

import (
	"testing"

	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/testdb"
)

const (
	publishQ    = `mutation($in: PublishConventionInput!) { publishConvention(input: $in) { id version } }`
	inForceQ    = `query($c: ID!, $on: Date!) { convention(countyID: $c, sector: RURAL, on: $on) { version effectiveFrom sector } }`
	reciteQ     = `mutation($in: RecordRecitationInput!) { recordRecitation(input: $in) { id conventionVersion convention { version } attendees { id } absences { reason } } }`
	issueQ      = `mutation($in: IssuePlaqueInput!) { issuePlaque(input: $in) { id kind since } }`
	plaqueOffQ  = `mutation($id: ID!, $on: Date) { withdrawPlaque(id: $id, reason: "转出", on: $on) { id withdrawnOn } }`
	demoPostQ   = `mutation($in: CreateDemoPostInput!) { createDemoPost(input: $in) { id kind } }`
	coverageQ   = `query($id: ID!) { conventionCoverage(orgID: $id, year: 2026, quarter: 1) { branches branchesRecited deskPlates householdPlaques demonstrationPosts children { org { name } branches branchesRecited householdPlaques } } }`
	conventionV = "一、坚定理想信念……"
)

// TestConventionVersions: the version in force on its edge days, before
// the first version, and the publishing rules.
func TestConventionVersions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newFSFixture(t, d)
		county, township := f.county(), f.township()
		c := gqlID(f.tree.Orgs["C"].ID)
		pub := func(from string) map[string]any {
			return gqlVars("in", map[string]any{"countyID": c, "sector": "RURAL", "text": conventionV, "effectiveFrom": from})
		}
		for i, from := range []string{"2026-01-01", "2026-03-01"} {
			if v := field(f.must(county, publishQ, pub(from)), "publishConvention", "version"); v != float64(i+1) {
				t.Errorf("published version %v, want %d", v, i+1)
			}
		}
		f.refused("a version not after the last", county, publishQ, pub("2026-03-01"), "", "BAD_USER_INPUT")
		f.refused("an empty text", county, publishQ, gqlVars("in", map[string]any{"countyID": c, "sector": "RURAL", "text": " ", "effectiveFrom": "2026-05-01"}), "", "BAD_USER_INPUT")
		f.refused("by a township", township, publishQ, pub("2026-05-01"), "", "NOT_FOUND")
		f.refused("by a county viewer", f.client(rolebinding.RoleViewer, "C"), publishQ, pub("2026-05-01"), "", "FORBIDDEN")
		for on, want := range map[string]any{"2025-12-31": nil, "2026-01-01": float64(1), "2026-02-28": float64(1), "2026-03-01": float64(2), "2026-11-01": float64(2)} {
			var out struct{ Convention map[string]any }
			county.MustDo(t, inForceQ, gqlVars("c", c, "on", on), &out)
			var got any
			if out.Convention != nil {
				got = out.Convention["version"]
				if out.Convention["sector"] != "RURAL" {
					t.Errorf("sector %v", out.Convention["sector"])
				}
			}
			if got != want {
				t.Errorf("convention on %s: version %v, want %v", on, got, want)
			}
		}
		// The conventions belong to the county: only county-wide grants see them.
		for _, tc := range []struct {
			role rolebinding.Role
			org  string
			sees int
		}{
			{rolebinding.RoleAdmin, "", 2},
			{rolebinding.RoleOrgAdmin, "C", 2},
			{rolebinding.RoleViewer, "C", 2},
			{rolebinding.RoleOrgAdmin, "C.T1", 0},
			{rolebinding.RoleOrgAdmin, "C.T1.V1.B1", 0},
			{rolebinding.RoleMember, "C.T1.V1.B1", 0},
		} {
			var out struct {
				Conventions struct{ TotalCount int }
				Convention  map[string]any
			}
			f.client(tc.role, tc.org).MustDo(t, `query($c: ID!) { conventions { totalCount } convention(countyID: $c, sector: RURAL, on: "2026-06-01") { version } }`, gqlVars("c", c), &out)
			if out.Conventions.TotalCount != tc.sees || (out.Convention != nil) != (tc.sees > 0) {
				t.Errorf("%s %s sees %d conventions and %v in force, want %d", tc.role, tc.org, out.Conventions.TotalCount, out.Convention, tc.sees)
			}
		}
		// Another sector has no version yet.
		var out struct{ Convention map[string]any }
		county.MustDo(t, `query($c: ID!) { convention(countyID: $c, sector: AGENCY, on: "2026-06-01") { version } }`, gqlVars("c", c), &out)
		if out.Convention != nil {
			t.Errorf("AGENCY convention %v before any was published", out.Convention)
		}
	})
}

// TestRecitationsPlaquesCoverage: recitations name the version in force,
// attendees come from the branch; plaques and demonstration posts; the
// coverage of a township and its villages.
func TestRecitationsPlaquesCoverage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newFSFixture(t, d)
		county, township := f.county(), f.township()
		branch := f.client(rolebinding.RoleOrgAdmin, "C.T1.V1.B1")
		m := func(name string) string { return gqlID(f.tree.Members[name].ID) }
		f.must(county, publishQ, gqlVars("in", map[string]any{"countyID": gqlID(f.tree.Orgs["C"].ID), "sector": "RURAL", "text": conventionV, "effectiveFrom": "2026-01-01"}))
		f.must(county, publishQ, gqlVars("in", map[string]any{"countyID": gqlID(f.tree.Orgs["C"].ID), "sector": "RURAL", "text": conventionV + "（修订）", "effectiveFrom": "2026-02-01"}))
		recital := func(on string, attendees []string, absent string) map[string]any {
			in := map[string]any{"branchID": gqlID(f.tree.Orgs["C.T1.V1.B1"].ID), "on": on, "attendeeIDs": attendees}
			if absent != "" {
				in["absences"] = []map[string]any{{"memberID": absent, "reason": "外出务工"}}
			}
			return gqlVars("in", in)
		}
		count := func() int { return d.Client.Recitation.Query().CountX(systemCtx()) }
		for _, tc := range []struct {
			name string
			vars map[string]any
			code string
		}{
			{"an attendee from another branch", recital("2026-01-15", []string{m("C.T1.V1.B1.M1"), m("C.T1.V2.B1.M1")}, ""), "BAD_USER_INPUT"},
			{"an absentee from another branch", recital("2026-01-15", []string{m("C.T1.V1.B1.M1")}, m("C.T1.V2.B1.M2")), "BAD_USER_INPUT"},
			{"a member attending and absent", recital("2026-01-15", []string{m("C.T1.V1.B1.M1")}, m("C.T1.V1.B1.M1")), "BAD_USER_INPUT"},
			{"before the first version", recital("2025-12-15", []string{m("C.T1.V1.B1.M1")}, ""), "BAD_USER_INPUT"},
			{"no attendees", recital("2026-01-15", []string{}, ""), "BAD_USER_INPUT"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				n := count()
				expectCode(t, township.Do(t, reciteQ, tc.vars, nil), tc.code)
				if count() != n {
					t.Error("the refused recitation was written")
				}
			})
		}
		var rec struct {
			RecordRecitation struct {
				ID                string
				ConventionVersion int
				Convention        *struct{ Version int }
				Attendees         []struct{ ID string }
				Absences          []struct{ Reason string }
			}
		}
		branch.MustDo(t, reciteQ, recital("2026-01-15", []string{m("C.T1.V1.B1.M1"), m("C.T1.V1.B1.M2")}, m("C.T1.V1.B1.M3")), &rec)
		r := rec.RecordRecitation
		if r.ConventionVersion != 1 || len(r.Attendees) != 2 || len(r.Absences) != 1 || r.Absences[0].Reason != "外出务工" {
			t.Errorf("recitation %+v: want version 1 (in force on 15 January), two attendees, one absence", r)
		}
		// The convention belongs to the county: the branch sees its number only.
		if r.Convention != nil {
			t.Errorf("the branch reads the county's convention %+v, want null", r.Convention)
		}
		var seen struct {
			Node struct{ Convention *struct{ Version int } }
		}
		county.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Recitation { convention { version } } } }`, gqlVars("id", r.ID), &seen)
		if seen.Node.Convention == nil || seen.Node.Convention.Version != 1 {
			t.Errorf("the county reads the recitation's convention as %+v, want version 1", seen.Node.Convention)
		}
		branch.MustDo(t, reciteQ, recital("2026-02-01", []string{m("C.T1.V1.B1.M1")}, ""), &rec)
		if rec.RecordRecitation.ConventionVersion != 2 {
			t.Errorf("a recitation on 1 February names version %d, want 2", rec.RecordRecitation.ConventionVersion)
		}

		// Plaques: one hanging plaque of a kind per member.
		plaque := func(member, kind, since string) map[string]any {
			return gqlVars("in", map[string]any{"memberID": m(member), "kind": kind, "since": since})
		}
		f.must(township, issueQ, plaque("C.T1.V1.B1.M1", "HOUSEHOLD", "2026-01-10"))
		f.refused("a second household plaque", township, issueQ, plaque("C.T1.V1.B1.M1", "HOUSEHOLD", "2026-01-11"), "", "CONFLICT")
		f.refused("a plaque by a viewer", f.client(rolebinding.RoleViewer, "C.T1"), issueQ, plaque("C.T1.V1.B1.M2", "HOUSEHOLD", "2026-01-11"), "", "FORBIDDEN")
		f.refused("a plaque outside scope", f.village("C.T1.V2"), issueQ, plaque("C.T1.V1.B1.M2", "HOUSEHOLD", "2026-01-11"), "", "NOT_FOUND")
		desk := field(f.must(township, issueQ, plaque("C.T1.V2.B1.M1", "DESK_PLATE", "2026-01-05")), "issuePlaque", "id").(string)
		f.must(township, plaqueOffQ, gqlVars("id", desk, "on", "2026-02-01"))
		f.refused("withdrawing twice", township, plaqueOffQ, gqlVars("id", desk, "on", "2026-02-02"), "", "CONFLICT")
		f.must(township, demoPostQ, gqlVars("in", map[string]any{"orgID": gqlID(f.tree.Orgs["C.T1.V1"].ID), "kind": "DEMONSTRATION_POST", "title": "景区服务示范岗", "memberID": m("C.T1.V1.B1.M2")}))
		f.refused("a post held from another village", township, demoPostQ, gqlVars("in", map[string]any{"orgID": gqlID(f.tree.Orgs["C.T1.V1"].ID), "kind": "RESPONSIBILITY_ZONE", "title": "村东片责任区", "memberID": m("C.T1.V2.B1.M1")}), "", "BAD_USER_INPUT")

		type cov struct {
			Org                                                                         struct{ Name string }
			Branches, BranchesRecited, DeskPlates, HouseholdPlaques, DemonstrationPosts int
			Children                                                                    []cov
		}
		var out struct{ ConventionCoverage cov }
		township.MustDo(t, coverageQ, gqlVars("id", gqlID(f.tree.Orgs["C.T1"].ID)), &out)
		got := out.ConventionCoverage
		// The desk plate was withdrawn in the quarter: it does not hang on its last day.
		if got.Branches != 2 || got.BranchesRecited != 1 || got.HouseholdPlaques != 1 || got.DeskPlates != 0 || got.DemonstrationPosts != 1 {
			t.Errorf("coverage of C.T1: %+v", got)
		}
		if len(got.Children) != 2 || got.Children[0].Org.Name != "C.T1.V1" || got.Children[0].BranchesRecited != 1 ||
			got.Children[0].HouseholdPlaques != 1 || got.Children[1].BranchesRecited != 0 || got.Children[1].HouseholdPlaques != 0 {
			t.Errorf("coverage per village: %+v", got.Children)
		}
		// Another township sees nothing of C.T1, and its own subtree is empty.
		expectCode(t, f.client(rolebinding.RoleOrgAdmin, "C.T2").Do(t, coverageQ, gqlVars("id", gqlID(f.tree.Orgs["C.T1"].ID)), nil), "NOT_FOUND")
		var mine struct{ ConventionCoverage cov }
		f.client(rolebinding.RoleOrgAdmin, "C.T2").MustDo(t, coverageQ, gqlVars("id", gqlID(f.tree.Orgs["C.T2"].ID)), &mine)
		if c := mine.ConventionCoverage; c.BranchesRecited != 0 || c.HouseholdPlaques != 0 || c.Branches != 2 {
			t.Errorf("coverage of C.T2: %+v", c)
		}
		// Scope of plaques, recitations and posts from several levels.
		for _, tc := range []struct {
			role                     rolebinding.Role
			org                      string
			plaques, recitals, posts int
		}{
			{rolebinding.RoleOrgAdmin, "C", 2, 2, 1},
			{rolebinding.RoleOrgAdmin, "C.T1.V1", 1, 2, 1},
			{rolebinding.RoleOrgAdmin, "C.T1.V2", 1, 0, 0},
			{rolebinding.RoleViewer, "C.T1", 2, 2, 1},
			{rolebinding.RoleMember, "C.T1.V1.B1", 1, 2, 0},
			{rolebinding.RoleOrgAdmin, "C.T2", 0, 0, 0},
		} {
			var n struct{ Plaques, Recitations, DemoPosts struct{ TotalCount int } }
			f.client(tc.role, tc.org).MustDo(t, `{ plaques { totalCount } recitations { totalCount } demoPosts { totalCount } }`, nil, &n)
			if n.Plaques.TotalCount != tc.plaques || n.Recitations.TotalCount != tc.recitals || n.DemoPosts.TotalCount != tc.posts {
				t.Errorf("%s %s sees %+v, want plaques %d recitations %d posts %d", tc.role, tc.org, n, tc.plaques, tc.recitals, tc.posts)
			}
		}
	})
}
