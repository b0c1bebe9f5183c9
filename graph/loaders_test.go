package graph_test

import (
	"context"
	"testing"

	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/demo"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestNullableEdgesBatched: nullable edges resolved by hand (a pledge's
// member and branch) cost one statement per edge for a whole page, not
// one per row.
func TestNullableEdgesBatched(t *testing.T) {
	d := testdb.Open(t, "sqlite")
	accounts, err := demo.Load(context.Background(), d.Client)
	if err != nil {
		t.Fatal(err)
	}
	api := apitest.New(t, d)
	var admin *apitest.Client
	for _, a := range accounts {
		if a.Role == "ADMIN" {
			admin = api.Login(t, a.Username, a.Password)
		}
	}
	var out struct {
		Pledges struct {
			Edges []struct {
				Node struct {
					Member *struct{ Name string }
					Branch *struct{ Name string }
				}
			}
		}
	}
	bare := perfStatements(t, d, admin, `{ pledges { edges { node { id } } } }`, nil)
	with := perfStatements(t, d, admin, `{ pledges { edges { node { id member { name } branch { name } } } } }`, &out)
	if n := len(out.Pledges.Edges); n < 5 {
		t.Fatalf("the demo has %d pledges, want several", n)
	}
	for _, e := range out.Pledges.Edges {
		if e.Node.Member == nil || e.Node.Branch == nil {
			t.Fatal("ADMIN sees a null member or branch")
		}
	}
	if extra := with - bare; extra > 2 {
		t.Errorf("member and branch of %d pledges cost %d statements, want 2", len(out.Pledges.Edges), extra)
	}
}
