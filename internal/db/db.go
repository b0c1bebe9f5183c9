// Package db opens partyorg's database — an embedded SQLite file by
// default, PostgreSQL through lib/pq in production — and migrates it.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	atlas "ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	_ "github.com/lib/pq"
	_ "modernc.org/sqlite"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/pledge"
	"github.com/partyorg/partyorg/internal/points"
	"github.com/partyorg/partyorg/internal/viewer"
	// The runtime registers the schemas' hooks, policies and interceptors.
	_ "github.com/partyorg/partyorg/ent/runtime"
)

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqlitePragmas: foreign keys on (ent's migration needs them), WAL so
// readers never wait for the writer, a busy timeout instead of "database
// is locked", and write transactions that take the lock up front.
const sqlitePragmas = "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"

// Open opens dsn: a postgres:// or postgresql:// URL, or else the path of
// an SQLite file (created when missing).
func Open(dsn string) (*ent.Client, error) {
	drv, err := OpenDriver(dsn)
	if err != nil {
		return nil, err
	}
	return ent.NewClient(ent.Driver(drv)), nil
}

// OpenDriver opens the ent SQL driver of dsn (see Open).
func OpenDriver(dsn string) (*entsql.Driver, error) {
	if IsPostgres(dsn) {
		db, err := openPostgres(dsn)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(32)
		return entsql.OpenDB(dialect.Postgres, db), nil
	}
	if !strings.HasPrefix(dsn, "file:") {
		dsn = "file:" + dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	db, err := sql.Open("sqlite", dsn+sep+sqlitePragmas)
	if err != nil {
		return nil, err
	}
	return entsql.OpenDB(dialect.SQLite, db), nil
}

// migrating serializes ent's schema migrations: Schema.Create writes to
// the package-level table descriptions in ent/migrate, so two at once in
// one process (parallel tests) race on them.
var migrating sync.Mutex

// Migrate brings the schema up to date and seeds a fresh database.
func Migrate(ctx context.Context, c *ent.Client) error {
	var opts []schema.MigrateOption
	if c.Dialect() == dialect.Postgres {
		opts = append(opts, schema.WithDiffHook(cCollatedPath))
	}
	migrating.Lock()
	err := c.Schema.Create(ctx, opts...)
	migrating.Unlock()
	if err != nil {
		return fmt.Errorf("db: migrating: %w", err)
	}
	for _, stmt := range appendOnly[c.Dialect()] {
		if _, err := c.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("db: audit trail triggers: %w", err)
		}
	}
	return seed(viewer.NewSystemContext(ctx), c)
}

// seed gives a fresh database the reference data the practices start
// from; each seeder does nothing on a database that has its data.
func seed(ctx context.Context, c *ent.Client) error {
	if err := pledge.SeedTopics(ctx, c); err != nil {
		return fmt.Errorf("db: seeding pledge topics: %w", err)
	}
	if err := points.RollUpMissing(ctx, c); err != nil {
		return fmt.Errorf("db: rolling up closed points years: %w", err)
	}
	return nil
}

// appendOnly makes the database itself refuse to change or remove audit
// entries, whatever client connects: the code has no such path either,
// and `partyorg audit verify` finds what is done behind both.
var appendOnly = map[string][]string{
	dialect.Postgres: {
		`CREATE OR REPLACE FUNCTION partyorg_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$`,
		`DROP TRIGGER IF EXISTS audit_logs_append_only ON audit_logs`,
		`CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_logs
FOR EACH STATEMENT EXECUTE FUNCTION partyorg_audit_append_only()`,
	},
	dialect.SQLite: {
		`CREATE TRIGGER IF NOT EXISTS audit_logs_no_update BEFORE UPDATE ON audit_logs
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END`,
		`CREATE TRIGGER IF NOT EXISTS audit_logs_no_delete BEFORE DELETE ON audit_logs
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END`,
	},
}

// cCollatedPath gives orgs.path the C collation on PostgreSQL: byte order
// makes the path range of internal/scope exact and lets it use the
// index (a default-collation btree serves neither a range nor LIKE
// 'p%'), and it fixes the planner's row estimates. SQLite compares bytes
// already.
func cCollatedPath(next schema.Differ) schema.Differ {
	return schema.DiffFunc(func(current, desired *atlas.Schema) ([]atlas.Change, error) {
		if t, ok := desired.Table(org.Table); ok {
			if c, ok := t.Column(org.FieldPath); ok {
				c.SetCollation("C")
			}
		}
		return next.Diff(current, desired)
	})
}

// WithTx runs fn in a transaction, committed when fn returns nil and
// rolled back otherwise (the pattern of ent's transaction docs).
func WithTx(ctx context.Context, c *ent.Client, fn func(tx *ent.Tx) error) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			err = fmt.Errorf("%w (rolling back: %v)", err, rerr)
		}
		return err
	}
	return tx.Commit()
}

// Describe names dsn for logs, without a password.
func Describe(dsn string) string {
	if !IsPostgres(dsn) {
		return "sqlite:" + dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres"
	}
	return u.Redacted()
}

// Rebind writes the ? placeholders of a hand-written query as
// PostgreSQL's $1, $2, … when the dialect is PostgreSQL.
func Rebind(d, query string) string {
	if d != dialect.Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
