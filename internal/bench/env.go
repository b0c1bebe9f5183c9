package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/ent/user"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Role is one of the callers the benchmark signs in as.
type Role struct {
	Name string
	// Admin is set for the ADMIN, which reaches the ORG_ADMIN's rows by
	// filters rather than by scope.
	Admin              bool
	UserID             int
	Username, Password string
	Token              string
}

// Env is the benchmark's view of a database filled by `partyorg gen`:
// where its workloads point and how to reach the data by hand.
type Env struct {
	SQL      *sql.DB
	Postgres bool
	// Township is the first county's last township, the worst case for
	// pages in ID order; Path and PathEnd bound its subtree's paths.
	Township      int
	Path, PathEnd string
	// County is the township's county, whose audit chain writes extend,
	// and CountyPath its path.
	County     int
	CountyPath string
	// Year is the latest year with year-end points results, the year the
	// dashboards are asked for (last year when there is none).
	Year int
	// Members are members of the township, one per client.
	Members []int
	// Roles are the ADMIN and the township ORG_ADMIN, in that order;
	// CountyAdmin is the county's ORG_ADMIN.
	Roles       []*Role
	CountyAdmin *Role
}

// rolesFor are the ADMIN and the ORG_ADMIN that send w.
func (e *Env) rolesFor(w Workload) []*Role {
	if w.County {
		return []*Role{e.Roles[0], e.CountyAdmin}
	}
	return e.Roles
}

// Account names the benchmark creates or resets on each run.
const (
	AdminUser    = "bench.admin"
	TownshipUser = "bench.township"
	CountyUser   = "bench.county"
)

// setup finds the township and its members and gives the benchmark's two
// accounts a fresh password.
func setup(ctx context.Context, dsn string, clients int) (*Env, func() error, error) {
	drv, err := db.OpenDriver(dsn)
	if err != nil {
		return nil, nil, err
	}
	client := ent.NewClient(ent.Driver(drv))
	e := &Env{SQL: drv.DB(), Postgres: db.IsPostgres(dsn)}
	if e.Postgres {
		// Every run starts from fresh statistics and no dead rows: the
		// member page's plan flips to a slow one once earlier runs' updates
		// have left dead rows (see BENCHMARKS.md).
		if _, err := e.SQL.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			drv.Close()
			return nil, nil, err
		}
	}
	if err := e.find(ctx, clients); err != nil {
		drv.Close()
		return nil, nil, err
	}
	admin, township := rolebinding.RoleAdmin, rolebinding.RoleOrgAdmin
	for _, a := range []struct {
		name, username string
		role           rolebinding.Role
		org            *int
	}{
		{"ADMIN", AdminUser, admin, nil},
		{"ORG_ADMIN", TownshipUser, township, &e.Township},
		{"ORG_ADMIN", CountyUser, township, &e.County},
	} {
		r, err := ensureAccount(ctx, client, a.username, a.role, a.org)
		if err != nil {
			drv.Close()
			return nil, nil, err
		}
		r.Name, r.Admin = a.name, a.role == admin
		if a.username == CountyUser {
			e.CountyAdmin = r
			continue
		}
		e.Roles = append(e.Roles, r)
	}
	return e, drv.Close, nil
}

// find picks the first county's last township and members in it.
func (e *Env) find(ctx context.Context, clients int) error {
	err := e.SQL.QueryRowContext(ctx, e.q(`SELECT t.id, t.path, t.parent_id FROM orgs t
WHERE t.kind = 'TOWNSHIP' AND t.parent_id = (SELECT MIN(id) FROM orgs WHERE kind = 'COUNTY')
ORDER BY t.id DESC LIMIT 1`)).Scan(&e.Township, &e.Path, &e.County)
	if errors.Is(err, sql.ErrNoRows) {
		return errors.New("bench: no township in the database: fill it with `partyorg gen` first")
	}
	if err != nil {
		return err
	}
	e.PathEnd = e.Path[:len(e.Path)-1] + string(e.Path[len(e.Path)-1]+1)
	var year sql.NullInt64
	if err := e.SQL.QueryRowContext(ctx, e.q(`SELECT path, (SELECT MAX(year) FROM annual_results) FROM orgs WHERE id = ?`), e.County).Scan(&e.CountyPath, &year); err != nil {
		return err
	}
	e.Year = int(year.Int64)
	if !year.Valid {
		e.Year = time.Now().Year() - 1
	}
	// The county's audit chain head, as the server's first audited write
	// there would create it, for the hand-written update.
	if _, err := e.SQL.ExecContext(ctx, e.q(`INSERT INTO audit_heads (county_id, seq, hash) VALUES (?, 0, '') ON CONFLICT (county_id) DO NOTHING`), e.County); err != nil {
		return err
	}
	rows, err := e.SQL.QueryContext(ctx, e.q(`SELECT m.id FROM members m JOIN orgs b ON b.id = m.branch_id
WHERE b.path >= ? AND b.path < ? ORDER BY m.id LIMIT ?`), e.Path, e.PathEnd, clients)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return err
		}
		e.Members = append(e.Members, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(e.Members) == 0 {
		return errors.New("bench: the township has no members: fill the database with `partyorg gen`")
	}
	return nil
}

// ensureAccount creates username with role, or resets its password, so
// that no fixed password ever guards a real database.
func ensureAccount(ctx context.Context, c *ent.Client, username string, role rolebinding.Role, org *int) (*Role, error) {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	pw := hex.EncodeToString(b)
	ctx = viewer.NewSystemContext(ctx)
	var id int
	err := db.WithTx(ctx, c, func(tx *ent.Tx) error {
		u, err := tx.User.Query().Where(user.Username(username)).Only(ctx)
		switch {
		case ent.IsNotFound(err):
			u, err = account.Create(ctx, tx.Client(), account.NewUser{Username: username, Password: pw, Role: &role, OrgID: org})
		case err == nil:
			u, err = account.Update(ctx, tx.Client(), u.ID, account.Changes{Password: &pw})
		}
		if err != nil {
			return err
		}
		id = u.ID
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bench: account %s: %w", username, err)
	}
	return &Role{UserID: id, Username: username, Password: pw}, nil
}

// member is the member client works on.
func (e *Env) member(client int) int { return e.Members[client%len(e.Members)] }

// q writes the ? placeholders of query as PostgreSQL's $n.
func (e *Env) q(query string) string {
	d := dialect.SQLite
	if e.Postgres {
		d = dialect.Postgres
	}
	return db.Rebind(d, query)
}

// marks returns n placeholders for an IN list (NULL for none, which
// matches nothing).
func (e *Env) marks(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.Repeat("?, ", n-1) + "?"
}
