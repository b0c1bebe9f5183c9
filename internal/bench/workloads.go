package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/auditlog"
	"github.com/partyorg/partyorg/internal/audit"
)

// Workload is one kind of request, sent as GraphQL to the server and
// fetched the same way by hand-written SQL, the ceiling for this schema.
// A practice adds its workloads by appending to Workloads.
type Workload struct {
	Name string
	// Query returns the GraphQL operation role sends and its variables;
	// client numbers the concurrent client, so that writes can go to
	// rows of their own.
	Query func(e *Env, r *Role, client, n int) (string, map[string]any)
	// SQL produces the same result through database/sql.
	SQL func(ctx context.Context, e *Env, r *Role, client, n int) error
	// County sends it as the county's ORG_ADMIN instead of the
	// township's (besides the ADMIN).
	County bool
}

// Workloads are the requests the benchmark knows, in the order it runs
// them.
var Workloads = []Workload{
	{Name: "nested", Query: nestedQuery, SQL: nestedSQL},
	{Name: "page", Query: pageQuery, SQL: pageSQL},
	{Name: "detail", Query: detailQuery, SQL: detailSQL},
	{Name: "update", Query: updateQuery, SQL: updateSQL},
	{Name: "login", Query: loginQuery, SQL: loginSQL},
	analyticsCounty,
	analyticsTownship,
}

// nested: the township, its villages, their branches and each branch's
// member count (1 + 15 + 75 orgs in a generated county).
const nestedOp = `query($id: ID!) { node(id: $id) { ... on Org { id name children { edges { node {
  id name children { edges { node { id name members { totalCount } } } } } } } } } }`

func nestedQuery(e *Env, _ *Role, _, _ int) (string, map[string]any) {
	return nestedOp, map[string]any{"id": strconv.Itoa(e.Township)}
}

// nestedSQL reads the tree the way entgql's field collection does, one
// statement per level: the org, its children, theirs, and the counts.
func nestedSQL(ctx context.Context, e *Env, _ *Role, _, _ int) error {
	var name string
	if err := e.SQL.QueryRowContext(ctx, e.q(`SELECT name FROM orgs WHERE id = ?`), e.Township).Scan(&name); err != nil {
		return err
	}
	villages, err := e.orgs(ctx, `SELECT id, name FROM orgs WHERE parent_id = ? ORDER BY id`, e.Township)
	if err != nil {
		return err
	}
	branches, err := e.orgs(ctx, `SELECT id, name FROM orgs WHERE parent_id IN (`+e.marks(len(villages))+`) ORDER BY id`, villages...)
	if err != nil {
		return err
	}
	rows, err := e.SQL.QueryContext(ctx, e.q(`SELECT branch_id, COUNT(*) FROM members WHERE branch_id IN (`+e.marks(len(branches))+`) GROUP BY branch_id`), branches...)
	if err != nil {
		return err
	}
	return drain(rows, 2)
}

// page: the first 50 members with totalCount; the ORG_ADMIN's scope is
// its township, the ADMIN asks for the same rows by a where-filter.
const (
	pageOp       = `{ members(first: 50) { totalCount edges { node { id name status } } } }`
	pageWithinOp = `query($t: ID!) { members(first: 50, where: {withinOrg: $t}) { totalCount edges { node { id name status } } } }`
)

func pageQuery(e *Env, r *Role, _, _ int) (string, map[string]any) {
	if r.Admin {
		return pageWithinOp, map[string]any{"t": strconv.Itoa(e.Township)}
	}
	return pageOp, nil
}

// pageSQL is the count and the page over the township's branches, in the
// form internal/scope writes for each database.
func pageSQL(ctx context.Context, e *Env, _ *Role, _, _ int) error {
	in := `branch_id IN (SELECT id FROM orgs WHERE path >= ? AND path < ?)`
	if e.Postgres {
		in = `branch_id = ANY(ARRAY(SELECT id FROM orgs WHERE path >= ? AND path < ?))`
	}
	var n int
	if err := e.SQL.QueryRowContext(ctx, e.q(`SELECT COUNT(*) FROM members WHERE `+in), e.Path, e.PathEnd).Scan(&n); err != nil {
		return err
	}
	rows, err := e.SQL.QueryContext(ctx, e.q(`SELECT id, name, status FROM members WHERE `+in+` ORDER BY id LIMIT 51`), e.Path, e.PathEnd)
	if err != nil {
		return err
	}
	return drain(rows, 3)
}

// detail: one member, its branch and the branch's parents up to the
// county.
const detailOp = `query($id: ID!) { node(id: $id) { ... on Member { id name status phone branch { id name
  parent { id name parent { id name parent { id name } } } } } } }`

func detailQuery(e *Env, _ *Role, client, _ int) (string, map[string]any) {
	return detailOp, map[string]any{"id": strconv.Itoa(e.member(client))}
}

func detailSQL(ctx context.Context, e *Env, _ *Role, client, _ int) error {
	rows, err := e.SQL.QueryContext(ctx, e.q(`SELECT m.id, m.name, m.status, m.phone, b.id, b.name, v.id, v.name, t.id, t.name, c.id, c.name
FROM members m JOIN orgs b ON b.id = m.branch_id
LEFT JOIN orgs v ON v.id = b.parent_id LEFT JOIN orgs t ON t.id = v.parent_id LEFT JOIN orgs c ON c.id = t.parent_id
WHERE m.id = ?`), e.member(client))
	if err != nil {
		return err
	}
	return drain(rows, 12)
}

// update: each client changes the phone of a member of its own.
const updateOp = `mutation($id: ID!, $phone: String!) { updateMember(id: $id, input: {phone: $phone}) { id phone } }`

func phone(client, n int) string { return fmt.Sprintf("139%04d%04d", client%10000, n%10000) }

func updateQuery(e *Env, _ *Role, client, n int) (string, map[string]any) {
	return updateOp, map[string]any{"id": strconv.Itoa(e.member(client)), "phone": phone(client, n)}
}

// updateSQL writes what the server writes, in one transaction: the row
// with its version bumped, and its audit entry chained to the county's
// head (locked on PostgreSQL, as internal/audit does; SQLite serializes
// write transactions anyway).
func updateSQL(ctx context.Context, e *Env, r *Role, client, n int) error {
	tx, err := e.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	id, p, now := e.member(client), phone(client, n), time.Now().UTC().Truncate(time.Microsecond)
	var branch int
	if err := tx.QueryRowContext(ctx, e.q(`UPDATE members SET phone = ?, updated_at = ?, version = version + 1 WHERE id = ? RETURNING branch_id`), p, now, id).Scan(&branch); err != nil {
		return err
	}
	lock := ""
	if e.Postgres {
		lock = " FOR UPDATE"
	}
	entry := &ent.AuditLog{At: now, ActorID: r.UserID, Actor: r.Username, Op: auditlog.OpUpdate, Type: "Member", ObjectID: id,
		Changes: map[string]any{"phone": p}, OrgID: branch, CountyID: e.County}
	var head int
	if err := tx.QueryRowContext(ctx, e.q(`SELECT id, seq, hash FROM audit_heads WHERE county_id = ?`+lock), e.County).Scan(&head, &entry.Seq, &entry.PrevHash); err != nil {
		return err
	}
	entry.Seq++
	if entry.Hash, err = audit.Sum(entry); err != nil {
		return err
	}
	changes, err := json.Marshal(entry.Changes)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, e.q(`INSERT INTO audit_logs (at, actor_id, actor, op, type, object_id, changes, org_id, county_id, seq, prev_hash, hash)
VALUES (?, ?, ?, 'UPDATE', 'Member', ?, ?, ?, ?, ?, ?, ?)`),
		now, r.UserID, r.Username, id, string(changes), branch, e.County, entry.Seq, entry.PrevHash, entry.Hash); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, e.q(`UPDATE audit_heads SET seq = ?, hash = ? WHERE id = ?`), entry.Seq, entry.Hash, head); err != nil {
		return err
	}
	return tx.Commit()
}

// login: sign in with a password (bcrypt dominates both sides).
const loginOp = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`

func loginQuery(_ *Env, r *Role, _, _ int) (string, map[string]any) {
	return loginOp, map[string]any{"u": r.Username, "p": r.Password}
}

func loginSQL(ctx context.Context, e *Env, r *Role, _, _ int) error {
	var hash string
	var disabled bool
	if err := e.SQL.QueryRowContext(ctx, e.q(`SELECT password_hash, disabled FROM users WHERE username = ?`), r.Username).Scan(&hash, &disabled); err != nil {
		return err
	}
	if disabled {
		return fmt.Errorf("bench: %s is disabled", r.Username)
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(r.Password))
}

// orgs runs query and returns the IDs in its first column.
func (e *Env) orgs(ctx context.Context, query string, args ...any) ([]any, error) {
	rows, err := e.SQL.QueryContext(ctx, e.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []any
	for rows.Next() {
		var id int
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// drain reads every row of cols columns, as a client would.
func drain(rows *sql.Rows, cols int) error {
	defer rows.Close()
	dest := make([]any, cols)
	for i := range dest {
		dest[i] = new(any)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Names lists the workloads, comma-separated.
func Names() string {
	names := make([]string, len(Workloads))
	for i, w := range Workloads {
		names[i] = w.Name
	}
	return strings.Join(names, ",")
}
