package authz_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/auth"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/orgtree"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

// parentKinds is DESIGN.md §1, written out again so that the generator
// does not lean on the code under test.
var parentKinds = map[org.Kind][]org.Kind{
	org.KindTownship:  {org.KindCounty},
	org.KindVillage:   {org.KindTownship},
	org.KindCommunity: {org.KindTownship},
	org.KindUnit:      {org.KindCounty, org.KindTownship},
	org.KindBranch:    {org.KindTownship, org.KindVillage, org.KindCommunity, org.KindUnit},
}

// TestListEqualsEnforce holds the read filter (SQL prefix ranges from
// Scope) equal to Casbin's Enforce on random trees, users and moves: what
// a viewer lists of each type is exactly what Allow(path, type, "read")
// admits, plus its own records. Each seed gets a fresh database, so a
// failing seed reproduces alone with -run 'TestListEqualsEnforce/<db>/seed=N$'.
func TestListEqualsEnforce(t *testing.T) {
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		// PostgreSQL pays more per statement (and per fresh database).
		trees := 40
		if d.Name == "postgres" {
			trees = 25
		}
		var st stats
		for i := range trees {
			seed := uint64(1000 + i)
			t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
				c := d.Client
				if i > 0 {
					c = testdb.Open(t, d.Name).Client
				}
				st.add(invariantCase(t, c, az, seed))
			})
		}
		t.Logf("%d trees: %d orgs, %d members, %d users, %d moves; %d user × type checks", trees, st.orgs, st.members, st.users, st.moves, st.checks)
	})
}

type stats struct{ orgs, members, users, moves, checks int }

func (s *stats) add(o stats) {
	s.orgs += o.orgs
	s.members += o.members
	s.users += o.users
	s.moves += o.moves
	s.checks += o.checks
}

// invariantCase builds one random world from seed, moves some subtrees
// and checks every user's lists.
func invariantCase(t *testing.T, c *ent.Client, az *authz.Authorizer, seed uint64) stats {
	var st stats
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	sys := viewer.NewSystemContext(context.Background())
	if err := db.WithTx(sys, c, func(tx *ent.Tx) error {
		return generate(sys, tx.Client(), r, seed)
	}); err != nil {
		t.Fatalf("seed %d: building the tree: %v", seed, err)
	}
	checkPaths(t, c, seed, "after building")
	for n := 1 + r.IntN(4); n > 0; n-- {
		if desc := randomMove(t, c, r, seed); desc != "" {
			st.moves++
			checkPaths(t, c, seed, "after "+desc)
		}
	}
	if t.Failed() {
		return st
	}

	// Everything, read as the server, to compute what each viewer should see.
	orgs := c.Org.Query().AllX(sys)
	path := map[int]string{}
	for _, o := range orgs {
		path[o.ID] = o.Path
	}
	pathOf := func(orgID int) string {
		if orgID == 0 {
			return authz.Root
		}
		p, ok := path[orgID]
		if !ok {
			t.Fatalf("seed %d: org %d referenced but missing", seed, orgID)
		}
		return p
	}
	members := c.Member.Query().AllX(sys)
	users := c.User.Query().AllX(sys)
	bindings := c.RoleBinding.Query().AllX(sys)
	logs := c.AuditLog.Query().AllX(sys)

	st.orgs, st.members, st.users = len(orgs), len(members), len(users)
	for _, u := range users {
		v, err := auth.Load(context.Background(), c, az, u.ID)
		if err != nil {
			t.Fatalf("seed %d: loading %s: %v", seed, u.Username, err)
		}
		ctx := viewer.NewContext(context.Background(), v)
		who := fmt.Sprintf("seed %d: user %s (id %d, member %d, grants %s)", seed, u.Username, u.ID, v.MemberID, describe(v.Grants))
		allow := func(p, obj string) bool { return v.Allow(p, obj, authz.Read) }

		types := []struct {
			name  string
			want  []int
			list  func() ([]int, error)
			count func() (int, error)
		}{
			{
				"Org",
				pick(orgs, func(o *ent.Org) (int, bool) { return o.ID, allow(o.Path, "Org") }),
				func() ([]int, error) {
					rows, err := c.Org.Query().All(ctx)
					return ids(rows, err, func(x *ent.Org) int { return x.ID })
				},
				func() (int, error) { return c.Org.Query().Count(ctx) },
			},
			{
				"Member",
				pick(members, func(m *ent.Member) (int, bool) {
					return m.ID, allow(pathOf(m.BranchID), "Member") || m.ID == v.MemberID
				}),
				func() ([]int, error) {
					rows, err := c.Member.Query().All(ctx)
					return ids(rows, err, func(x *ent.Member) int { return x.ID })
				},
				func() (int, error) { return c.Member.Query().Count(ctx) },
			},
			{
				"User",
				pick(users, func(x *ent.User) (int, bool) {
					return x.ID, allow(pathOf(x.OrgID), "User") || x.ID == v.UserID
				}),
				func() ([]int, error) {
					rows, err := c.User.Query().All(ctx)
					return ids(rows, err, func(x *ent.User) int { return x.ID })
				},
				func() (int, error) { return c.User.Query().Count(ctx) },
			},
			{
				"RoleBinding",
				pick(bindings, func(b *ent.RoleBinding) (int, bool) {
					return b.ID, allow(pathOf(b.OrgID), "RoleBinding") || b.UserID == v.UserID
				}),
				func() ([]int, error) {
					rows, err := c.RoleBinding.Query().All(ctx)
					return ids(rows, err, func(x *ent.RoleBinding) int { return x.ID })
				},
				func() (int, error) { return c.RoleBinding.Query().Count(ctx) },
			},
			{
				"AuditLog",
				pick(logs, func(a *ent.AuditLog) (int, bool) { return a.ID, allow(pathOf(a.OrgID), "AuditLog") }),
				func() ([]int, error) {
					rows, err := c.AuditLog.Query().All(ctx)
					return ids(rows, err, func(x *ent.AuditLog) int { return x.ID })
				},
				func() (int, error) { return c.AuditLog.Query().Count(ctx) },
			},
		}
		for _, typ := range types {
			st.checks++
			got, err := typ.list()
			if err != nil {
				t.Fatalf("%s: listing %s: %v", who, typ.name, err)
			}
			n, err := typ.count()
			if err != nil {
				t.Fatalf("%s: counting %s: %v", who, typ.name, err)
			}
			slices.Sort(got)
			if extra, missing := diff(got, typ.want); len(extra)+len(missing) > 0 {
				t.Errorf("%s: %s listed but not allowed: %v; allowed but not listed: %v", who, typ.name, extra, missing)
			}
			if n != len(got) {
				t.Errorf("%s: %s Count() = %d, All() has %d", who, typ.name, n, len(got))
			}
		}
	}
	return st
}

// generate builds one or two counties with random townships, villages,
// communities, units and branches, members in the branches, and users
// with one to three random role bindings.
func generate(ctx context.Context, c *ent.Client, r *rand.Rand, seed uint64) error {
	var (
		all      []*ent.Org
		branches []*ent.Org
		n        int
	)
	mk := func(kind org.Kind, parent *ent.Org) (*ent.Org, error) {
		n++
		q := c.Org.Create().SetName(fmt.Sprintf("s%d.%s%d", seed, strings.ToLower(string(kind[:1])), n)).
			SetKind(kind).SetSector(org.SectorRural)
		if parent != nil {
			q.SetParentID(parent.ID)
		}
		o, err := q.Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("creating %s: %w", kind, err)
		}
		all = append(all, o)
		if kind == org.KindBranch {
			branches = append(branches, o)
		}
		return o, nil
	}
	// branchesUnder gives an org lo..hi branches.
	branchesUnder := func(p *ent.Org, lo, hi int) error {
		for k := lo + r.IntN(hi-lo+1); k > 0; k-- {
			if _, err := mk(org.KindBranch, p); err != nil {
				return err
			}
		}
		return nil
	}
	counties := 1
	if r.IntN(3) == 0 {
		counties = 2
	}
	for range counties {
		county, err := mk(org.KindCounty, nil)
		if err != nil {
			return err
		}
		for k := r.IntN(3); k > 0; k-- {
			u, err := mk(org.KindUnit, county)
			if err != nil {
				return err
			}
			if err := branchesUnder(u, 0, 2); err != nil {
				return err
			}
		}
		for k := 1 + r.IntN(3); k > 0; k-- {
			town, err := mk(org.KindTownship, county)
			if err != nil {
				return err
			}
			if err := branchesUnder(town, 0, 1); err != nil {
				return err
			}
			for j := 1 + r.IntN(3); j > 0; j-- {
				kind := []org.Kind{org.KindVillage, org.KindCommunity, org.KindUnit}[r.IntN(3)]
				o, err := mk(kind, town)
				if err != nil {
					return err
				}
				if err := branchesUnder(o, 0, 2); err != nil {
					return err
				}
			}
		}
	}

	var unlinked []*ent.Member // members without an account yet
	for _, b := range branches {
		for k := r.IntN(4); k > 0; k-- {
			m, err := c.Member.Create().SetName(fmt.Sprintf("%s.m%d", b.Name, k)).
				SetStatus(member.StatusFull).SetCategory(member.CategoryAtHomeNoPost).SetBranchID(b.ID).Save(ctx)
			if err != nil {
				return fmt.Errorf("creating member: %w", err)
			}
			unlinked = append(unlinked, m)
		}
	}
	takeMember := func(branchID int) *ent.Member {
		for i, m := range unlinked {
			if branchID == 0 || m.BranchID == branchID {
				unlinked = slices.Delete(unlinked, i, i+1)
				return m
			}
		}
		return nil
	}

	type binding struct {
		role  rolebinding.Role
		orgID *int
	}
	for i := range 6 + r.IntN(5) {
		var (
			bs     []binding
			linked *ent.Member
			seen   = map[string]bool{}
		)
		for k := 1 + r.IntN(3); k > 0; k-- {
			var b binding
			switch x := r.IntN(100); {
			case x < 5:
				b.role = rolebinding.RoleAdmin
			case x < 45:
				b.role, b.orgID = rolebinding.RoleOrgAdmin, &all[r.IntN(len(all))].ID
			case x < 75:
				b.role, b.orgID = rolebinding.RoleViewer, &all[r.IntN(len(all))].ID
			default:
				if len(branches) == 0 {
					continue
				}
				br := branches[r.IntN(len(branches))]
				b.role, b.orgID = rolebinding.RoleMember, &br.ID
				if linked == nil {
					linked = takeMember(br.ID)
				}
			}
			key := string(b.role)
			if b.orgID != nil {
				key += fmt.Sprint(*b.orgID)
			}
			if !seen[key] {
				seen[key] = true
				bs = append(bs, b)
			}
		}
		// Some accounts belong to a member without holding MEMBER.
		if linked == nil && r.IntN(6) == 0 {
			linked = takeMember(0)
		}
		var home *int
		switch x := r.IntN(10); {
		case x < 2:
			// Only ADMIN manages an account without a home.
		case linked != nil && x < 6:
			home = &linked.BranchID
		default:
			home = &all[r.IntN(len(all))].ID
		}
		q := c.User.Create().SetUsername(fmt.Sprintf("u%d.%d", seed, i)).
			SetPasswordHash("x"). // bcrypt is slow and not under test here
			SetNillableOrgID(home)
		if linked != nil {
			q.SetMemberID(linked.ID)
		}
		u, err := q.Save(ctx)
		if err != nil {
			return fmt.Errorf("creating user: %w", err)
		}
		for _, b := range bs {
			if err := c.RoleBinding.Create().SetUserID(u.ID).SetRole(b.role).SetNillableOrgID(b.orgID).Exec(ctx); err != nil {
				return fmt.Errorf("creating binding: %w", err)
			}
		}
	}
	return nil
}

// randomMove moves a random non-county org under another org of an
// allowed kind outside its own subtree; it describes the move, or returns
// "" when the chosen org has nowhere to go.
func randomMove(t *testing.T, c *ent.Client, r *rand.Rand, seed uint64) string {
	t.Helper()
	sys := viewer.NewSystemContext(context.Background())
	orgs := c.Org.Query().Order(ent.Asc(org.FieldID)).AllX(sys)
	var movable []*ent.Org
	for _, o := range orgs {
		if o.Kind != org.KindCounty {
			movable = append(movable, o)
		}
	}
	o := movable[r.IntN(len(movable))]
	var targets []*ent.Org
	for _, p := range orgs {
		if slices.Contains(parentKinds[o.Kind], p.Kind) && !strings.HasPrefix(p.Path, o.Path) && p.ID != o.ParentID {
			targets = append(targets, p)
		}
	}
	if len(targets) == 0 {
		return ""
	}
	p := targets[r.IntN(len(targets))]
	if err := c.Org.UpdateOneID(o.ID).SetParentID(p.ID).Exec(sys); err != nil {
		t.Fatalf("seed %d: moving %s %s (%s) under %s %s (%s): %v", seed, o.Kind, o.Name, o.Path, p.Kind, p.Name, p.Path, err)
	}
	return fmt.Sprintf("moving %s %s (%s) under %s %s (%s)", o.Kind, o.Name, o.Path, p.Kind, p.Name, p.Path)
}

// checkPaths checks that every org's path is its parent's path plus its
// own segment, and a county's is its segment alone.
func checkPaths(t *testing.T, c *ent.Client, seed uint64, when string) {
	t.Helper()
	orgs := c.Org.Query().AllX(viewer.NewSystemContext(context.Background()))
	byID := map[int]*ent.Org{}
	for _, o := range orgs {
		byID[o.ID] = o
	}
	for _, o := range orgs {
		want := "/" + orgtree.Segment(o.ID) + "/"
		if o.ParentID != 0 {
			p, ok := byID[o.ParentID]
			if !ok {
				t.Errorf("seed %d %s: %s has missing parent %d", seed, when, o.Name, o.ParentID)
				continue
			}
			want = p.Path + orgtree.Segment(o.ID) + "/"
		}
		if o.Path != want {
			t.Errorf("seed %d %s: %s %s has path %q, want %q", seed, when, o.Kind, o.Name, o.Path, want)
		}
	}
}

func pick[T any](rows []T, keep func(T) (int, bool)) []int {
	var out []int
	for _, x := range rows {
		if id, ok := keep(x); ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// ids returns the IDs of the rows a query listed.
func ids[T any](rows []T, err error, id func(T) int) ([]int, error) {
	if err != nil {
		return nil, err
	}
	out := make([]int, len(rows))
	for i, x := range rows {
		out[i] = id(x)
	}
	return out, nil
}

// diff returns the IDs only in got and those only in want (both sorted).
func diff(got, want []int) (extra, missing []int) {
	for _, id := range got {
		if _, ok := slices.BinarySearch(want, id); !ok {
			extra = append(extra, id)
		}
	}
	for _, id := range want {
		if _, ok := slices.BinarySearch(got, id); !ok {
			missing = append(missing, id)
		}
	}
	return extra, missing
}

func describe(gs []viewer.Grant) string {
	s := make([]string, len(gs))
	for i, g := range gs {
		s[i] = g.Role + "@" + g.Path
	}
	return "[" + strings.Join(s, " ") + "]"
}
