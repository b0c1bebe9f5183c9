package orgtree_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/orgtree"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

var kinds = []org.Kind{org.KindCounty, org.KindTownship, org.KindVillage, org.KindCommunity, org.KindUnit, org.KindBranch}

// allowed is DESIGN.md §1 as child → parent pairs: TOWNSHIP→COUNTY;
// VILLAGE, COMMUNITY→TOWNSHIP; UNIT→COUNTY or TOWNSHIP; BRANCH→TOWNSHIP,
// VILLAGE, COMMUNITY or UNIT; COUNTY has no parent.
var allowed = map[[2]org.Kind]bool{
	{org.KindTownship, org.KindCounty}:    true,
	{org.KindVillage, org.KindTownship}:   true,
	{org.KindCommunity, org.KindTownship}: true,
	{org.KindUnit, org.KindCounty}:        true,
	{org.KindUnit, org.KindTownship}:      true,
	{org.KindBranch, org.KindTownship}:    true,
	{org.KindBranch, org.KindVillage}:     true,
	{org.KindBranch, org.KindCommunity}:   true,
	{org.KindBranch, org.KindUnit}:        true,
}

func sys() context.Context { return viewer.NewSystemContext(context.Background()) }

func TestAllowedParent(t *testing.T) {
	for _, child := range kinds {
		for _, parent := range kinds {
			want := allowed[[2]org.Kind{child, parent}]
			if got := orgtree.AllowedParent(child, parent); got != want {
				t.Errorf("AllowedParent(%s, %s) = %v, want %v", child, parent, got, want)
			}
		}
	}
}

func TestChildKinds(t *testing.T) {
	tests := []struct {
		parent org.Kind
		want   []org.Kind
	}{
		{org.KindCounty, []org.Kind{org.KindTownship, org.KindUnit}},
		{org.KindTownship, []org.Kind{org.KindVillage, org.KindCommunity, org.KindUnit, org.KindBranch}},
		{org.KindVillage, []org.Kind{org.KindBranch}},
		{org.KindCommunity, []org.Kind{org.KindBranch}},
		{org.KindUnit, []org.Kind{org.KindBranch}},
		{org.KindBranch, nil},
	}
	for _, tt := range tests {
		if got := orgtree.ChildKinds(tt.parent); !slices.Equal(got, tt.want) {
			t.Errorf("ChildKinds(%s) = %v, want %v", tt.parent, got, tt.want)
		}
	}
}

func TestSegment(t *testing.T) {
	for _, tt := range []struct {
		id   int
		want string
	}{
		{1<<32 + 1, "1"},
		{1<<32 + 42, "42"},
		{3<<32 + 7, "7"},
		{5, "5"},
	} {
		if got := orgtree.Segment(tt.id); got != tt.want {
			t.Errorf("Segment(%d) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

// tree creates orgs under the system viewer.
type tree struct {
	t *testing.T
	c *ent.Client
}

func (tr tree) org(name string, kind org.Kind, parent *ent.Org) *ent.Org {
	tr.t.Helper()
	q := tr.c.Org.Create().SetName(name).SetKind(kind).SetSector(org.SectorRural)
	if parent != nil {
		q.SetParentID(parent.ID)
	}
	o, err := q.Save(sys())
	if err != nil {
		tr.t.Fatalf("creating %s %s: %v", kind, name, err)
	}
	return o
}

func (tr tree) member(name string, branch *ent.Org) *ent.Member {
	tr.t.Helper()
	m, err := tr.c.Member.Create().SetName(name).SetStatus(member.StatusFull).
		SetCategory(member.CategoryAtHomeNoPost).SetBranchID(branch.ID).Save(sys())
	if err != nil {
		tr.t.Fatalf("creating member %s: %v", name, err)
	}
	return m
}

func (tr tree) paths() map[int]string {
	tr.t.Helper()
	out := map[int]string{}
	for _, o := range tr.c.Org.Query().AllX(sys()) {
		out[o.ID] = o.Path
	}
	return out
}

func (tr tree) parents() map[int]int {
	tr.t.Helper()
	out := map[int]int{}
	for _, o := range tr.c.Org.Query().AllX(sys()) {
		out[o.ID] = o.ParentID
	}
	return out
}

func wantCode(t *testing.T, what string, err error, want errs.Code) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %s", what, want)
		return
	}
	if got, _ := errs.CodeOf(err); got != want {
		t.Errorf("%s: error %v has code %q, want %s", what, err, got, want)
	}
}

func TestCreatePaths(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tr := tree{t, d.Client}
		seg := orgtree.Segment
		county := tr.org("C", org.KindCounty, nil)
		town := tr.org("C.T", org.KindTownship, county)
		village := tr.org("C.T.V", org.KindVillage, town)
		comm := tr.org("C.T.S", org.KindCommunity, town)
		unit := tr.org("C.U", org.KindUnit, county)
		tunit := tr.org("C.T.U", org.KindUnit, town)
		branches := []*ent.Org{
			tr.org("C.T.V.B", org.KindBranch, village),
			tr.org("C.T.S.B", org.KindBranch, comm),
			tr.org("C.U.B", org.KindBranch, unit),
			tr.org("C.T.U.B", org.KindBranch, tunit),
			tr.org("C.T.B", org.KindBranch, town),
		}
		county2 := tr.org("D", org.KindCounty, nil)

		c, tw := "/"+seg(county.ID)+"/", seg(town.ID)+"/"
		want := map[*ent.Org]string{
			county:      c,
			county2:     "/" + seg(county2.ID) + "/",
			town:        c + tw,
			village:     c + tw + seg(village.ID) + "/",
			comm:        c + tw + seg(comm.ID) + "/",
			unit:        c + seg(unit.ID) + "/",
			tunit:       c + tw + seg(tunit.ID) + "/",
			branches[0]: c + tw + seg(village.ID) + "/" + seg(branches[0].ID) + "/",
			branches[1]: c + tw + seg(comm.ID) + "/" + seg(branches[1].ID) + "/",
			branches[2]: c + seg(unit.ID) + "/" + seg(branches[2].ID) + "/",
			branches[3]: c + tw + seg(tunit.ID) + "/" + seg(branches[3].ID) + "/",
			branches[4]: c + tw + seg(branches[4].ID) + "/",
		}
		stored := tr.paths()
		for o, p := range want {
			if o.Path != p {
				t.Errorf("%s: returned path %q, want %q", o.Name, o.Path, p)
			}
			if stored[o.ID] != p {
				t.Errorf("%s: stored path %q, want %q", o.Name, stored[o.ID], p)
			}
		}
	})
}

// TestCreateWrongParent tries every forbidden kind pair and every
// non-county without a parent: each is BAD_USER_INPUT and writes nothing.
func TestCreateWrongParent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tr := tree{t, d.Client}
		county := tr.org("C", org.KindCounty, nil)
		town := tr.org("C.T", org.KindTownship, county)
		village := tr.org("C.T.V", org.KindVillage, town)
		parents := map[org.Kind]*ent.Org{
			org.KindCounty:    county,
			org.KindTownship:  town,
			org.KindVillage:   village,
			org.KindCommunity: tr.org("C.T.S", org.KindCommunity, town),
			org.KindUnit:      tr.org("C.U", org.KindUnit, county),
			org.KindBranch:    tr.org("C.T.V.B", org.KindBranch, village),
		}
		orgsBefore := d.Client.Org.Query().CountX(sys())
		logsBefore := d.Client.AuditLog.Query().CountX(sys())
		var tried int
		for _, child := range kinds {
			for _, pk := range kinds {
				if allowed[[2]org.Kind{child, pk}] {
					continue
				}
				tried++
				_, err := d.Client.Org.Create().SetName("X").SetKind(child).SetSector(org.SectorRural).
					SetParentID(parents[pk].ID).Save(sys())
				wantCode(t, fmt.Sprintf("%s under %s", child, pk), err, errs.BadUserInput)
			}
			if child != org.KindCounty {
				tried++
				_, err := d.Client.Org.Create().SetName("X").SetKind(child).SetSector(org.SectorRural).Save(sys())
				wantCode(t, fmt.Sprintf("%s without a parent", child), err, errs.BadUserInput)
			}
		}
		if tried != 36-len(allowed)+5 {
			t.Errorf("tried %d wrong placements, want %d", tried, 36-len(allowed)+5)
		}
		if n := d.Client.Org.Query().CountX(sys()); n != orgsBefore {
			t.Errorf("orgs: %d before, %d after refused creates", orgsBefore, n)
		}
		if n := d.Client.AuditLog.Query().CountX(sys()); n != logsBefore {
			t.Errorf("audit entries: %d before, %d after refused creates", logsBefore, n)
		}
	})
}

// TestMove moves a village with its branches and members to another
// township; a sibling whose segment starts with the village's segment
// (the /4/ vs /41/ trap) must stay where it is.
func TestMove(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tr := tree{t, d.Client}
		county := tr.org("C", org.KindCounty, nil)
		t1 := tr.org("C.T1", org.KindTownship, county)
		t2 := tr.org("C.T2", org.KindTownship, county)
		village := tr.org("C.T1.V", org.KindVillage, t1)
		b1 := tr.org("C.T1.V.B1", org.KindBranch, village)
		b2 := tr.org("C.T1.V.B2", org.KindBranch, village)
		var ms []*ent.Member
		for i, b := range []*ent.Org{b1, b1, b2} {
			ms = append(ms, tr.member(fmt.Sprintf("M%d", i), b))
		}
		var trap *ent.Org
		for i := 0; trap == nil; i++ {
			if i > 200 {
				t.Fatal("no org id with the village's segment as a prefix")
			}
			o := tr.org(fmt.Sprintf("C.T1.F%d", i), org.KindVillage, t1)
			if s := orgtree.Segment(o.ID); s != orgtree.Segment(village.ID) && strings.HasPrefix(s, orgtree.Segment(village.ID)) {
				trap = o
			}
		}
		trapBranch := tr.org("C.T1.F.B", org.KindBranch, trap)
		before := tr.paths()

		moved, err := d.Client.Org.UpdateOneID(village.ID).SetParentID(t2.ID).Save(sys())
		if err != nil {
			t.Fatalf("moving the village: %v", err)
		}
		vp := t2.Path + orgtree.Segment(village.ID) + "/"
		if moved.Path != vp || moved.ParentID != t2.ID {
			t.Errorf("moved village: path %q parent %d, want %q parent %d", moved.Path, moved.ParentID, vp, t2.ID)
		}
		want := map[int]string{
			village.ID: vp,
			b1.ID:      vp + orgtree.Segment(b1.ID) + "/",
			b2.ID:      vp + orgtree.Segment(b2.ID) + "/",
		}
		after := tr.paths()
		for id, p := range after {
			w, ok := want[id]
			if !ok {
				w = before[id] // everything outside the subtree stays
			}
			if p != w {
				t.Errorf("org %d: path %q after the move, want %q", id, p, w)
			}
		}
		if after[trap.ID] != before[trap.ID] || after[trapBranch.ID] != before[trapBranch.ID] {
			t.Errorf("prefix trap %s moved along: %q → %q", trap.Name, before[trap.ID], after[trap.ID])
		}
		for _, m := range ms {
			got := d.Client.Member.GetX(sys(), m.ID)
			if got.BranchID != m.BranchID {
				t.Errorf("member %s: branch %d after the move, want %d", m.Name, got.BranchID, m.BranchID)
			}
		}
		// Moving back restores the old paths exactly.
		if err := d.Client.Org.UpdateOneID(village.ID).SetParentID(t1.ID).Exec(sys()); err != nil {
			t.Fatalf("moving the village back: %v", err)
		}
		if back := tr.paths(); !maps.Equal(back, before) {
			t.Errorf("paths after moving back differ from before:\n%v\n%v", back, before)
		}
	})
}

// TestMoveRefused: moves the tree rules forbid are BAD_USER_INPUT (or
// NOT_FOUND for a missing parent) and change no path.
func TestMoveRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tr := tree{t, d.Client}
		county := tr.org("C", org.KindCounty, nil)
		county2 := tr.org("D", org.KindCounty, nil)
		town := tr.org("C.T", org.KindTownship, county)
		village := tr.org("C.T.V", org.KindVillage, town)
		branch := tr.org("C.T.V.B", org.KindBranch, village)
		unit := tr.org("C.T.U", org.KindUnit, town)
		ubranch := tr.org("C.T.U.B", org.KindBranch, unit)
		before, parents := tr.paths(), tr.parents()
		logsBefore := d.Client.AuditLog.Query().CountX(sys())

		tests := []struct {
			name   string
			id     int
			parent int
			clear  bool
			want   errs.Code
		}{
			{"township under itself", town.ID, town.ID, false, errs.BadUserInput},
			{"village under itself", village.ID, village.ID, false, errs.BadUserInput},
			{"unit under itself", unit.ID, unit.ID, false, errs.BadUserInput},
			{"township under its village", town.ID, village.ID, false, errs.BadUserInput},
			{"township under its branch", town.ID, branch.ID, false, errs.BadUserInput},
			{"unit under its branch", unit.ID, ubranch.ID, false, errs.BadUserInput},
			{"village under its branch", village.ID, branch.ID, false, errs.BadUserInput},
			{"county under another county", county.ID, county2.ID, false, errs.BadUserInput},
			{"county under its township", county.ID, town.ID, false, errs.BadUserInput},
			{"village under a county", village.ID, county2.ID, false, errs.BadUserInput},
			{"township loses its parent", town.ID, 0, true, errs.BadUserInput},
			{"branch under a missing org", branch.ID, county.ID + 1<<20, false, errs.NotFound},
		}
		for _, tt := range tests {
			u := d.Client.Org.UpdateOneID(tt.id)
			if tt.clear {
				u.ClearParent()
			} else {
				u.SetParentID(tt.parent)
			}
			wantCode(t, tt.name, u.Exec(sys()), tt.want)
		}
		if after := tr.paths(); !maps.Equal(after, before) {
			t.Errorf("paths changed by refused moves:\nbefore %v\nafter  %v", before, after)
		}
		if after := tr.parents(); !maps.Equal(after, parents) {
			t.Errorf("parents changed by refused moves:\nbefore %v\nafter  %v", parents, after)
		}
		if n := d.Client.AuditLog.Query().CountX(sys()); n != logsBefore {
			t.Errorf("audit entries: %d before, %d after refused moves", logsBefore, n)
		}
	})
}

// TestDeleteConflicts: an org that still holds children, members,
// accounts or role bindings is not deleted (CONFLICT); an empty one is.
func TestDeleteConflicts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tr := tree{t, d.Client}
		c := d.Client
		county := tr.org("C", org.KindCounty, nil)
		town := tr.org("C.T", org.KindTownship, county)
		village := tr.org("C.T.V", org.KindVillage, town)
		tr.org("C.T.V.B0", org.KindBranch, village) // a child

		withMember := tr.org("C.T.V.B1", org.KindBranch, village)
		tr.member("M", withMember)

		withAccount := tr.org("C.T.V.B2", org.KindBranch, village)
		c.User.Create().SetUsername("homed").SetPasswordHash("x").SetOrgID(withAccount.ID).ExecX(sys())

		withBinding := tr.org("C.T.V.B3", org.KindBranch, village)
		u := c.User.Create().SetUsername("bound").SetPasswordHash("x").SaveX(sys())
		c.RoleBinding.Create().SetUserID(u.ID).SetRole(rolebinding.RoleViewer).SetOrgID(withBinding.ID).ExecX(sys())

		empty := tr.org("C.T.V.B4", org.KindBranch, village)
		emptyTown := tr.org("C.T2", org.KindTownship, county)

		for _, tt := range []struct {
			name string
			o    *ent.Org
		}{
			{"org with child orgs", village},
			{"org with child orgs (county)", county},
			{"branch with a member", withMember},
			{"branch with an account", withAccount},
			{"branch with a role binding", withBinding},
		} {
			wantCode(t, tt.name, c.Org.DeleteOneID(tt.o.ID).Exec(sys()), errs.Conflict)
			if ok, _ := c.Org.Query().Where(org.ID(tt.o.ID)).Exist(sys()); !ok {
				t.Errorf("%s: deleted despite the conflict", tt.name)
			}
		}
		for _, o := range []*ent.Org{empty, emptyTown} {
			if err := c.Org.DeleteOneID(o.ID).Exec(sys()); err != nil {
				t.Errorf("deleting empty %s: %v", o.Name, err)
			}
			if ok, _ := c.Org.Query().Where(org.ID(o.ID)).Exist(sys()); ok {
				t.Errorf("empty %s still exists after delete", o.Name)
			}
		}
	})
}
