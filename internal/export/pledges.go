package export

import (
	"context"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/pledge"
	"github.com/partyorg/partyorg/ent/pledgeitem"
	"github.com/partyorg/partyorg/internal/scope"
)

// Chinese labels of the pledge enums (seed 二).
var (
	pledgeKinds  = map[pledge.Kind]string{pledge.KindAnnual: "年度承诺", pledge.KindTerm: "任职目标承诺"}
	pledgeStates = map[pledge.State]string{
		pledge.StateDraft: "草拟", pledge.StateSubmitted: "待审诺", pledge.StateReturned: "退回修改",
		pledge.StateApproved: "已审诺", pledge.StatePublished: "已公开示诺", pledge.StateEvaluated: "已评诺",
	}
	pledgeResults = map[pledgeitem.Result]string{
		pledgeitem.ResultFulfilled: "已兑现", pledgeitem.ResultPartly: "部分兑现", pledgeitem.ResultNotFulfilled: "未兑现",
	}
	channels = map[string]string{
		"BULLETIN_BOARD": "公开栏", "INTRANET": "内网", "BRIEFING": "简报", "SCREEN": "电子屏",
		"ACTIVITY_ROOM": "活动室", "CHAT_GROUP": "微信群",
	}
)

// pledges is a year's pledges under the org (承诺践诺): one row per
// pledge with its step and how its items were judged (承诺书), and one
// row per item (承诺事项). The caller sees the pledges its role reads:
// a VIEWER and an ORG_ADMIN every step, drafts included.
var pledges = Table{
	Type:   ent.TypePledge,
	Sheets: []Sheet{pledgeSheet, pledgeItemSheet},
}

var pledgeSheet = Sheet{
	Key:  "pledges",
	Name: "承诺书",
	Columns: []Column{
		{"姓名", 12}, {"所在党支部", 30}, {"承诺类型", 14}, {"状态", 12}, {"承诺事项数", 10},
		{"已兑现", 8}, {"部分兑现", 8}, {"未兑现", 8}, {"提交日期", 12}, {"公开日期", 12},
		{"示诺载体", 24}, {"评诺日期", 12},
	},
	Rows: func(ctx context.Context, c *ent.Client, o *ent.Org, year int, emit Emit) error {
		return eachPledge(ctx, c, o, year, func(p *ent.Pledge) error {
			results := map[pledgeitem.Result]int{}
			for _, it := range p.Edges.Items {
				if it.Result != nil {
					results[*it.Result]++
				}
			}
			return emit(p.MemberName, orgName(p.Edges.Branch), label(pledgeKinds, p.Kind), label(pledgeStates, p.State),
				len(p.Edges.Items), results[pledgeitem.ResultFulfilled], results[pledgeitem.ResultPartly],
				results[pledgeitem.ResultNotFulfilled], optDate(p.SubmittedOn), optDate(p.PublishedOn),
				labels(channels, p.Channels), optDate(p.EvaluatedOn))
		})
	},
}

var pledgeItemSheet = Sheet{
	Key:  "items",
	Name: "承诺事项",
	Columns: []Column{
		{"姓名", 12}, {"所在党支部", 30}, {"承诺类型", 14}, {"状态", 12}, {"承诺方向", 20},
		{"承诺内容", 50}, {"践诺结果", 10},
	},
	Rows: func(ctx context.Context, c *ent.Client, o *ent.Org, year int, emit Emit) error {
		return eachPledge(ctx, c, o, year, func(p *ent.Pledge) error {
			for _, it := range p.Edges.Items {
				topic, result := "", ""
				if it.Edges.Topic != nil {
					topic = it.Edges.Topic.Title
				}
				if it.Result != nil {
					result = label(pledgeResults, *it.Result)
				}
				err := emit(p.MemberName, orgName(p.Edges.Branch), label(pledgeKinds, p.Kind), label(pledgeStates, p.State),
					topic, it.Content, result)
				if err != nil {
					return err
				}
			}
			return nil
		})
	},
}

// eachPledge calls each for the year's pledges under the org with their
// branch and items (and the items' topics), a page of pledges at a time.
func eachPledge(ctx context.Context, c *ent.Client, o *ent.Org, year int, each func(*ent.Pledge) error) error {
	under := scope.RowsUnder(pledge.FieldBranchID, o.Path)
	return keyset(ctx, func(ctx context.Context, after int) ([]*ent.Pledge, error) {
		return c.Pledge.Query().
			Where(under, pledge.Year(year), pledge.IDGT(after)).
			Order(ent.Asc(pledge.FieldID)).
			Limit(page).
			WithBranch().
			WithItems(func(q *ent.PledgeItemQuery) { q.WithTopic().Order(ent.Asc(pledgeitem.FieldID)) }).
			All(ctx)
	}, func(p *ent.Pledge) int { return p.ID }, func(ps []*ent.Pledge) error {
		for _, p := range ps {
			if err := each(p); err != nil {
				return err
			}
		}
		return nil
	})
}
