package graph_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestIfVersion: every update mutation takes ifVersion. At the version
// the client read the update applies and moves the version on; at a stale
// one it is CONFLICT and writes nothing; of clients that read the same
// version and update at once, one wins.
func TestIfVersion(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 1, 1, 1, 1)
		api := apitest.New(t, d)
		admin := api.Login(t, "admin", apitest.Password)
		user := tree.Users[apitest.Username("VIEWER", "C.T1")]
		tests := []struct {
			name, read, update string
			id                 int
			// value is the changed field's value in try i.
			value func(i int) any
		}{
			{"updateOrg", `query($id: ID!) { node(id: $id) { ... on Org { version } } }`,
				`mutation($id: ID!, $v: Int, $x: String) { updateOrg(id: $id, ifVersion: $v, input: { name: $x }) { version } }`,
				tree.Orgs["C.T1"].ID, func(i int) any { return fmt.Sprintf("T%d", i) }},
			{"updateMember", `query($id: ID!) { node(id: $id) { ... on Member { version } } }`,
				`mutation($id: ID!, $v: Int, $x: String) { updateMember(id: $id, ifVersion: $v, input: { name: $x }) { version } }`,
				tree.Members["C.T1.V1.B1.M1"].ID, func(i int) any { return fmt.Sprintf("M%d", i) }},
			{"updateUser", `query($id: ID!) { node(id: $id) { ... on User { version } } }`,
				`mutation($id: ID!, $v: Int, $x: Boolean) { updateUser(id: $id, ifVersion: $v, input: { disabled: $x }) { version } }`,
				user.ID, func(i int) any { return i%2 == 0 }},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				id := fmt.Sprint(tc.id)
				read := func() int {
					var out struct{ Node struct{ Version int } }
					admin.MustDo(t, tc.read, map[string]any{"id": id}, &out)
					return out.Node.Version
				}
				v := read()
				var out map[string]struct{ Version int }
				admin.MustDo(t, tc.update, map[string]any{"id": id, "v": v, "x": tc.value(1)}, &out)
				if got := out[tc.name].Version; got != v+1 || read() != v+1 {
					t.Fatalf("version after an update at %d: %d, want %d", v, got, v+1)
				}
				audits := d.Client.AuditLog.Query().CountX(systemCtx())
				errs := admin.Do(t, tc.update, map[string]any{"id": id, "v": v, "x": tc.value(2)}, nil)
				if len(errs) != 1 || errs[0].Code() != "CONFLICT" {
					t.Fatalf("update at stale version %d: %v, want CONFLICT", v, errs)
				}
				if read() != v+1 || d.Client.AuditLog.Query().CountX(systemCtx()) != audits {
					t.Fatal("a refused update wrote something")
				}
				// Without ifVersion the update is unconditional.
				admin.MustDo(t, tc.update, map[string]any{"id": id, "x": tc.value(3)}, nil)

				v = read()
				const clients = 6
				var wg sync.WaitGroup
				codes := make([]string, clients)
				for i := range clients {
					wg.Go(func() {
						if errs := admin.Do(t, tc.update, map[string]any{"id": id, "v": v, "x": tc.value(i)}, nil); len(errs) > 0 {
							codes[i] = errs[0].Code()
						}
					})
				}
				wg.Wait()
				won := 0
				for _, c := range codes {
					switch c {
					case "":
						won++
					case "CONFLICT":
					default:
						t.Errorf("a concurrent update failed with %s", c)
					}
				}
				if won != 1 || read() != v+1 {
					t.Fatalf("%d of %d concurrent updates at version %d won (codes %v), version now %d; want 1 and %d", won, clients, v, codes, read(), v+1)
				}
			})
		}
	})
}

// TestIfVersionPledge: a practice's update mutation takes ifVersion too,
// and only the row it names is held to it (the pledge, not its items).
func TestIfVersionPledge(t *testing.T) {
	d := testdb.Open(t, "sqlite")
	tree := apitest.Matrix(t, d.Client, 1, 1, 1, 1)
	admin := apitest.New(t, d).Login(t, "admin", apitest.Password)
	var topics struct{ PledgeTopics []struct{ ID string } }
	admin.MustDo(t, `{ pledgeTopics(sector: RURAL) { id } }`, nil, &topics)
	items := func(content string) []map[string]any {
		return []map[string]any{{"topicID": topics.PledgeTopics[0].ID, "content": content}}
	}
	var created struct{ CreatePledge struct{ ID string } }
	admin.MustDo(t, `mutation($in: CreatePledgeInput!) { createPledge(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"memberID": fmt.Sprint(tree.Members["C.T1.V1.B1.M1"].ID), "year": 2026, "kind": "ANNUAL", "items": items("带头致富"),
	}}, &created)
	id := created.CreatePledge.ID
	read := func() int {
		var out struct{ Node struct{ Version int } }
		admin.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Pledge { version } } }`, map[string]any{"id": id}, &out)
		return out.Node.Version
	}
	const update = `mutation($id: ID!, $v: Int, $in: UpdatePledgeInput!) { updatePledge(id: $id, ifVersion: $v, input: $in) { version } }`
	v := read()
	admin.MustDo(t, update, map[string]any{"id": id, "v": v, "in": map[string]any{"items": items("带头致富，帮扶两户")}}, nil)
	if read() != v+1 {
		t.Fatalf("version after an update at %d: %d", v, read())
	}
	errs := admin.Do(t, update, map[string]any{"id": id, "v": v, "in": map[string]any{"items": items("旧版本")}}, nil)
	if len(errs) != 1 || errs[0].Code() != "CONFLICT" {
		t.Fatalf("update at stale version %d: %v, want CONFLICT", v, errs)
	}
	var out struct {
		Node struct{ Items []struct{ Content string } }
	}
	admin.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Pledge { items { content } } } }`, map[string]any{"id": id}, &out)
	if len(out.Node.Items) != 1 || out.Node.Items[0].Content != "带头致富，帮扶两户" {
		t.Errorf("items after a refused update: %+v", out.Node.Items)
	}
}
