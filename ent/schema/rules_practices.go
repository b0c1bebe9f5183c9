package schema

// Hooks of the convention and farm-stay types (issue 10): each row hangs
// on an org of the right kind, whoever writes it.

import (
	"entgo.io/ent"

	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/orgtree"
)

// Hooks of FarmStayNomination: nominations belong to a village.
func (FarmStayNomination) Hooks() []ent.Hook {
	return []ent.Hook{orgtree.InKind("village_id", org.KindVillage)}
}

// Hooks of Convention: conventions belong to a county.
func (Convention) Hooks() []ent.Hook {
	return []ent.Hook{orgtree.InKind("county_id", org.KindCounty)}
}

// Hooks of Recitation: branches recite.
func (Recitation) Hooks() []ent.Hook {
	return []ent.Hook{orgtree.InKind("branch_id", org.KindBranch)}
}

// Hooks of Plaque: plaques belong to the holder's branch.
func (Plaque) Hooks() []ent.Hook {
	return []ent.Hook{orgtree.InKind("branch_id", org.KindBranch)}
}
