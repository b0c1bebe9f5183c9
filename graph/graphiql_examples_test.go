package graph_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/partyorg/partyorg/graph"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/graphiql"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestGraphiQLExamples checks GraphiQL's example tabs against the
// schema, and runs each query as ADMIN on a small county, the county's ID
// in its variables: no error, not even TOO_COMPLEX. The sign-in tab is
// only validated (its password is a placeholder).
func TestGraphiQLExamples(t *testing.T) {
	tabs, err := graphiql.Examples()
	if err != nil {
		t.Fatal(err)
	}
	schema := graph.NewSchema(nil, nil, nil).Schema()
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 1, 1, 1, 2)
		admin := apitest.New(t, d).Login(t, "admin", apitest.Password)
		for _, tab := range tabs {
			t.Run(tab.Name, func(t *testing.T) {
				doc, errs := gqlparser.LoadQuery(schema, tab.Query)
				if len(errs) > 0 {
					t.Fatalf("%v\n%s", errs, tab.Query)
				}
				if doc.Operations[0].Operation != ast.Query {
					return
				}
				vars := map[string]any{}
				if tab.Variables != "" {
					if err := json.Unmarshal([]byte(tab.Variables), &vars); err != nil {
						t.Fatal(err)
					}
				}
				if _, ok := vars["org"]; ok {
					vars["org"] = gqlID(tree.Orgs["C"].ID)
				}
				var out map[string]any
				admin.MustDo(t, tab.Query, vars, &out)
				if len(out) == 0 || strings.Contains(tab.Query, "analytics(") && out["analytics"] == nil {
					t.Errorf("no data: %v", out)
				}
			})
		}
	})
}
