package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestIdempotencyKey: a mutation sent again with the same key and body is
// answered with the first response and done once, also when the copies
// arrive at once; the same key with another body is CONFLICT; keys are
// each user's own.
func TestIdempotencyKey(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 1, 1, 1, 1)
		api := apitest.New(t, d)
		admin := api.Login(t, "admin", apitest.Password)
		other := api.Login(t, apitest.Username("ORG_ADMIN", "C"), apitest.Password)
		branch := tree.Orgs["C.T1.V1.B1"].ID
		create := func(name string) []byte {
			b, _ := json.Marshal(map[string]any{
				"query":     `mutation($in: CreateMemberInput!) { createMember(input: $in) { id name } }`,
				"variables": map[string]any{"in": map[string]any{"name": name, "status": "ACTIVIST", "branchID": fmt.Sprint(branch)}},
			})
			return b
		}
		send := func(c *apitest.Client, key string, body []byte) (int, string) {
			req, _ := http.NewRequest(http.MethodPost, api.URL+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+c.Token)
			req.Header.Set("Idempotency-Key", key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		named := func(name string) int { return d.Client.Member.Query().Where(member.Name(name)).CountX(systemCtx()) }

		status, first := send(admin, "k1", create("重试甲"))
		if status != http.StatusOK || named("重试甲") != 1 {
			t.Fatalf("first request: %d %s", status, first)
		}
		if status, again := send(admin, "k1", create("重试甲")); status != http.StatusOK || again != first {
			t.Errorf("retry: %d %s; want the first response %s", status, again, first)
		}
		if n := named("重试甲"); n != 1 {
			t.Errorf("%d members after a retry, want 1", n)
		}
		if status, body := send(admin, "k1", create("别的")); status != http.StatusConflict || !bytes.Contains([]byte(body), []byte(`"CONFLICT"`)) || named("别的") != 0 {
			t.Errorf("same key, other body: %d %s; want 409 CONFLICT and nothing written", status, body)
		}
		// Another user's k1 is its own.
		if status, _ := send(other, "k1", create("重试甲")); status != http.StatusOK || named("重试甲") != 2 {
			t.Errorf("another user's key: %d, %d members; want a second member", status, named("重试甲"))
		}

		const copies = 8
		var wg sync.WaitGroup
		bodies := make([]string, copies)
		for i := range copies {
			wg.Go(func() { _, bodies[i] = send(admin, "k2", create("并发乙")) })
		}
		wg.Wait()
		if n := named("并发乙"); n != 1 {
			t.Fatalf("%d members from %d concurrent copies, want 1", n, copies)
		}
		for i, b := range bodies {
			if b != bodies[0] {
				t.Errorf("copy %d answered %s, copy 0 %s", i, b, bodies[0])
			}
		}
	})
}
