package graph_test

import (
	"context"
	"testing"

	"github.com/partyorg/partyorg/graph"
)

// Every connection costs its page times its selection, found by
// signature; root connections without a page cost graph.MaxPage rows.
func TestComplexity(t *testing.T) {
	es := graph.NewSchema(nil, nil, nil)
	tests := []struct {
		object, field string
		args          map[string]any // raw, as a request carries them
		want          int
	}{
		{"Query", "orgs", map[string]any{"first": 50}, 1 + 50*3},
		{"Query", "members", map[string]any{"last": 20}, 1 + 20*3},
		{"Query", "users", map[string]any{}, 1 + graph.MaxPage*3},
		{"Query", "auditLogs", map[string]any{"first": 0}, 1 + 1*3},
		{"Org", "children", map[string]any{}, 1 + 10*3},
		{"Org", "members", map[string]any{"first": 10}, 1 + 10*3},
		{"Query", "nodes", map[string]any{"ids": []any{"1", "2", "3", "4"}}, 1 + 4*3},
	}
	for _, tt := range tests {
		got, ok := es.Complexity(context.Background(), tt.object, tt.field, 3, tt.args)
		if !ok || got != tt.want {
			t.Errorf("%s.%s%v costs %d (%v), want %d", tt.object, tt.field, tt.args, got, ok, tt.want)
		}
	}
}
