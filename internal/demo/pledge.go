package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/pledge"
	"github.com/partyorg/partyorg/ent/pledgeitem"
	"github.com/partyorg/partyorg/ent/pledgetopic"
	"github.com/partyorg/partyorg/internal/day"
	pledges "github.com/partyorg/partyorg/internal/pledge"
)

// demoPledge is a member's pledge (承诺践诺) taken through the steps up
// to state, by the rules of internal/pledge.
type demoPledge struct {
	branch string
	member int // index in the branch
	state  pledge.State
	// lastYear makes it last year's pledge; evaluated ones are.
	lastYear bool
	contents []string
	// results of an evaluated pledge's items; reported quarters otherwise
	// default to every quarter begun, unless overdue.
	results []pledgeitem.Result
	overdue bool
}

var demoPledges = []demoPledge{
	{branch: "河口镇东岗村第一党支部", member: 1, state: pledge.StatePublished, contents: []string{"带头发展花椒种植, 带动五户群众增收", "结对帮扶两户贫困户, 年内实现脱贫"}},
	{branch: "河口镇东岗村第一党支部", member: 1, state: pledge.StateEvaluated, lastYear: true, contents: []string{"带头参与人居环境整治", "协助村委会调解邻里纠纷"}, results: []pledgeitem.Result{pledgeitem.ResultFulfilled, pledgeitem.ResultPartly}},
	{branch: "河口镇东岗村第一党支部", member: 0, state: pledge.StateSubmitted, contents: []string{"落实村两委任职目标责任书", "抓好脱贫攻坚各项任务"}},
	{branch: "河口镇东岗村第一党支部", member: 2, state: pledge.StateDraft, contents: []string{"带头学习农业实用技术"}},
	{branch: "河口镇东岗村第一党支部", member: 3, state: pledge.StateReturned, contents: []string{"做好本职工作"}},
	{branch: "河口镇东岗村第一党支部", member: 4, state: pledge.StateApproved, contents: []string{"带头移风易俗, 婚事新办"}},
	{branch: "河口镇东岗村第一党支部", member: 5, state: pledge.StatePublished, overdue: true, contents: []string{"带领村民修缮村组道路"}},
	{branch: "河口镇东岗村第一党支部", member: 6, state: pledge.StateEvaluated, lastYear: true, contents: []string{"发展林下养殖"}, results: []pledgeitem.Result{pledgeitem.ResultNotFulfilled}},
	{branch: "河口镇滨河社区党支部", member: 2, state: pledge.StatePublished, contents: []string{"每月参加一次社区志愿服务"}},
	{branch: "青山县人民医院内科党支部", member: 0, state: pledge.StateEvaluated, lastYear: true, contents: []string{"改进服务作风, 缩短患者候诊时间", "廉洁行医, 拒收红包"}, results: []pledgeitem.Result{pledgeitem.ResultFulfilled, pledgeitem.ResultFulfilled}},
	{branch: "青山县人民医院内科党支部", member: 1, state: pledge.StatePublished, contents: []string{"提高效能, 开展延时门诊"}},
}

// pledges gives the demo county pledges in every state.
func (l *loader) pledges(ctx context.Context) error {
	// A database migrated by db.Migrate holds the topics already.
	if err := pledges.SeedTopics(ctx, l.c); err != nil {
		return err
	}
	today := day.Today()
	// upTo keeps each step's day in the past early in January.
	upTo := func(d time.Time) *time.Time {
		if d.After(today) {
			d = today
		}
		return &d
	}
	for _, dp := range demoPledges {
		year := today.Year()
		if dp.lastYear {
			year--
		}
		if err := l.pledge(ctx, dp, year, upTo); err != nil {
			return fmt.Errorf("demo: pledge in %s: %w", dp.branch, err)
		}
	}
	return nil
}

func (l *loader) pledge(ctx context.Context, dp demoPledge, year int, upTo func(time.Time) *time.Time) error {
	c := l.c
	branch, err := c.Org.Get(ctx, l.orgs[dp.branch])
	if err != nil {
		return err
	}
	topics, err := c.PledgeTopic.Query().Where(pledgetopic.Sector(string(branch.Sector))).IDs(ctx)
	if err != nil {
		return err
	}
	if len(topics) == 0 {
		return fmt.Errorf("no pledge topics for %s", branch.Sector)
	}
	items := make([]pledges.Item, len(dp.contents))
	for i, content := range dp.contents {
		items[i] = pledges.Item{TopicID: topics[i%len(topics)], Content: content}
	}
	p, err := pledges.Create(ctx, c, pledges.New{MemberID: l.members[dp.branch][dp.member], Year: year, Kind: pledge.KindAnnual, Items: items})
	if err != nil || dp.state == pledge.StateDraft {
		return err
	}
	on := func(m time.Month, d int) *time.Time { return upTo(time.Date(year, m, d, 0, 0, 0, 0, time.UTC)) }
	yes := make([]pledges.Answer, len(pledges.Criteria))
	for i, cr := range pledges.Criteria {
		yes[i] = pledges.Answer{Criterion: cr, OK: true}
	}
	steps := []func() (*ent.Pledge, error){
		func() (*ent.Pledge, error) { return pledges.Submit(ctx, c, p.ID, on(1, 8)) },
		func() (*ent.Pledge, error) {
			if dp.state == pledge.StateReturned {
				no := append([]pledges.Answer(nil), yes...)
				no[2].OK = false // 切合岗位职责
				return pledges.Review(ctx, c, p.ID, pledges.Verdict{Answers: no, Comment: "承诺内容过于笼统, 请结合岗位职责写出具体目标", On: on(1, 10)})
			}
			return pledges.Review(ctx, c, p.ID, pledges.Verdict{Approve: true, Answers: yes, On: on(1, 10)})
		},
		func() (*ent.Pledge, error) {
			return pledges.Publish(ctx, c, p.ID, []string{"BULLETIN_BOARD", "CHAT_GROUP"}, on(1, 12))
		},
	}
	done := map[pledge.State]int{pledge.StateSubmitted: 1, pledge.StateReturned: 2, pledge.StateApproved: 2}
	n, ok := done[dp.state]
	if !ok {
		n = len(steps)
	}
	for _, step := range steps[:n] {
		if p, err = step(); err != nil {
			return err
		}
	}
	if p.State != pledge.StatePublished {
		return nil
	}
	for q := 1; q <= 4 && !dp.overdue; q++ {
		start := pledges.QuarterStart(year, q)
		if start.After(day.Today()) {
			break
		}
		if _, err := pledges.Report(ctx, c, p.ID, q, fmt.Sprintf("第%d季度承诺事项按计划推进", q), upTo(start.AddDate(0, 3, -3))); err != nil {
			return err
		}
	}
	if dp.state != pledge.StateEvaluated {
		return nil
	}
	ids, err := c.PledgeItem.Query().Where(pledgeitem.PledgeID(p.ID)).Order(pledgeitem.ByID()).IDs(ctx)
	if err != nil {
		return err
	}
	results := make([]pledges.ItemResult, len(ids))
	for i, id := range ids {
		results[i] = pledges.ItemResult{ItemID: id, Result: dp.results[i]}
	}
	_, err = pledges.Evaluate(ctx, c, p.ID, pledges.Evaluation{Items: results, On: upTo(time.Date(year+1, 1, 6, 0, 0, 0, 0, time.UTC))})
	return err
}
