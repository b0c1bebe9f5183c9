package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent/auditlog"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/audit"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

// childArgs names the environment variable with which the test binary
// runs as `partyorg` itself, so that a test can kill a real process.
const childArgs = "PARTYORG_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgs); args != "" {
		err := run(context.Background(), strings.Fields(args), os.Getenv, os.Stdout, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child starts `partyorg serve` as a process of its own and waits until
// it answers.
func child(t *testing.T, dsn, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgs+"=serve --addr "+addr+" --db "+dsn+" --rate-limit -1 --admin-password password123")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	// Polling for readiness, bounded only so a broken server cannot hang
	// the test.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not come up:\n%s", stderr.String())
		}
	}
}

// TestKilledServerLosesNothing fires writes at a real server process,
// kills it with SIGKILL in the middle, and starts it again: every write
// it had answered as done is there, nothing is half-written (each member
// has its audit entry), and the audit chain holds.
func TestKilledServerLosesNothing(t *testing.T) {
	for _, name := range testdb.Dialects() {
		t.Run(name, func(t *testing.T) {
			var dsn string
			if name == "sqlite" {
				dsn = filepath.Join(t.TempDir(), "k.db")
			} else {
				dsn = testdb.Open(t, name).DSN
			}
			if err := run(context.Background(), []string{"gen", "--db", dsn, "--townships", "1", "--villages", "1", "--branches", "1", "--members", "0", "--year", "0"}, env(), io.Discard, io.Discard); err != nil {
				t.Fatal(err)
			}
			c, err := db.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx := viewer.NewSystemContext(context.Background())
			branch := c.Org.Query().Where(org.KindEQ(org.KindBranch)).OnlyIDX(ctx)

			addr := freeAddr(t)
			proc := child(t, dsn, addr)
			s := &testServer{url: "http://" + addr}
			token := s.login(t, "admin", "password123")

			var mu sync.Mutex
			var acked []string
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						name := fmt.Sprintf("W%d-%d", w, i)
						if write(addr, token, branch, name) {
							mu.Lock()
							acked = append(acked, name)
							mu.Unlock()
						}
					}
				})
			}
			// Kill once a stream of writes is under way.
			for {
				mu.Lock()
				n := len(acked)
				mu.Unlock()
				if n >= 40 {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = proc.Wait()
			close(stop)
			wg.Wait()

			child(t, dsn, addr) // recovers on the same database
			for _, n := range acked {
				if !c.Member.Query().Where(member.Name(n)).ExistX(ctx) {
					t.Errorf("member %s was answered as created but is gone", n)
				}
			}
			members := c.Member.Query().CountX(ctx)
			audited := c.AuditLog.Query().Where(auditlog.Type("Member"), auditlog.OpEQ(auditlog.OpCreate)).CountX(ctx)
			if members != audited || members < len(acked) {
				t.Errorf("%d members, %d audited creates, %d acknowledged: want members = audited ≥ acknowledged", members, audited, len(acked))
			}
			if _, brk, err := audit.Verify(context.Background(), c); err != nil || brk != nil {
				t.Errorf("audit chain after the kill: %v %v", brk, err)
			}
			t.Logf("%d writes acknowledged before SIGKILL, %d members stored", len(acked), members)
		})
	}
}

// write creates a member and reports whether the server answered that it
// did.
func write(addr, token string, branch int, name string) bool {
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($in: CreateMemberInput!) { createMember(input: $in) { id } }`,
		"variables": map[string]any{"in": map[string]any{"name": name, "status": "ACTIVIST", "branchID": fmt.Sprint(branch)}},
	})
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var out struct {
		Data   *struct{ CreateMember *struct{ ID string } }
		Errors []any
	}
	return json.NewDecoder(resp.Body).Decode(&out) == nil && len(out.Errors) == 0 &&
		out.Data != nil && out.Data.CreateMember != nil && out.Data.CreateMember.ID != ""
}

// freeAddr is a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
