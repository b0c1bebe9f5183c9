package demo

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/internal/db"
)

// table collects rows for one table and writes them in multi-row
// INSERTs: generated records at county scale, as they would stand after
// a year of work, without the hooks (audit entries, checks) that a
// county's worth of single writes would go through.
type table struct {
	name string
	cols []string
	rows [][]any
}

func newTable(name string, cols ...string) *table { return &table{name: name, cols: cols} }

func (t *table) add(vals ...any) {
	if len(vals) != len(t.cols) {
		panic(fmt.Sprintf("demo: %d values for the %d columns of %s", len(vals), len(t.cols), t.name))
	}
	t.rows = append(t.rows, vals)
}

// insert writes the rows and empties the table. A statement binds at
// most ~30,000 parameters, under SQLite's limit of 32,766.
func (t *table) insert(ctx context.Context, c *ent.Client) error {
	per := max(1, min(1000, 30000/len(t.cols)))
	for rows := t.rows; len(rows) > 0; {
		n := min(len(rows), per)
		ins := sql.Dialect(c.Dialect()).Insert(t.name).Columns(t.cols...)
		for _, r := range rows[:n] {
			ins.Values(r...)
		}
		query, args := ins.Query()
		if _, err := c.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("demo: inserting into %s: %w", t.name, err)
		}
		rows = rows[n:]
	}
	t.rows = nil
	return nil
}

// idsBy runs query, whose rows are (id, key), and maps each key to its
// id: how rows written by insert are found again by a natural key.
func idsBy[K comparable](ctx context.Context, c *ent.Client, query string, args ...any) (map[K]int, error) {
	rows, err := c.QueryContext(ctx, db.Rebind(c.Dialect(), query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[K]int{}
	for rows.Next() {
		var (
			id  int
			key K
		)
		if err := rows.Scan(&id, &key); err != nil {
			return nil, err
		}
		out[key] = id
	}
	return out, rows.Err()
}
