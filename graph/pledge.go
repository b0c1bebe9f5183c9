package graph

import (
	"github.com/partyorg/partyorg/internal/pledge"
)

// pledgeItems translates the items of a pledge input.
func pledgeItems(in []*PledgeItemInput) []pledge.Item {
	items := make([]pledge.Item, len(in))
	for i, it := range in {
		items[i] = pledge.Item{TopicID: it.TopicID, Content: it.Content}
	}
	return items
}

// deref is the string s points to, or "".
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
