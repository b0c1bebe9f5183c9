package graph_test

import (
	"fmt"
	"testing"

	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestStatementsIndependentOfPageSize asks for pages of 1, 10 and 40
// members, each with its branch and the branch's parent, and for the
// orgs with their children and member counts, as ADMIN and as a
// township ORG_ADMIN: the SQL statements must not grow with the page.
func TestStatementsIndependentOfPageSize(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		apitest.Matrix(t, d.Client, 2, 3, 3, 5)
		api := apitest.New(t, d)
		queries := map[string]string{
			"members": `{ members(first: %d) { totalCount edges { node { id name branch { name parent { name } } } } } }`,
			"orgs":    `{ orgs(first: %d) { totalCount edges { node { name children { edges { node { name members { totalCount } } } } } } } }`,
		}
		for _, username := range []string{"admin", apitest.Username(rolebinding.RoleOrgAdmin, "C.T1")} {
			c := api.Login(t, username, apitest.Password)
			for name, q := range queries {
				var counts []int64
				for _, n := range []int{1, 10, 40} {
					var out map[string]struct{ TotalCount int }
					counts = append(counts, perfStatements(t, d, c, fmt.Sprintf(q, n), &out))
					if out[name].TotalCount < 10 {
						t.Fatalf("%s as %s: totalCount %d, too few rows to show growth", name, username, out[name].TotalCount)
					}
				}
				if counts[0] != counts[1] || counts[1] != counts[2] {
					t.Errorf("%s as %s: %v statements for pages of 1, 10 and 40", name, username, counts)
				}
			}
		}
	})
}
