package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/auditlog"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/audit"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/testdb"
)

// trail writes a few audited changes in two counties: C (from setup) and
// a second county D with a branch and a member. C's last entry is of an
// object that belongs to two orgs: a pairing of a county unit's branch
// with C.A.V.B.
func trail(t *testing.T, c *ent.Client) *world {
	t.Helper()
	w := setup(t, c)
	m := c.Member.Create().SetName("M").SetStatus(member.StatusFull).SetCategory(member.CategoryAtHomeNoPost).SetBranchID(w.ba.ID).SaveX(w.ctxA)
	c.Member.UpdateOneID(m.ID).SetName("M2").ExecX(w.ctxA)
	cu := c.Org.Create().SetName("C.U").SetKind(org.KindUnit).SetSector(org.SectorAgency).SetParentID(w.a.ParentID).SaveX(sys())
	cub := c.Org.Create().SetName("C.U.B").SetKind(org.KindBranch).SetSector(org.SectorAgency).SetParentID(cu.ID).SaveX(sys())
	c.BranchPairing.Create().SetUnitBranchID(cub.ID).SetVillageBranchID(w.ba.ID).
		SetUnitBranchName(cub.Name).SetVillageBranchName(w.ba.Name).SetStartOn(time.Now()).ExecX(sys())
	d := c.Org.Create().SetName("D").SetKind(org.KindCounty).SetSector(org.SectorRural).SaveX(sys())
	u := c.Org.Create().SetName("D.U").SetKind(org.KindUnit).SetSector(org.SectorAgency).SetParentID(d.ID).SaveX(sys())
	b := c.Org.Create().SetName("D.U.B").SetKind(org.KindBranch).SetSector(org.SectorAgency).SetParentID(u.ID).SaveX(sys())
	c.Member.Create().SetName("N").SetStatus(member.StatusFull).SetBranchID(b.ID).ExecX(sys())
	return w
}

func verify(t *testing.T, c *ent.Client) (int, *audit.Break) {
	t.Helper()
	n, brk, err := audit.Verify(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return n, brk
}

// TestChainIntact: every entry is in its county's chain, numbered from 1
// without gaps, and Verify accepts the whole trail.
func TestChainIntact(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		c := d.Client
		trail(t, c)
		total := c.AuditLog.Query().CountX(sys())
		n, brk := verify(t, c)
		if brk != nil || n != total {
			t.Fatalf("Verify = %d, %v; want %d entries, no break", n, brk, total)
		}
		counties, err := c.AuditLog.Query().GroupBy(auditlog.FieldCountyID).Ints(sys())
		if err != nil {
			t.Fatal(err)
		}
		if len(counties) != 2 {
			t.Errorf("chains of counties %v, want 2", counties)
		}
		for _, county := range counties {
			seqs := c.AuditLog.Query().Where(auditlog.CountyID(county)).Order(auditlog.BySeq()).Select(auditlog.FieldSeq).IntsX(sys())
			for i, s := range seqs {
				if s != i+1 {
					t.Fatalf("county %d: seqs %v, want 1…%d", county, seqs, len(seqs))
				}
			}
		}
	})
}

// tamper runs SQL behind the server's back, as someone with database
// access would: it first lifts the append-only triggers.
func tamper(t *testing.T, d *testdb.DB, stmt string, args ...any) {
	t.Helper()
	lift := map[string][]string{
		dialect.Postgres: {"ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only"},
		dialect.SQLite:   {"DROP TRIGGER audit_logs_no_update", "DROP TRIGGER audit_logs_no_delete"},
	}[d.Client.Dialect()]
	for _, s := range lift {
		if _, err := d.Client.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if _, err := d.Client.ExecContext(context.Background(), stmt, args...); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// TestChainFindsTampering: a changed, removed or reordered entry breaks
// the chain, and Verify names the first bad entry.
func TestChainFindsTampering(t *testing.T) {
	ph := func(d *testdb.DB, i int) string {
		if d.Client.Dialect() == dialect.Postgres {
			return fmt.Sprintf("$%d", i)
		}
		return "?"
	}
	tests := []struct {
		name string
		// do tampers with entry #2 of the first county's chain (e2), or
		// with the last one (last).
		do      func(t *testing.T, d *testdb.DB, e2, last *ent.AuditLog)
		seq     func(e2, last *ent.AuditLog) int
		entryOf func(e2, last *ent.AuditLog) int
	}{
		{
			name: "actor changed",
			do: func(t *testing.T, d *testdb.DB, e2, _ *ent.AuditLog) {
				tamper(t, d, "UPDATE audit_logs SET actor = 'mallory' WHERE id = "+ph(d, 1), e2.ID)
			},
			seq:     func(e2, _ *ent.AuditLog) int { return e2.Seq },
			entryOf: func(e2, _ *ent.AuditLog) int { return e2.ID },
		},
		{
			name: "changes rewritten with a recomputed hash",
			do: func(t *testing.T, d *testdb.DB, e2, _ *ent.AuditLog) {
				e2.Changes = map[string]any{"name": "forged"}
				sum, err := audit.Sum(e2)
				if err != nil {
					t.Fatal(err)
				}
				// The entry matches its own hash now, but the next one
				// still names the old hash.
				tamper(t, d, "UPDATE audit_logs SET changes = '{\"name\":\"forged\"}', hash = "+ph(d, 1)+" WHERE id = "+ph(d, 2), sum, e2.ID)
			},
			seq:     func(e2, _ *ent.AuditLog) int { return e2.Seq + 1 },
			entryOf: func(e2, _ *ent.AuditLog) int { return -1 },
		},
		{
			name: "entry removed",
			do: func(t *testing.T, d *testdb.DB, e2, _ *ent.AuditLog) {
				tamper(t, d, "DELETE FROM audit_logs WHERE id = "+ph(d, 1), e2.ID)
			},
			seq:     func(e2, _ *ent.AuditLog) int { return e2.Seq },
			entryOf: func(_, _ *ent.AuditLog) int { return 0 },
		},
		{
			name: "second org changed",
			do: func(t *testing.T, d *testdb.DB, _, last *ent.AuditLog) {
				if last.AlsoOrgID == 0 {
					t.Fatalf("the last entry (%s) has no second org", last.Type)
				}
				tamper(t, d, "UPDATE audit_logs SET also_org_id = org_id WHERE id = "+ph(d, 1), last.ID)
			},
			seq:     func(_, last *ent.AuditLog) int { return last.Seq },
			entryOf: func(_, last *ent.AuditLog) int { return last.ID },
		},
		{
			name: "last entry removed",
			do: func(t *testing.T, d *testdb.DB, _, last *ent.AuditLog) {
				tamper(t, d, "DELETE FROM audit_logs WHERE id = "+ph(d, 1), last.ID)
			},
			seq:     func(_, last *ent.AuditLog) int { return last.Seq },
			entryOf: func(_, _ *ent.AuditLog) int { return 0 },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			testdb.Each(t, func(t *testing.T, d *testdb.DB) {
				c := d.Client
				w := trail(t, c)
				county := c.AuditLog.Query().Where(auditlog.OrgID(w.a.ID)).FirstX(sys()).CountyID
				chain := c.AuditLog.Query().Where(auditlog.CountyID(county)).Order(auditlog.BySeq()).AllX(sys())
				e2, last := chain[1], chain[len(chain)-1]
				tc.do(t, d, e2, last)
				_, brk := verify(t, c)
				if brk == nil {
					t.Fatal("Verify found nothing")
				}
				want := tc.entryOf(e2, last)
				if want == -1 {
					want = chain[e2.Seq].ID // the entry after e2
				}
				if brk.County != county || brk.Seq != tc.seq(e2, last) || brk.EntryID != want {
					t.Fatalf("break %+v; want county %d, #%d, entry %d", brk, county, tc.seq(e2, last), want)
				}
			})
		})
	}
}

// TestDatabaseRefusesChanges: the database's own triggers refuse to
// update or delete audit entries, whoever connects.
func TestDatabaseRefusesChanges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		trail(t, d.Client)
		n := d.Client.AuditLog.Query().CountX(sys())
		for _, stmt := range []string{"UPDATE audit_logs SET actor = 'mallory'", "DELETE FROM audit_logs"} {
			if _, err := d.Client.ExecContext(context.Background(), stmt); err == nil {
				t.Errorf("%s: succeeded", stmt)
			}
		}
		if got := d.Client.AuditLog.Query().Where(auditlog.Actor("mallory")).CountX(sys()); got != 0 {
			t.Errorf("%d entries changed", got)
		}
		if got := d.Client.AuditLog.Query().CountX(sys()); got != n {
			t.Errorf("entries: %d, want %d", got, n)
		}
	})
}

// TestConcurrentAppends: writers in parallel transactions in one county
// append one after another; the chain does not fork.
func TestConcurrentAppends(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		c := d.Client
		w := setup(t, c)
		const writers = 12
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := range writers {
			wg.Go(func() {
				errs[i] = db.WithTx(w.ctxA, c, func(tx *ent.Tx) error {
					return tx.Member.Create().SetName(fmt.Sprintf("P%d", i)).SetStatus(member.StatusFull).SetCategory(member.CategoryAtHomeNoPost).SetBranchID(w.ba.ID).Exec(w.ctxA)
				})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		}
		n, brk := verify(t, c)
		if brk != nil {
			t.Fatalf("chain broken after concurrent writes: %v", brk)
		}
		if total := c.AuditLog.Query().CountX(sys()); n != total {
			t.Fatalf("verified %d of %d entries", n, total)
		}
	})
}

// TestVersion: a write under an org moves the version of the org, of its
// county and of the other orgs of that county, and not the version of an
// org in another county.
func TestVersion(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		c := d.Client
		w := trail(t, c)
		other := c.Org.Query().Where(org.Name("D.U.B")).OnlyX(sys())
		version := func(id int) string {
			v, err := audit.Version(context.Background(), c, id)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		ids := []int{w.ba.ID, w.bb.ID, w.a.ParentID, other.ID}
		before := make([]string, len(ids))
		for i, id := range ids {
			before[i] = version(id)
		}
		if before[0] != before[2] || before[0] == before[3] {
			t.Fatalf("versions of a branch, another branch, its county, another county's branch: %q", before)
		}
		c.Member.Create().SetName("M3").SetStatus(member.StatusFull).SetCategory(member.CategoryAtHomeNoPost).SetBranchID(w.ba.ID).ExecX(w.ctxA)
		for i, id := range ids {
			if moved := version(id) != before[i]; moved != (i < 3) {
				t.Errorf("org %d (#%d): version moved = %v after a write in county C", id, i, moved)
			}
		}
	})
}
