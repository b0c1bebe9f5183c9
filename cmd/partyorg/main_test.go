package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/ent/user"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/server"
	"github.com/partyorg/partyorg/internal/viewer"
)

// These tests run whole commands through run, as main does, on SQLite:
// they are about the process, not the database.

// syncBuffer is a bytes.Buffer that the server goroutine writes while the
// test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is a getenv over a fixed set of variables: the tests never read the
// real environment.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// testServer is a `partyorg serve` running in the test.
type testServer struct {
	url            string
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	done           chan error
}

var servingLine = regexp.MustCompile(`msg=serving addr=(http://127\.0\.0\.1:\d+)`)

// serve starts run(ctx, args…) and waits until it logs its address.
func serve(t *testing.T, args []string, getenv func(string) string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- run(ctx, args, getenv, s.stdout, s.stderr) }()
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	// Polling for readiness, not a timed assertion: the bound only keeps a
	// broken server from hanging the test (migration and the demo's
	// bcrypt hashes take a few seconds on a busy machine).
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := servingLine.FindStringSubmatch(s.stderr.String()); m != nil {
			s.url = m[1]
			return s
		}
		select {
		case err := <-s.done:
			s.done <- err // for the cleanup
			t.Fatalf("serve returned before serving: %v\nstderr:\n%s", err, s.stderr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not log its address\nstderr:\n%s", s.stderr)
		}
	}
}

// stop cancels the server's context, as SIGTERM does in main, and returns
// what run returned.
func (s *testServer) stop() error {
	s.cancel()
	err := <-s.done
	s.done <- err // for the cleanup
	return err
}

// graphql posts one operation and decodes its data into out.
func (s *testServer) graphql(t *testing.T, token, query string, vars map[string]any, out any) []string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, s.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Data   json.RawMessage
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatalf("POST /graphql: HTTP %d: %v", resp.StatusCode, err)
	}
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, e.Extensions.Code+": "+e.Message)
	}
	if out != nil && len(res.Data) > 0 && string(res.Data) != "null" {
		if err := json.Unmarshal(res.Data, out); err != nil {
			t.Fatal(err)
		}
	}
	return errs
}

func (s *testServer) login(t *testing.T, username, password string) string {
	t.Helper()
	var out struct{ Login struct{ Token string } }
	if errs := s.graphql(t, "", `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
		map[string]any{"u": username, "p": password}, &out); len(errs) > 0 {
		t.Fatalf("login %s: %v", username, errs)
	}
	return out.Login.Token
}

type viewerRoles struct {
	Viewer struct {
		Username string
		Roles    []struct {
			Role string
			Org  *struct{ Name string }
		}
	}
}

const viewerQ = `{ viewer { username roles { role org { name } } } }`

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// demoAccount is a line of the accounts that `serve --demo` prints:
// username, password, role, org.
var demoAccount = regexp.MustCompile(`(?m)^\s+(\S+)\s+(\S+)\s+(ADMIN|ORG_ADMIN|VIEWER|MEMBER)\b[ \t]*(.*)$`)

func TestServe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "partyorg.db")
	s := serve(t, []string{"serve", "--addr", "127.0.0.1:0", "--db", path, "--demo", "--admin-password", "secret123"}, env())

	t.Run("healthz", func(t *testing.T) {
		code, _, body := get(t, s.url+"/healthz")
		if code != http.StatusOK {
			t.Errorf("GET /healthz: %d %s", code, body)
		}
	})
	t.Run("GraphiQL", func(t *testing.T) {
		code, ctype, body := get(t, s.url+"/")
		if code != http.StatusOK || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(body, "/graphiql/partyorg.js") {
			t.Errorf("GET /: %d %q, body %.200s", code, ctype, body)
		}
		// The page's script sends queries to /graphql.
		if code, _, body := get(t, s.url+"/graphiql/partyorg.js"); code != http.StatusOK || !strings.Contains(body, `"/graphql"`) {
			t.Errorf("GET /graphiql/partyorg.js: %d, body %.200s", code, body)
		}
	})
	t.Run("GET /graphql is refused", func(t *testing.T) {
		// POST only (CONTRACT.md): a GET must not run queries.
		if code, _, body := get(t, s.url+"/graphql?query=%7Bviewer%7Bid%7D%7D"); code == http.StatusOK && strings.Contains(body, `"data"`) {
			t.Errorf("GET /graphql ran the query: %d %s", code, body)
		}
	})
	t.Run("admin signs in", func(t *testing.T) {
		token := s.login(t, "admin", "secret123")
		var out viewerRoles
		if errs := s.graphql(t, token, viewerQ, nil, &out); len(errs) > 0 {
			t.Fatal(errs)
		}
		if out.Viewer.Username != "admin" || len(out.Viewer.Roles) != 1 || out.Viewer.Roles[0].Role != "ADMIN" {
			t.Errorf("viewer = %+v, want admin with role ADMIN", out.Viewer)
		}
		var orgs struct{ Orgs struct{ TotalCount int } }
		if errs := s.graphql(t, token, `{ orgs { totalCount } }`, nil, &orgs); len(errs) > 0 || orgs.Orgs.TotalCount == 0 {
			t.Errorf("admin sees %d orgs (%v), want the demo county's", orgs.Orgs.TotalCount, errs)
		}
		if errs := s.graphql(t, "", viewerQ, nil, nil); len(errs) == 0 || !strings.HasPrefix(errs[0], "UNAUTHENTICATED") {
			t.Errorf("viewer without a token: %v, want UNAUTHENTICATED", errs)
		}
	})
	t.Run("demo accounts are printed and work", func(t *testing.T) {
		out := s.stdout.String()
		var orgAdmin []string
		for _, m := range demoAccount.FindAllStringSubmatch(out, -1) {
			if m[3] == "ORG_ADMIN" {
				orgAdmin = m
				break
			}
		}
		if orgAdmin == nil {
			t.Fatalf("no ORG_ADMIN account on stdout:\n%s", out)
		}
		token := s.login(t, orgAdmin[1], orgAdmin[2])
		var v viewerRoles
		if errs := s.graphql(t, token, viewerQ, nil, &v); len(errs) > 0 {
			t.Fatal(errs)
		}
		if len(v.Viewer.Roles) == 0 || v.Viewer.Roles[0].Role != "ORG_ADMIN" || v.Viewer.Roles[0].Org == nil ||
			v.Viewer.Roles[0].Org.Name != strings.TrimSpace(orgAdmin[4]) {
			t.Errorf("%s's roles = %+v, want ORG_ADMIN at %q", orgAdmin[1], v.Viewer.Roles, orgAdmin[4])
		}
	})
	t.Run("cancel stops it cleanly", func(t *testing.T) {
		if err := s.stop(); err != nil {
			t.Errorf("run returned %v after cancel, want nil\nstderr:\n%s", err, s.stderr)
		}
		if _, err := http.Get(s.url + "/healthz"); err == nil {
			t.Error("the server still answers after run returned")
		}
	})

	// A second start on the same file, configured through the environment
	// alone: it keeps the data, loads no second demo, creates no second
	// admin, and the admin's password is still the first one.
	t.Run("restart from the environment", func(t *testing.T) {
		s2 := serve(t, []string{"serve", "--demo"}, env("PARTYORG_DB", path, "PARTYORG_ADDR", "127.0.0.1:0", "PARTYORG_ADMIN_PASSWORD", "other-password"))
		if !strings.Contains(s2.stdout.String(), "already holds data") || strings.Contains(s2.stdout.String(), "created user admin") {
			t.Errorf("second start's stdout:\n%s", s2.stdout)
		}
		if !strings.Contains(s2.stderr.String(), "sqlite:"+path) {
			t.Errorf("the server does not log PARTYORG_DB's file %s:\n%s", path, s2.stderr)
		}
		s2.login(t, "admin", "secret123")
		if err := s2.stop(); err != nil {
			t.Errorf("run returned %v after cancel, want nil", err)
		}
	})
}

func TestMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "--db", path}, env(), &stdout, &stderr); err != nil {
		t.Fatalf("migrate: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "migrated sqlite:"+path) {
		t.Errorf("stdout = %q", stdout.String())
	}
	assertMigrated(t, path)
	// Migrating again changes nothing and succeeds.
	if err := run(context.Background(), []string{"migrate", "--db", path}, env(), io.Discard, io.Discard); err != nil {
		t.Errorf("second migrate: %v", err)
	}
}

// TestMigrateFromEnv: PARTYORG_DB names the database when --db is not given.
func TestMigrateFromEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env.db")
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, env("PARTYORG_DB", path), &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), path) {
		t.Errorf("stdout = %q, want it to name %s", stdout.String(), path)
	}
	assertMigrated(t, path)
	// --db wins over the environment.
	other := filepath.Join(t.TempDir(), "flag.db")
	if err := run(context.Background(), []string{"migrate", "--db", other}, env("PARTYORG_DB", path), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	assertMigrated(t, other)
}

// assertMigrated checks that path is an SQLite database with the schema.
func assertMigrated(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no database file: %v", err)
	}
	c, err := db.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.User.Query().Count(viewer.NewSystemContext(context.Background())); err != nil {
		t.Errorf("querying users: %v", err)
	}
}

func TestUserCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u.db")
	var stdout, stderr bytes.Buffer
	// Usernames have 3–32 characters (ent/schema/user.go), so "u1" is refused below.
	err := run(context.Background(), []string{"user", "--db", path, "--username", "user1", "--password", "password1", "--role", "ADMIN"}, env(), &stdout, &stderr)
	if err != nil {
		t.Fatalf("user: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "created user user1") {
		t.Errorf("stdout = %q", stdout.String())
	}
	c, err := db.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := viewer.NewSystemContext(context.Background())
	u, err := account.Authenticate(ctx, c, "user1", "password1")
	if err != nil {
		t.Fatalf("user1 cannot sign in: %v", err)
	}
	roles := c.User.Query().Where(user.ID(u.ID)).QueryRoles().AllX(ctx)
	if len(roles) != 1 || roles[0].Role != rolebinding.RoleAdmin || roles[0].OrgID != 0 {
		t.Errorf("user1's roles = %v, want one ADMIN without org", roles)
	}

	// Refusals are errors, and create nothing.
	for _, args := range [][]string{
		{"--username", "user1", "--password", "password1"},                     // taken
		{"--username", "u1", "--password", "password1"},                        // username too short
		{"--username", "user2", "--password", "short"},                         // password too short
		{"--username", "user3", "--password", "password1", "--role", "OWNER"},  // no such role
		{"--username", "user4", "--password", "password1", "--role", "VIEWER"}, // needs --org
	} {
		if err := run(context.Background(), append([]string{"user", "--db", path}, args...), env(), io.Discard, io.Discard); err == nil {
			t.Errorf("user %v: no error", args)
		}
	}
	if n := c.User.Query().CountX(ctx); n != 1 {
		t.Errorf("%d users after the refusals, want 1", n)
	}
}

func TestGenCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.db")
	var stdout, stderr bytes.Buffer
	// The tree and members alone: --year 0 leaves out the units and the
	// year of work (internal/demo's TestGenerateYear checks those).
	err := run(context.Background(), []string{"gen", "--db", path, "--townships", "2", "--villages", "2", "--branches", "2", "--members", "3", "--year", "0"}, env(), &stdout, &stderr)
	if err != nil {
		t.Fatalf("gen: %v\n%s", err, stderr.String())
	}
	m := regexp.MustCompile(`(\d+) orgs, (\d+) members`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("stdout = %q, want the counts", stdout.String())
	}
	c, err := db.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := viewer.NewSystemContext(context.Background())
	orgs, members := c.Org.Query().CountX(ctx), c.Member.Query().CountX(ctx)
	if m[1] != strconv.Itoa(orgs) || m[2] != strconv.Itoa(members) {
		t.Errorf("printed %s orgs, %s members; the database has %d, %d", m[1], m[2], orgs, members)
	}
	// 2 townships × 2 villages × 2 branches × 3 members.
	if b := c.Org.Query().Where(org.KindEQ(org.KindBranch)).CountX(ctx); b != 8 || members != 24 {
		t.Errorf("%d branches, %d members; want 8, 24", b, members)
	}
	if v := c.Org.Query().Where(org.KindEQ(org.KindVillage)).CountX(ctx); v != 4 {
		t.Errorf("%d villages, want 4", v)
	}
}

func TestBadCommands(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"unknown command", []string{"frobnicate"}},
		{"no command", nil},
		{"unknown flag", []string{"migrate", "--nope"}},
		{"gen with negative size", []string{"gen", "--db", filepath.Join(t.TempDir(), "x.db"), "--townships", "-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			err := run(context.Background(), tc.args, env(), io.Discard, &stderr)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.args == nil && (!errors.Is(err, errUsage) || !strings.Contains(stderr.String(), "usage:")) {
				t.Errorf("no command: %v, stderr %q; want errUsage and the usage", err, stderr.String())
			}
		})
	}
}

// TestAuditVerify: `partyorg audit verify` accepts an intact trail and,
// once an entry was removed behind the server's back, fails naming it.
func TestAuditVerify(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	if err := run(context.Background(), []string{"gen", "--db", path, "--townships", "1", "--villages", "1", "--branches", "1", "--members", "2", "--year", "0"}, env(), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"audit", "verify", "--db", path}, env(), &stdout, io.Discard); err != nil {
		t.Fatalf("verify of an intact trail: %v", err)
	}
	// 1 county, 1 township, 1 village, 1 branch, 2 members.
	if !strings.Contains(stdout.String(), "6 entries verified") {
		t.Errorf("stdout = %q, want 6 entries verified", stdout.String())
	}
	c, err := db.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, stmt := range []string{"DROP TRIGGER audit_logs_no_delete", "DELETE FROM audit_logs WHERE seq = 3"} {
		if _, err := c.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	err = run(ctx, []string{"audit", "verify", "--db", path}, env(), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "broken at #3") {
		t.Fatalf("verify after removing entry #3: %v, want a break at #3", err)
	}
	if err := run(ctx, []string{"audit"}, env(), io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("audit without verify: %v, want errUsage", err)
	}
}

// TestRollupRebuild: `partyorg rollup --rebuild` recomputes the tallies
// from the entries (the equality of rebuilt and kept tallies is
// graph.TestPointTallies); without --rebuild it only prints its usage.
func TestRollupRebuild(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	ctx := context.Background()
	if err := run(ctx, []string{"gen", "--db", path, "--townships", "1", "--villages", "1", "--branches", "1", "--members", "1", "--year", "0"}, env(), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	c, err := db.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	// A tally that no entry backs must go.
	res, err := c.ExecContext(ctx, "INSERT INTO entry_tallies (branch_id, year, period, approved) SELECT id, 2024, '2024-01', 7 FROM orgs WHERE kind = 'BRANCH'")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%d tallies inserted, want 1", n)
	}
	c.Close()
	var stdout bytes.Buffer
	if err := run(ctx, []string{"rollup", "--rebuild", "--db", path}, env(), &stdout, io.Discard); err != nil || !strings.Contains(stdout.String(), "rollups rebuilt") {
		t.Fatalf("rollup --rebuild: %v, stdout %q", err, stdout.String())
	}
	if c, err = db.Open(path); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	rows, err := c.QueryContext(ctx, "SELECT COUNT(*) FROM entry_tallies")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	rows.Close()
	if n != 0 {
		t.Errorf("%d tallies after rebuilding without entries, want 0", n)
	}
	if err := run(ctx, []string{"rollup", "--db", path}, env(), io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("rollup without --rebuild: %v, want errUsage", err)
	}
}

// TestProductionNeedsSecret: serve --production refuses to start without
// PARTYORG_SECRET, before it opens the database.
func TestProductionNeedsSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	for _, args := range [][]string{{"serve", "--production", "--db", path}, {"serve", "--db", path}} {
		getenv := env()
		if len(args) == 3 {
			getenv = env("PARTYORG_PRODUCTION", "1")
		}
		err := run(context.Background(), args, getenv, io.Discard, io.Discard)
		if !errors.Is(err, server.ErrNoSecret) {
			t.Errorf("%v: %v, want ErrNoSecret", args, err)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the database was created: %v", err)
	}
}
