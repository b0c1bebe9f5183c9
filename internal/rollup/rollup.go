// Package rollup keeps the dashboards' rollup tables in step with the
// rows they count. EntryTally counts the approved point entries per
// branch and points period: Hook adds to it in the transaction that
// approves an entry (or enters one approved), and Rebuild recomputes it
// from the entries, so that a rollup that drifted (a restore, a manual
// repair) can be made right again: `partyorg rollup --rebuild`.
package rollup

import (
	"context"

	entgo "entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/entrytally"
	"github.com/partyorg/partyorg/ent/hook"
	"github.com/partyorg/partyorg/ent/pointentry"
)

// Hook counts each point entry that becomes APPROVED: a review approving
// it or a correction entered approved. Entries never leave APPROVED
// (the ledger is append-only), so counts only grow.
func Hook() entgo.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PointEntryFunc(func(ctx context.Context, m *ent.PointEntryMutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			e, ok := v.(*ent.PointEntry)
			if s, set := m.State(); !ok || !set || s != pointentry.StateApproved {
				return v, nil
			}
			return v, add(ctx, m.Client(), e)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// add is one upsert: concurrent approvals in one branch and period each
// add their one, whichever inserts the row.
func add(ctx context.Context, c *ent.Client, e *ent.PointEntry) error {
	query, args := sql.Dialect(c.Dialect()).Insert(entrytally.Table).
		Columns(entrytally.FieldBranchID, entrytally.FieldYear, entrytally.FieldPeriod, entrytally.FieldApproved).
		Values(e.BranchID, e.Year, e.Period, 1).
		OnConflict(
			sql.ConflictColumns(entrytally.FieldBranchID, entrytally.FieldPeriod),
			sql.ResolveWith(func(u *sql.UpdateSet) { u.Add(entrytally.FieldApproved, 1) }),
		).
		Query()
	_, err := c.ExecContext(ctx, query, args...)
	return err
}

// Rebuild recomputes every tally from the entries, in c's transaction:
// one DELETE and one INSERT … SELECT … GROUP BY.
func Rebuild(ctx context.Context, c *ent.Client) error {
	d := sql.Dialect(c.Dialect())
	query, args := d.Delete(entrytally.Table).Query()
	if _, err := c.ExecContext(ctx, query, args...); err != nil {
		return err
	}
	t := sql.Table(pointentry.Table)
	counts := d.Select(t.C(pointentry.FieldBranchID), t.C(pointentry.FieldYear), t.C(pointentry.FieldPeriod)).
		AppendSelectExpr(sql.Expr("COUNT(*)")).
		From(t).
		Where(sql.EQ(t.C(pointentry.FieldState), pointentry.StateApproved)).
		GroupBy(t.C(pointentry.FieldBranchID), t.C(pointentry.FieldYear), t.C(pointentry.FieldPeriod))
	var b sql.Builder
	b.SetDialect(c.Dialect())
	b.WriteString("INSERT INTO ").Ident(entrytally.Table).WriteString(" (").
		IdentComma(entrytally.FieldBranchID, entrytally.FieldYear, entrytally.FieldPeriod, entrytally.FieldApproved).
		WriteString(") ").Join(counts)
	query, args = b.Query()
	_, err := c.ExecContext(ctx, query, args...)
	return err
}
