package authz_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/viewer"
	"github.com/partyorg/partyorg/policies"
)

// Object types and actions the policy speaks about.
var (
	objects = append([]string{"Org", "Member", "User", "RoleBinding", "AuditLog",
		"PointCatalog", "PointItem", "PointEntry", "PointHalfYear", "PointAppeal", "AnnualResult", "PointTally", "PointTallyBand"}, append(classification, dashboards...)...)
	actions = []string{authz.Read, authz.Create, authz.Update, authz.Delete}
	// The types of member classification: ORG_ADMIN records, VIEWER reads.
	classification = []string{"WelfarePost", "CategoryChange", "Transfer", "TrainingRecord",
		"MobileRecord", "ContactLog", "HelpCard", "Visit", "CareFundEntry"}
	// The dashboards and the rollups they read: ORG_ADMIN and VIEWER read
	// them, a MEMBER does not.
	dashboards = []string{"Analytics", "EntryTally"}
)

func init() {
	for _, o := range classification {
		want["ADMIN"][o] = actions
		want["ORG_ADMIN"][o] = actions
		want["VIEWER"][o] = []string{authz.Read}
	}
	for _, o := range dashboards {
		want["ADMIN"][o] = actions
		want["ORG_ADMIN"][o] = []string{authz.Read}
		want["VIEWER"][o] = []string{authz.Read}
	}
}

// want is what each role may do inside its home's subtree, written out by
// hand from CONTRACT.md and DESIGN.md rather than read from policy.csv, so
// that a change to the policy must be matched here.
var want = map[string]map[string][]string{
	"ADMIN": {
		"Org": actions, "Member": actions, "User": actions, "RoleBinding": actions, "AuditLog": actions,
		"PointCatalog": actions, "PointItem": actions, "PointEntry": actions, "PointHalfYear": actions,
		"PointAppeal": actions, "AnnualResult": actions, "PointTally": actions, "PointTallyBand": actions,
	},
	"ORG_ADMIN": {
		"Org": actions, "Member": actions, "User": actions, "RoleBinding": actions, "AuditLog": {authz.Read},
		"Pledge": actions, "PledgeItem": actions, "PledgeReview": actions, "PledgeProgress": actions,
		"PointEntry": actions, "PointHalfYear": actions, "PointAppeal": actions, "AnnualResult": actions, "PointTally": actions, "PointTallyBand": actions,
	},
	// A county's ORG_ADMIN keeps its pledge topics and sets its point catalogues.
	"ORG_ADMIN@COUNTY": {
		"PledgeTopic": actions, "PointCatalog": actions, "PointItem": actions,
	},
	"VIEWER": {
		"Org": {authz.Read}, "Member": {authz.Read, "export"}, "User": {authz.Read}, "RoleBinding": {authz.Read},
		"Pledge": {authz.Read, "readDraft", "export"}, "PledgeItem": {authz.Read}, "PledgeReview": {authz.Read}, "PledgeProgress": {authz.Read},
		"PointCatalog": {authz.Read}, "PointItem": {authz.Read}, "PointEntry": {authz.Read, "export"},
		"PointHalfYear": {authz.Read}, "PointAppeal": {authz.Read}, "AnnualResult": {authz.Read}, "PointTally": {authz.Read}, "PointTallyBand": {authz.Read},
	},
	"MEMBER": {
		"Org":    {authz.Read},
		"Pledge": {authz.Read}, "PledgeItem": {authz.Read}, "PledgeReview": {authz.Read}, "PledgeProgress": {authz.Read},
		"PointEntry":    {"declare", authz.Create},
		"PointAppeal":   {"appeal", authz.Create},
		"PointHalfYear": {authz.Read},
	},
}

func decider(t *testing.T, grants ...viewer.Grant) viewer.Decider {
	t.Helper()
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	d, err := az.Decider(1, grants)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func grant(role rolebinding.Role, path string) viewer.Grant {
	return viewer.Grant{Role: string(role), Path: path}
}

// TestAllowRows checks single decisions that the scope rule hinges on.
func TestAllowRows(t *testing.T) {
	orgAdmin := grant(rolebinding.RoleOrgAdmin, "/1/7/")
	view := grant(rolebinding.RoleViewer, "/1/7/")
	member := grant(rolebinding.RoleMember, "/1/7/42/")
	admin := grant(rolebinding.RoleAdmin, "")
	tests := []struct {
		name   string
		grants []viewer.Grant
		path   string
		obj    string
		act    string
		want   bool
	}{
		{"org admin at home", []viewer.Grant{orgAdmin}, "/1/7/", "Org", "update", true},
		{"org admin in subtree", []viewer.Grant{orgAdmin}, "/1/7/42/", "Member", "delete", true},
		{"org admin deep in subtree", []viewer.Grant{orgAdmin}, "/1/7/42/99/", "Org", "create", true},
		{"org admin sibling /1/70/", []viewer.Grant{orgAdmin}, "/1/70/", "Org", "read", false},
		{"org admin sibling /1/8/", []viewer.Grant{orgAdmin}, "/1/8/", "Org", "read", false},
		{"org admin parent /1/", []viewer.Grant{orgAdmin}, "/1/", "Org", "read", false},
		{"org admin prefix trap /1/77/", []viewer.Grant{orgAdmin}, "/1/77/", "Member", "read", false},
		{"org admin path without trailing slash", []viewer.Grant{orgAdmin}, "/1/7", "Org", "read", false},
		{"org admin other county", []viewer.Grant{orgAdmin}, "/2/7/", "Org", "read", false},
		{"org admin at root", []viewer.Grant{orgAdmin}, authz.Root, "Org", "read", false},
		{"org admin reads audit", []viewer.Grant{orgAdmin}, "/1/7/42/", "AuditLog", "read", true},
		{"org admin cannot edit audit", []viewer.Grant{orgAdmin}, "/1/7/", "AuditLog", "update", false},
		{"org admin cannot delete audit", []viewer.Grant{orgAdmin}, "/1/7/", "AuditLog", "delete", false},
		{"org admin unknown type", []viewer.Grant{orgAdmin}, "/1/7/", "Setting", "read", false},
		{"org admin unknown action", []viewer.Grant{orgAdmin}, "/1/7/", "AuditLog", "approve", false},

		{"viewer reads", []viewer.Grant{view}, "/1/7/42/", "Member", "read", true},
		{"viewer cannot update", []viewer.Grant{view}, "/1/7/42/", "Member", "update", false},
		{"viewer cannot create org", []viewer.Grant{view}, "/1/7/", "Org", "create", false},
		{"viewer no audit", []viewer.Grant{view}, "/1/7/", "AuditLog", "read", false},
		{"viewer sibling", []viewer.Grant{view}, "/1/70/", "Org", "read", false},
		{"viewer at root", []viewer.Grant{view}, authz.Root, "User", "read", false},

		{"member reads own branch", []viewer.Grant{member}, "/1/7/42/", "Org", "read", true},
		{"member cannot read members", []viewer.Grant{member}, "/1/7/42/", "Member", "read", false},
		{"member cannot read users", []viewer.Grant{member}, "/1/7/42/", "User", "read", false},
		{"member cannot update branch", []viewer.Grant{member}, "/1/7/42/", "Org", "update", false},
		{"member not the village", []viewer.Grant{member}, "/1/7/", "Org", "read", false},
		{"member prefix trap /1/7/420/", []viewer.Grant{member}, "/1/7/420/", "Org", "read", false},
		{"member at root", []viewer.Grant{member}, authz.Root, "Org", "read", false},

		{"admin at root", []viewer.Grant{admin}, authz.Root, "Org", "create", true},
		{"admin anywhere", []viewer.Grant{admin}, "/2/9/", "Member", "delete", true},
		{"admin audit", []viewer.Grant{admin}, "/2/9/", "AuditLog", "read", true},

		{"no grants", nil, "/1/7/", "Org", "read", false},
		{"no grants at root", nil, authz.Root, "Org", "read", false},

		// A viewer's rights are the union of its bindings.
		{"union: member plus viewer elsewhere", []viewer.Grant{member, grant(rolebinding.RoleViewer, "/1/8/")}, "/1/8/3/", "Member", "read", true},
		{"union: viewer plus org admin below", []viewer.Grant{view, grant(rolebinding.RoleOrgAdmin, "/1/7/42/")}, "/1/7/42/", "Member", "update", true},
		{"union: org admin below does not lift the viewer", []viewer.Grant{view, grant(rolebinding.RoleOrgAdmin, "/1/7/42/")}, "/1/7/43/", "Member", "update", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decider(t, tt.grants...).Allow(tt.path, tt.obj, tt.act); got != tt.want {
				t.Errorf("Allow(%q, %q, %q) with %v = %v, want %v", tt.path, tt.obj, tt.act, tt.grants, got, tt.want)
			}
		})
	}
}

// TestAllowMatrix checks every role × object × action, allowed where the
// role holds the rule (at its home and below) and denied everywhere else:
// so every rule of the policy is seen both allowed and denied.
func TestAllowMatrix(t *testing.T) {
	const home = "/1/7/"
	inside := []string{home, "/1/7/42/"}
	outside := []string{"/1/", "/1/8/", "/1/70/", "/1/77/", "/2/7/", authz.Root}
	for role, rules := range want {
		g := grant(rolebinding.Role(role), home)
		if role == "ADMIN" {
			g.Path = ""
		}
		d := decider(t, g)
		for _, obj := range objects {
			for _, act := range actions {
				ok := slices.Contains(rules[obj], act)
				for _, p := range inside {
					if got := d.Allow(p, obj, act); got != ok {
						t.Errorf("%s at %s: Allow(%q, %s, %s) = %v, want %v", role, home, p, obj, act, got, ok)
					}
				}
				for _, p := range outside {
					ok := ok && role == "ADMIN"
					if got := d.Allow(p, obj, act); got != ok {
						t.Errorf("%s at %s: Allow(%q, %s, %s) = %v, want %v", role, home, p, obj, act, got, ok)
					}
				}
			}
		}
	}
}

func TestScope(t *testing.T) {
	tests := []struct {
		name   string
		grants []viewer.Grant
		obj    string
		want   viewer.Scope
	}{
		{"no grants", nil, "Org", viewer.Scope{}},
		{"no grants audit", nil, "AuditLog", viewer.Scope{}},
		{"org admin", []viewer.Grant{grant(rolebinding.RoleOrgAdmin, "/1/7/")}, "Member", viewer.Scope{Prefixes: []string{"/1/7/"}}},
		{"org admin audit", []viewer.Grant{grant(rolebinding.RoleOrgAdmin, "/1/7/")}, "AuditLog", viewer.Scope{Prefixes: []string{"/1/7/"}}},
		{"viewer no audit", []viewer.Grant{grant(rolebinding.RoleViewer, "/1/7/")}, "AuditLog", viewer.Scope{}},
		{"member reads its branch", []viewer.Grant{grant(rolebinding.RoleMember, "/1/7/42/")}, "Org", viewer.Scope{Prefixes: []string{"/1/7/42/"}}},
		{"member reads no members by grant", []viewer.Grant{grant(rolebinding.RoleMember, "/1/7/42/")}, "Member", viewer.Scope{}},
		{
			"nested grants collapse",
			[]viewer.Grant{grant(rolebinding.RoleViewer, "/1/7/42/"), grant(rolebinding.RoleOrgAdmin, "/1/7/")},
			"Org", viewer.Scope{Prefixes: []string{"/1/7/"}},
		},
		{
			"duplicate homes collapse",
			[]viewer.Grant{grant(rolebinding.RoleViewer, "/1/7/"), grant(rolebinding.RoleOrgAdmin, "/1/7/")},
			"User", viewer.Scope{Prefixes: []string{"/1/7/"}},
		},
		{
			"siblings sorted, prefix trap kept apart",
			[]viewer.Grant{grant(rolebinding.RoleViewer, "/1/8/"), grant(rolebinding.RoleViewer, "/1/77/"), grant(rolebinding.RoleOrgAdmin, "/1/7/")},
			"Org", viewer.Scope{Prefixes: []string{"/1/7/", "/1/77/", "/1/8/"}},
		},
		{
			"only grants that may read the type count",
			[]viewer.Grant{grant(rolebinding.RoleMember, "/1/8/3/"), grant(rolebinding.RoleOrgAdmin, "/1/7/")},
			"Member", viewer.Scope{Prefixes: []string{"/1/7/"}},
		},
		{
			"member and org admin both read orgs",
			[]viewer.Grant{grant(rolebinding.RoleMember, "/1/8/3/"), grant(rolebinding.RoleOrgAdmin, "/1/7/")},
			"Org", viewer.Scope{Prefixes: []string{"/1/7/", "/1/8/3/"}},
		},
		{"admin", []viewer.Grant{grant(rolebinding.RoleAdmin, "")}, "Member", viewer.Scope{All: true}},
		{"admin audit", []viewer.Grant{grant(rolebinding.RoleAdmin, "")}, "AuditLog", viewer.Scope{All: true}},
		{
			"admin wins over others",
			[]viewer.Grant{grant(rolebinding.RoleViewer, "/1/7/"), grant(rolebinding.RoleAdmin, "")},
			"Org", viewer.Scope{All: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decider(t, tt.grants...)
			// Twice: the second answer comes from the decider's cache.
			for range 2 {
				got := d.Scope(tt.obj)
				if got.All != tt.want.All || !slices.Equal(got.Prefixes, tt.want.Prefixes) {
					t.Fatalf("Scope(%q) with %v = %+v, want %+v", tt.obj, tt.grants, got, tt.want)
				}
			}
		})
	}
}

// TestScopeAgreesWithAllow checks that Scope and Allow give one answer:
// a prefix is in scope exactly when reading there is allowed.
func TestScopeAgreesWithAllow(t *testing.T) {
	grants := []viewer.Grant{
		grant(rolebinding.RoleMember, "/1/8/3/"),
		grant(rolebinding.RoleViewer, "/1/9/"),
		grant(rolebinding.RoleOrgAdmin, "/1/7/"),
	}
	paths := []string{authz.Root, "/1/", "/1/7/", "/1/7/5/", "/1/77/", "/1/8/", "/1/8/3/", "/1/8/30/", "/1/9/", "/1/9/4/"}
	d := decider(t, grants...)
	for _, obj := range objects {
		sc := d.Scope(obj)
		for _, p := range paths {
			in := sc.All || slices.ContainsFunc(sc.Prefixes, func(pre string) bool { return strings.HasPrefix(p, pre) })
			if allow := d.Allow(p, obj, authz.Read); in != allow {
				t.Errorf("%s at %s: in scope %v, Allow read %v", obj, p, in, allow)
			}
		}
	}
}

// TestPolicyFile checks that the embedded policy parses, names only roles
// a RoleBinding can hold, and holds no rule the tables above do not know.
func TestPolicyFile(t *testing.T) {
	if _, err := authz.New(); err != nil {
		t.Fatalf("policy does not load: %v", err)
	}
	if _, err := authz.NewFromText("[request_definition]\n", policies.Policy); err == nil {
		t.Error("a broken model loaded without error")
	}
	var n int
	for i, line := range strings.Split(policies.Policy, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ",")
		for j := range f {
			f[j] = strings.TrimSpace(f[j])
		}
		if len(f) != 5 || f[0] != "p" {
			t.Errorf("policy.csv:%d: want \"p, role, domain, object, action\", got %q", i+1, line)
			continue
		}
		n++
		role, dom, obj, act := f[1], f[2], f[3], f[4]
		// A level role, ORG_ADMIN@TOWNSHIP, is a role at an org kind.
		base, kind, level := strings.Cut(role, "@")
		if err := rolebinding.RoleValidator(rolebinding.Role(base)); err != nil {
			t.Errorf("policy.csv:%d: %q is not a RoleBinding role", i+1, role)
		}
		if err := org.KindValidator(org.Kind(kind)); level && err != nil {
			t.Errorf("policy.csv:%d: %q is not a level role: no org kind %q", i+1, role, kind)
		}
		if dom != "*" {
			t.Errorf("policy.csv:%d: domain %q: rules apply in the whole subtree of a grant, use *", i+1, dom)
		}
		objs, acts := []string{obj}, []string{act}
		if obj == "*" {
			objs = objects
		}
		if act == "*" {
			acts = actions
		}
		for _, o := range objs {
			for _, a := range acts {
				if !slices.Contains(want[role][o], a) {
					t.Errorf("policy.csv:%d: %s may %s %s, which the tests here do not expect", i+1, role, a, o)
				}
			}
		}
	}
	if n == 0 {
		t.Error("policy.csv has no rules")
	}
}

// TestLevelRoles checks that a grant also holds its role at its home's
// level (ORG_ADMIN@TOWNSHIP), over the home's subtree only, so that
// policies/ can give a step to one level.
func TestLevelRoles(t *testing.T) {
	az, err := authz.NewFromText(policies.Model, "p, ORG_ADMIN@TOWNSHIP, *, Nomination, review\np, ORG_ADMIN, *, Nomination, read\n")
	if err != nil {
		t.Fatal(err)
	}
	township := viewer.Grant{Role: "ORG_ADMIN", Path: "/1/7/", Kind: "TOWNSHIP"}
	village := viewer.Grant{Role: "ORG_ADMIN", Path: "/1/7/42/", Kind: "VILLAGE"}
	for _, tc := range []struct {
		name  string
		grant viewer.Grant
		path  string
		act   string
		want  bool
	}{
		{"township reviews in its village", township, "/1/7/42/", "review", true},
		{"township reviews at home", township, "/1/7/", "review", true},
		{"township not in another township", township, "/1/8/42/", "review", false},
		{"village may not review", village, "/1/7/42/", "review", false},
		{"village reads", village, "/1/7/42/", "read", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := az.Decider(1, []viewer.Grant{tc.grant})
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Allow(tc.path, "Nomination", tc.act); got != tc.want {
				t.Fatalf("Allow(%s, %s) = %v, want %v", tc.path, tc.act, got, tc.want)
			}
		})
	}
}
