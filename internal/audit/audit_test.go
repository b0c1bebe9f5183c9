package audit_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/auditlog"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/privacy"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/audit"
	"github.com/partyorg/partyorg/internal/auth"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

func sys() context.Context { return viewer.NewSystemContext(context.Background()) }

// world is county C with townships A and B, each with a village and a
// branch, and accounts: an ORG_ADMIN at A and at B, a VIEWER at A.
type world struct {
	c                  *ent.Client
	a, b, va, ba, bb   *ent.Org
	adminA, viewerA    *ent.User
	ctxA, ctxV, ctxB   context.Context
	adminAID, adminBID int
}

func setup(t *testing.T, c *ent.Client) *world {
	t.Helper()
	ctx := sys()
	mk := func(name string, kind org.Kind, parent *ent.Org) *ent.Org {
		q := c.Org.Create().SetName(name).SetKind(kind).SetSector(org.SectorRural)
		if parent != nil {
			q.SetParentID(parent.ID)
		}
		return q.SaveX(ctx)
	}
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	// Accounts get a cheap hash: bcrypt is not under test here.
	login := func(username string, role rolebinding.Role, home *ent.Org) (*ent.User, context.Context) {
		u := c.User.Create().SetUsername(username).SetPasswordHash("x").SetOrgID(home.ID).SaveX(ctx)
		c.RoleBinding.Create().SetUserID(u.ID).SetRole(role).SetOrgID(home.ID).ExecX(ctx)
		v, err := auth.Load(context.Background(), c, az, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return u, viewer.NewContext(context.Background(), v)
	}
	w := &world{c: c}
	county := mk("C", org.KindCounty, nil)
	w.a = mk("C.A", org.KindTownship, county)
	w.b = mk("C.B", org.KindTownship, county)
	w.va = mk("C.A.V", org.KindVillage, w.a)
	w.ba = mk("C.A.V.B", org.KindBranch, w.va)
	vb := mk("C.B.V", org.KindVillage, w.b)
	w.bb = mk("C.B.V.B", org.KindBranch, vb)
	w.adminA, w.ctxA = login("org_admin.a", rolebinding.RoleOrgAdmin, w.a)
	w.viewerA, w.ctxV = login("viewer.a", rolebinding.RoleViewer, w.a)
	var adminB *ent.User
	adminB, w.ctxB = login("org_admin.b", rolebinding.RoleOrgAdmin, w.b)
	w.adminAID, w.adminBID = w.adminA.ID, adminB.ID
	return w
}

// entries returns the audit entries of one object, oldest first.
func entries(t *testing.T, c *ent.Client, typ string, id int) []*ent.AuditLog {
	t.Helper()
	rows, err := c.AuditLog.Query().
		Where(auditlog.Type(typ), auditlog.ObjectID(id)).
		Order(ent.Asc(auditlog.FieldID)).
		All(sys())
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

type wantEntry struct {
	op     auditlog.Op
	orgID  int
	fields []string // at least these keys in changes
}

func checkEntries(t *testing.T, what string, got []*ent.AuditLog, actor string, actorID int, typ string, id int, want []wantEntry) {
	t.Helper()
	if len(got) != len(want) {
		ops := make([]auditlog.Op, len(got))
		for i, e := range got {
			ops[i] = e.Op
		}
		t.Errorf("%s: audit entries %v, want %d", what, ops, len(want))
		return
	}
	for i, w := range want {
		e := got[i]
		if e.Op != w.op || e.Actor != actor || e.ActorID != actorID || e.Type != typ || e.ObjectID != id || e.OrgID != w.orgID {
			t.Errorf("%s entry %d: op %s actor %q (%d) type %s object %d org %d; want op %s actor %q (%d) type %s object %d org %d",
				what, i, e.Op, e.Actor, e.ActorID, e.Type, e.ObjectID, e.OrgID, w.op, actor, actorID, typ, id, w.orgID)
		}
		for _, f := range w.fields {
			if _, ok := e.Changes[f]; !ok {
				t.Errorf("%s entry %d (%s): changes %v lack %q", what, i, e.Op, e.Changes, f)
			}
		}
		if e.At.IsZero() {
			t.Errorf("%s entry %d: no time", what, i)
		}
	}
}

// TestMutationsAreAudited: each create, update and delete of a member and
// of an org by an ORG_ADMIN leaves one entry naming the actor, the
// operation, the object, its org and the changed fields.
func TestMutationsAreAudited(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := setup(t, d.Client)
		c := d.Client

		m, err := c.Member.Create().SetName("M").SetStatus(member.StatusFull).SetCategory(member.CategoryAtHomeNoPost).SetBranchID(w.ba.ID).Save(w.ctxA)
		if err != nil {
			t.Fatalf("creating member: %v", err)
		}
		if err := c.Member.UpdateOneID(m.ID).SetName("M2").SetStatus(member.StatusProbationary).Exec(w.ctxA); err != nil {
			t.Fatalf("updating member: %v", err)
		}
		// Not fatal: the org half below is independent of it.
		if err := c.Member.DeleteOneID(m.ID).Exec(w.ctxA); err != nil {
			t.Errorf("deleting member: %v", err)
		}
		checkEntries(t, "member", entries(t, c, "Member", m.ID), "org_admin.a", w.adminAID, "Member", m.ID, []wantEntry{
			{auditlog.OpCreate, w.ba.ID, []string{"name", "status", "branch_id"}},
			{auditlog.OpUpdate, w.ba.ID, []string{"name", "status"}},
			{auditlog.OpDelete, w.ba.ID, nil},
		})
		if got := entries(t, c, "Member", m.ID); len(got) > 1 {
			if got[1].Changes["name"] != "M2" {
				t.Errorf("update entry records name %v, want M2", got[1].Changes["name"])
			}
			if _, ok := got[1].Changes["branch_id"]; ok {
				t.Errorf("update entry records branch_id, which did not change: %v", got[1].Changes)
			}
		}

		o, err := c.Org.Create().SetName("C.A.V2").SetKind(org.KindVillage).SetSector(org.SectorRural).SetParentID(w.a.ID).Save(w.ctxA)
		if err != nil {
			t.Fatalf("creating org: %v", err)
		}
		if err := c.Org.UpdateOneID(o.ID).SetName("C.A.V3").SetCode("V3").Exec(w.ctxA); err != nil {
			t.Fatalf("updating org: %v", err)
		}
		if err := c.Org.DeleteOneID(o.ID).Exec(w.ctxA); err != nil {
			t.Fatalf("deleting org: %v", err)
		}
		checkEntries(t, "org", entries(t, c, "Org", o.ID), "org_admin.a", w.adminAID, "Org", o.ID, []wantEntry{
			{auditlog.OpCreate, o.ID, []string{"name", "kind", "sector", "parent_id"}},
			{auditlog.OpUpdate, o.ID, []string{"name", "code"}},
			{auditlog.OpDelete, o.ID, nil},
		})

		// A refused write leaves no entry: the VIEWER may not create.
		before := c.AuditLog.Query().CountX(sys())
		if _, err := c.Member.Create().SetName("X").SetStatus(member.StatusFull).SetCategory(member.CategoryAtHomeNoPost).SetBranchID(w.ba.ID).Save(w.ctxV); err == nil {
			t.Error("a VIEWER created a member")
		}
		if n := c.AuditLog.Query().CountX(sys()); n != before {
			t.Errorf("refused write: audit entries %d → %d", before, n)
		}
	})
}

// TestPasswordRedacted: creating an account and changing its password
// record that password_hash changed, never the hash or the password.
func TestPasswordRedacted(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := setup(t, d.Client)
		c := d.Client
		const pw1, pw2 = "first-secret-pw", "second-secret-pw"
		role := rolebinding.RoleViewer
		u, err := account.Create(w.ctxA, c, account.NewUser{Username: "new.user", Password: pw1, Role: &role, OrgID: &w.va.ID})
		if err != nil {
			t.Fatalf("creating account: %v", err)
		}
		hash1 := c.User.GetX(sys(), u.ID).PasswordHash
		p := pw2
		if _, err := account.Update(w.ctxA, c, u.ID, account.Changes{Password: &p}); err != nil {
			t.Fatalf("changing password: %v", err)
		}
		hash2 := c.User.GetX(sys(), u.ID).PasswordHash
		if hash1 == "" || hash2 == "" || hash1 == hash2 {
			t.Fatalf("unexpected hashes %q and %q", hash1, hash2)
		}

		got := entries(t, c, "User", u.ID)
		checkEntries(t, "user", got, "org_admin.a", w.adminAID, "User", u.ID, []wantEntry{
			{auditlog.OpCreate, w.va.ID, []string{"username", "password_hash", "org_id"}},
			{auditlog.OpUpdate, w.va.ID, []string{"password_hash"}},
		})
		for i, e := range got {
			if e.Changes["password_hash"] != audit.Redacted {
				t.Errorf("user entry %d: password_hash recorded as %v, want %q", i, e.Changes["password_hash"], audit.Redacted)
			}
		}
		// Search every entry, whatever its type, for the secrets.
		all := c.AuditLog.Query().AllX(sys())
		for _, e := range all {
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{hash1, hash2, pw1, pw2} {
				if strings.Contains(string(b), secret) {
					t.Errorf("audit entry %d (%s %s) contains a secret: %s", e.ID, e.Op, e.Type, b)
				}
			}
		}
		if rb := entries(t, c, "RoleBinding", c.RoleBinding.Query().Where(rolebinding.UserID(u.ID)).OnlyIDX(sys())); len(rb) != 1 {
			t.Errorf("the account's first binding has %d audit entries, want 1", len(rb))
		}
	})
}

// TestAppendOnly: no write path changes or removes an entry, not even
// the server's own system viewer with an explicit privacy allow.
func TestAppendOnly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := setup(t, d.Client)
		c := d.Client
		m := c.Member.Create().SetName("M").SetStatus(member.StatusFull).SetCategory(member.CategoryAtHomeNoPost).SetBranchID(w.ba.ID).SaveX(w.ctxA)
		e := entries(t, c, "Member", m.ID)[0]
		snapshot := func() string {
			b, err := json.Marshal(c.AuditLog.GetX(sys(), e.ID))
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		before, n := snapshot(), c.AuditLog.Query().CountX(sys())

		allow := privacy.DecisionContext(sys(), privacy.Allow)
		for _, ctx := range []context.Context{sys(), allow} {
			upd := c.AuditLog.UpdateOneID(e.ID)
			upd.Mutation().SetActor("mallory")
			upd.Mutation().SetChanges(map[string]any{"name": "forged"})
			if err := upd.Exec(ctx); err == nil {
				t.Error("updating an audit entry succeeded")
			}
			bulk := c.AuditLog.Update().Where(auditlog.ID(e.ID))
			bulk.Mutation().SetActor("mallory")
			if err := bulk.Exec(ctx); err == nil {
				t.Error("bulk-updating audit entries succeeded")
			}
			if err := c.AuditLog.DeleteOneID(e.ID).Exec(ctx); err == nil {
				t.Error("deleting an audit entry succeeded")
			}
			if _, err := c.AuditLog.Delete().Where(auditlog.ID(e.ID)).Exec(ctx); err == nil {
				t.Error("bulk-deleting audit entries succeeded")
			}
		}
		if after := snapshot(); after != before {
			t.Errorf("entry changed:\nbefore %s\nafter  %s", before, after)
		}
		if got := c.AuditLog.Query().CountX(sys()); got != n {
			t.Errorf("entries: %d before, %d after", n, got)
		}
	})
}

// TestReadScope: an ORG_ADMIN of township A lists exactly the entries of
// orgs in A's subtree, none of township B; a VIEWER lists none (the
// policy gives VIEWER no AuditLog read).
func TestReadScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := setup(t, d.Client)
		c := d.Client
		c.Member.Create().SetName("MA").SetStatus(member.StatusFull).SetCategory(member.CategoryAtHomeNoPost).SetBranchID(w.ba.ID).ExecX(w.ctxA)
		c.Member.Create().SetName("MB").SetStatus(member.StatusFull).SetCategory(member.CategoryAtHomeNoPost).SetBranchID(w.bb.ID).ExecX(w.ctxB)
		c.Org.Create().SetName("C.B.V2").SetKind(org.KindVillage).SetSector(org.SectorRural).SetParentID(w.b.ID).ExecX(w.ctxB)

		inA := map[int]bool{}
		for _, o := range c.Org.Query().AllX(sys()) {
			inA[o.ID] = strings.HasPrefix(o.Path, w.a.Path)
		}
		var want []int
		var outside int
		for _, e := range c.AuditLog.Query().AllX(sys()) {
			if inA[e.OrgID] {
				want = append(want, e.ID)
			} else {
				outside++
			}
		}
		if len(want) == 0 || outside == 0 {
			t.Fatalf("fixture: %d entries in A, %d outside; want some of each", len(want), outside)
		}

		got, err := c.AuditLog.Query().All(w.ctxA)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int
		for _, e := range got {
			ids = append(ids, e.ID)
			if !inA[e.OrgID] {
				t.Errorf("ORG_ADMIN of A lists entry %d (%s %s, org %d) outside A", e.ID, e.Op, e.Type, e.OrgID)
			}
		}
		slices.Sort(ids)
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("ORG_ADMIN of A lists %v, want %v", ids, want)
		}
		if n := c.AuditLog.Query().CountX(w.ctxA); n != len(want) {
			t.Errorf("ORG_ADMIN of A counts %d, want %d", n, len(want))
		}

		if got, err := c.AuditLog.Query().All(w.ctxV); err != nil || len(got) != 0 {
			t.Errorf("VIEWER of A lists %d entries (err %v), want none", len(got), err)
		}
		if n, err := c.AuditLog.Query().Count(w.ctxV); err != nil || n != 0 {
			t.Errorf("VIEWER of A counts %d entries (err %v), want 0", n, err)
		}
	})
}
