package export

import (
	"context"
	"strings"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/helppairing"
	"github.com/partyorg/partyorg/ent/poorhousehold"
	"github.com/partyorg/partyorg/internal/scope"
)

var householdStatuses = map[poorhousehold.Status]string{
	poorhousehold.StatusPoor: "贫困", poorhousehold.StatusLiftedOut: "已脱贫", poorhousehold.StatusRelapseRisk: "返贫风险",
}

// households lists the poor households of the villages under the org
// (贫困户) with the members who help them (结对帮扶): the register as it
// stands, whatever the year. A township the caller cannot see (a
// village's ORG_ADMIN) shows empty.
var households = Table{
	Type: ent.TypePoorHousehold,
	Sheets: []Sheet{{
		Key:  "households",
		Name: "贫困户",
		Columns: []Column{
			{"户主姓名", 12}, {"家庭人口", 8}, {"贫困状态", 10}, {"状态变更日期", 12}, {"所在村(社区)", 24},
			{"所属乡镇", 16}, {"帮扶党员人数", 12}, {"帮扶党员", 30},
		},
		Rows: func(ctx context.Context, c *ent.Client, o *ent.Org, _ int, emit Emit) error {
			under := scope.RowsUnder(poorhousehold.FieldVillageID, o.Path)
			return keyset(ctx, func(ctx context.Context, after int) ([]*ent.PoorHousehold, error) {
				return c.PoorHousehold.Query().
					Where(under, poorhousehold.IDGT(after)).
					Order(ent.Asc(poorhousehold.FieldID)).
					Limit(page).
					WithVillage(func(q *ent.OrgQuery) { q.WithParent() }).
					WithHelpPairings(func(q *ent.HelpPairingQuery) {
						q.Select(helppairing.FieldHouseholdID, helppairing.FieldMemberName).Order(ent.Asc(helppairing.FieldID))
					}).
					All(ctx)
			}, func(h *ent.PoorHousehold) int { return h.ID }, func(hs []*ent.PoorHousehold) error {
				for _, h := range hs {
					var township *ent.Org
					if h.Edges.Village != nil {
						township = h.Edges.Village.Edges.Parent
					}
					helpers := make([]string, len(h.Edges.HelpPairings))
					for i, p := range h.Edges.HelpPairings {
						helpers[i] = p.MemberName
					}
					err := emit(h.Head, h.Size, label(householdStatuses, h.Status), Date(h.StatusOn),
						orgName(h.Edges.Village), orgName(township), len(helpers), strings.Join(helpers, "、"))
					if err != nil {
						return err
					}
				}
				return nil
			})
		},
	}},
}
