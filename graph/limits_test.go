package graph_test

import (
	"context"
	"testing"

	"github.com/partyorg/partyorg/graph"
)

// The complexity of a field is about the nodes its response may hold:
// every connection, found by signature, counts its page times the nodes
// in each row (at least 1); root connections without a page count
// graph.MaxPage rows; other fields count only what they nest.
func TestComplexity(t *testing.T) {
	es := graph.NewSchema(nil, nil, nil)
	tests := []struct {
		object, field string
		args          map[string]any // raw, as a request carries them
		want          int
	}{
		{"Query", "orgs", map[string]any{"first": 50}, 50 * 3},
		{"Query", "members", map[string]any{"last": 20}, 20 * 3},
		{"Query", "users", map[string]any{}, graph.MaxPage * 3},
		{"Query", "auditLogs", map[string]any{"first": 0}, 1 * 3},
		{"Org", "children", map[string]any{}, 10 * 3},
		{"Org", "members", map[string]any{"first": 10}, 10 * 3},
		{"Query", "nodes", map[string]any{"ids": []any{"1", "2", "3", "4"}}, 4 * 3},
		{"Query", "node", map[string]any{"id": "1"}, 3},
		{"Member", "branch", map[string]any{}, 3},
		{"Query", "viewer", map[string]any{}, 3},
		{"OrgAnalytics", "children", map[string]any{}, 25 * 3},
	}
	for _, tt := range tests {
		got, ok := es.Complexity(context.Background(), tt.object, tt.field, 3, tt.args)
		if !ok || got != tt.want {
			t.Errorf("%s.%s%v costs %d (%v), want %d", tt.object, tt.field, tt.args, got, ok, tt.want)
		}
	}
}
