package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/partyorg/partyorg/ent/helppairing"
	"github.com/partyorg/partyorg/ent/helprecord"
	"github.com/partyorg/partyorg/ent/jointactivity"
	"github.com/partyorg/partyorg/ent/poorhousehold"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/pairing"
)

// demoPairs are the branch pairings (支部结对共联建): a county unit's
// branch with a village or community branch. The hospital's branch and
// 东岗村's first branch have demo accounts on both sides.
var demoPairs = []struct{ unit, village string }{
	{"青山县人民医院内科党支部", "河口镇东岗村第一党支部"},
	{"青山县委组织部机关党支部", "河口镇西沟村党支部"},
	{"青山县财政局机关党支部", "柳林乡柳树湾村党支部"},
	{"国网青山县供电公司党支部", "石桥镇石门村党支部"},
}

// demoHouseholds are the poor households (贫困户) by village.
var demoHouseholds = map[string][]string{
	"东岗村":  {"赵长顺", "钱桂兰", "孙富贵", "周满仓"},
	"西沟村":  {"吴老栓", "郑秀珍", "冯有田"},
	"柳树湾村": {"陈二牛", "褚金花", "卫大山"},
}

// pairings loads the pairing practices through internal/pairing, so that
// its rules hold for the demo too: branch pairings with joint
// activities, poor households with helpers and help records, and two
// county-level leaders for last year, one of whom meets the monthly
// quotas in November and misses them in December.
func (l *loader) pairings(ctx context.Context) error {
	today := day.Today()
	ago := func(days int) *time.Time { d := today.AddDate(0, 0, -days); return &d }
	for i, p := range demoPairs {
		unit := l.orgs[p.unit]
		bp, err := pairing.CreateBranchPairing(ctx, l.c, pairing.NewBranchPairing{
			UnitBranchID: unit, VillageBranchID: l.orgs[p.village], ResponsibleID: l.members[p.unit][1], StartOn: ago(400),
		})
		if err != nil {
			return fmt.Errorf("demo: pairing %s: %w", p.unit, err)
		}
		for j, a := range []struct {
			area  jointactivity.Area
			title string
		}{
			{jointactivity.AreaOrganizationBuilding, "支部标准化建设交流"},
			{jointactivity.AreaMemberEducation, "联合主题党日"},
			{jointactivity.AreaTalent, "农村实用人才培训"},
		}[:2+i%2] {
			if _, err := pairing.RecordJointActivity(ctx, l.c, pairing.NewJointActivity{
				PairingID: bp.ID, Area: a.area, On: ago(300 - 60*j), Title: a.title,
				Participants: []string{"两支部全体党员"}, Outcome: "形成共建清单",
			}); err != nil {
				return err
			}
		}
	}

	villages := []string{"东岗村", "西沟村", "柳树湾村"}
	households := map[string][]int{}
	for _, village := range villages {
		for i, head := range demoHouseholds[village] {
			h, err := pairing.CreatePoorHousehold(ctx, l.c, pairing.NewPoorHousehold{
				VillageID: l.orgs[village], Head: head, Size: 2 + i%4, On: ago(700),
			})
			if err != nil {
				return fmt.Errorf("demo: household %s: %w", head, err)
			}
			households[village] = append(households[village], h.ID)
		}
	}
	lifted := households["西沟村"][0]
	if _, err := pairing.SetHouseholdStatus(ctx, l.c, lifted, poorhousehold.StatusLiftedOut, ago(200)); err != nil {
		return err
	}
	if _, err := pairing.SetHouseholdStatus(ctx, l.c, households["柳树湾村"][1], poorhousehold.StatusRelapseRisk, ago(90)); err != nil {
		return err
	}
	prob, err := pairing.RaiseHouseholdProblem(ctx, l.c, households["东岗村"][0], "缺少果树苗木和种植技术", ago(120))
	if err != nil {
		return err
	}
	if _, err := pairing.SolveHouseholdProblem(ctx, l.c, prob.ID, "协调农技站送苗并培训", ago(100)); err != nil {
		return err
	}
	if _, err := pairing.RaiseHouseholdProblem(ctx, l.c, households["东岗村"][1], "孩子上学路远", ago(30)); err != nil {
		return err
	}

	// Members of each village's branch help its households (结对帮扶), with
	// help of each kind (扶志 扶能 扶业).
	helpers := map[string]string{"东岗村": "河口镇东岗村第一党支部", "西沟村": "河口镇西沟村党支部", "柳树湾村": "柳林乡柳树湾村党支部"}
	kinds := []struct {
		kind helprecord.Kind
		text string
	}{
		{helprecord.KindAmbition, "上门谈心，鼓励发展生产"},
		{helprecord.KindSkills, "带去参加养殖技术培训"},
		{helprecord.KindIndustry, "联系合作社收购农产品"},
	}
	for _, village := range villages {
		ms := l.members[helpers[village]]
		for i, h := range households[village] {
			m := ms[2+i%2]
			if _, err := pairing.PairHousehold(ctx, l.c, m, h, ago(500)); err != nil {
				return fmt.Errorf("demo: pairing household: %w", err)
			}
			p, err := l.c.HelpPairing.Query().Where(helppairing.MemberID(m), helppairing.HouseholdID(h)).Only(ctx)
			if err != nil {
				return err
			}
			k := kinds[i%len(kinds)]
			if _, err := pairing.RecordHelp(ctx, l.c, pairing.NewHelpRecord{PairingID: p.ID, Kind: k.kind, On: ago(60 + 10*i), Text: k.text}); err != nil {
				return err
			}
		}
	}

	// County-level leaders (县处级领导干部) for last year.
	year := today.Year() - 1
	on := func(m time.Month, d int) *time.Time { t := time.Date(year, m, d, 0, 0, 0, 0, time.UTC); return &t }
	dg := households["东岗村"]
	a, err := pairing.AssignLeader(ctx, l.c, pairing.NewLeaderAssignment{
		LeaderID: l.members["青山县委组织部机关党支部"][0], Year: year,
		TownshipID: l.orgs["河口镇"], VillageID: l.orgs["东岗村"], HouseholdIDs: dg[:2],
	})
	if err != nil {
		return fmt.Errorf("demo: leader: %w", err)
	}
	for _, v := range []pairing.NewLeaderVisit{
		// November meets the quotas: two visits, two households and a problem each.
		{On: on(time.November, 6), HouseholdIDs: dg[:2], ProblemsSolved: 1, Place: "东岗村", Note: "察看果园，协调苗木"},
		{On: on(time.November, 20), HouseholdIDs: dg[1:3], ProblemsSolved: 2, Place: "东岗村", Note: "落实教育补助"},
		// December misses them: one visit, one household, nothing solved.
		{On: on(time.December, 12), HouseholdIDs: dg[3:4], ProblemsSolved: 0, Place: "河口镇", Note: "了解冬季取暖"},
	} {
		v.AssignmentID = a.ID
		if _, err := pairing.RecordLeaderVisit(ctx, l.c, v); err != nil {
			return fmt.Errorf("demo: visit: %w", err)
		}
	}
	if _, err := pairing.AssignLeader(ctx, l.c, pairing.NewLeaderAssignment{
		LeaderID: l.members["青山县财政局机关党支部"][0], Year: year,
		TownshipID: l.orgs["柳林乡"], VillageID: l.orgs["柳树湾村"], HouseholdIDs: households["柳树湾村"][:1],
	}); err != nil {
		return fmt.Errorf("demo: leader: %w", err)
	}
	return nil
}
