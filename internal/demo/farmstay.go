package demo

import (
	"context"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/demopost"
	"github.com/partyorg/partyorg/ent/farmstaycriterion"
	"github.com/partyorg/partyorg/ent/farmstayopinion"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/plaque"
	"github.com/partyorg/partyorg/internal/convention"
	"github.com/partyorg/partyorg/internal/farmstay"
)

// conventionsAndFarmStays writes the member conventions (党员公约) and
// farm-stay model households (党员农家宾馆示范户) of the demo county
// through the practices' own steps, dated in the past.
func (l *loader) conventionsAndFarmStays(ctx context.Context) error {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	pd := func(s string) *time.Time { t := d(s); return &t }
	county := l.orgs[countyName]
	for _, p := range []convention.Publication{
		{CountyID: county, Sector: org.SectorRural, EffectiveFrom: d("2025-06-01"), Text: "农村党员公约：一、坚定理想信念，听党话跟党走；二、带头勤劳致富，帮带群众增收；三、带头移风易俗，弘扬文明新风；四、带头维护稳定，化解邻里矛盾；五、带头保护环境，建设美丽乡村。"},
		{CountyID: county, Sector: org.SectorRural, EffectiveFrom: d("2026-01-01"), Text: "农村党员公约（2026年修订）：一、坚定理想信念；二、带头勤劳致富；三、带头移风易俗；四、带头维护稳定；五、带头保护环境；六、带头参与乡村旅游诚信经营。"},
		{CountyID: county, Sector: org.SectorCommunity, EffectiveFrom: d("2025-06-01"), Text: "社区党员公约：亮身份、践承诺、办实事、促和谐。"},
		{CountyID: county, Sector: org.SectorAgency, EffectiveFrom: d("2025-06-01"), Text: "机关党员公约：对党忠诚、服务基层、清正廉洁、敢于担当。"},
	} {
		if _, err := convention.Publish(ctx, l.c, p); err != nil {
			return err
		}
	}
	hekou := townships[0]
	for _, pl := range hekou.villages {
		for _, b := range branchNames(hekou.name, pl.name, pl.branches) {
			ms := l.members[b]
			if len(ms) < 3 {
				continue
			}
			if _, err := convention.Record(ctx, l.c, convention.Recital{
				BranchID: l.orgs[b], On: pd("2026-01-15"), AttendeeIDs: ms[:len(ms)-1],
				Absences: []convention.Absence{{MemberID: ms[len(ms)-1], Reason: "外出务工"}},
			}); err != nil {
				return err
			}
			for _, m := range ms[:2] {
				if _, err := convention.IssuePlaque(ctx, l.c, m, plaque.KindHousehold, d("2025-07-01")); err != nil {
					return err
				}
			}
		}
	}
	for _, m := range l.members["青山县委组织部机关党支部"] {
		if _, err := convention.IssuePlaque(ctx, l.c, m, plaque.KindDeskPlate, d("2025-07-01")); err != nil {
			return err
		}
	}
	window := l.members["青山县政务服务中心党支部"]
	dg := branchNames(hekou.name, "东岗村", 2)[0]
	if len(window) == 0 || len(l.members[dg]) == 0 {
		return l.farmStays(ctx, pd)
	}
	if _, err := convention.CreateDemoPost(ctx, l.c, convention.DemoPostSpec{
		OrgID: l.orgs["青山县政务服务中心"], MemberID: window[0],
		Kind: demopost.KindDemonstrationPost, Title: "政务服务窗口党员示范岗",
	}); err != nil {
		return err
	}
	if _, err := convention.CreateDemoPost(ctx, l.c, convention.DemoPostSpec{
		OrgID: l.orgs["东岗村"], MemberID: l.members[dg][0], Kind: demopost.KindResponsibilityZone, Title: "东岗村景区环境党员责任区",
	}); err != nil {
		return err
	}
	return l.farmStays(ctx, pd)
}

// farmStays takes one nomination of 河口镇 to each stage, and one of
// 柳林乡 to rejection by an upheld objection.
func (l *loader) farmStays(ctx context.Context, pd func(string) *time.Time) error {
	var criteria []farmstay.Judgement
	for _, c := range []farmstaycriterion.Criterion{
		farmstaycriterion.CriterionPublicWelfare, farmstaycriterion.CriterionDiscipline, farmstaycriterion.CriterionFairPrices,
		farmstaycriterion.CriterionNewCustoms, farmstaycriterion.CriterionEnvironment, farmstaycriterion.CriterionKindness,
		farmstaycriterion.CriterionGuestsAsFamily, farmstaycriterion.CriterionCommonProsperity,
		farmstaycriterion.CriterionInnovation, farmstaycriterion.CriterionCivilizedTourism,
	} {
		criteria = append(criteria, farmstay.Judgement{Criterion: c, Passed: true})
	}
	var opinions []farmstay.Opinion
	for _, a := range []farmstayopinion.Agency{farmstayopinion.AgencyDiscipline, farmstayopinion.AgencyGovernance,
		farmstayopinion.AgencyPolice, farmstayopinion.AgencyEnvironment, farmstayopinion.AgencyTourism, farmstayopinion.AgencyFoodDrug} {
		opinions = append(opinions, farmstay.Opinion{Agency: a, Favourable: true})
	}
	type stay struct {
		township, village, name, licence string
		stage                            int // 0 recommended, 1 notice, 2 reviewed, 3 approved, 4 rejected
	}
	for _, s := range []stay{
		{"河口镇", "东岗村", "东岗农家乐", "92410000MA001", 3},
		{"河口镇", "杨家庄村", "杨家大院民宿", "92410000MA002", 2},
		{"河口镇", "西沟村", "西沟山居", "92410000MA003", 1},
		{"河口镇", "南坪村", "南坪客栈", "92410000MA004", 0},
		{"柳林乡", "柳树湾村", "柳湾人家", "92410000MA005", 4},
	} {
		ms, err := l.c.Member.Query().
			Where(member.BranchID(l.orgs[l.firstBranch(s.township, s.village)]), member.StatusNEQ(member.StatusActivist)).
			Order(ent.Asc(member.FieldID)).
			IDs(ctx)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			continue
		}
		n, err := farmstay.Nominate(ctx, l.c, farmstay.Nomination{
			MemberID: ms[0], VillageID: l.orgs[s.village], Name: s.name, LicenceNo: s.licence,
			OperatingSince: *pd("2025-03-01"), Criteria: criteria, On: pd("2025-09-15"),
		})
		if err != nil {
			return err
		}
		if s.stage == 0 {
			continue
		}
		if _, err := farmstay.StartNotice(ctx, l.c, n.ID, *pd("2025-09-20"), *pd("2025-09-26"), pd("2025-09-19")); err != nil {
			return err
		}
		switch s.stage {
		case 1:
			if _, err := farmstay.LodgeObjection(ctx, l.c, n.ID, "有群众反映旺季价格偏高，请核实。", pd("2025-09-22")); err != nil {
				return err
			}
			continue
		case 4:
			o, err := farmstay.LodgeObjection(ctx, l.c, n.ID, "该户存在私搭乱建问题。", pd("2025-09-21"))
			if err != nil {
				return err
			}
			_, err = farmstay.ResolveObjection(ctx, l.c, o.ID, true, "经乡镇核实，反映问题属实。", pd("2025-09-30"))
			if err != nil {
				return err
			}
			continue
		}
		if _, err := farmstay.ReviewNomination(ctx, l.c, n.ID, farmstay.Review{Opinions: opinions, Approve: true, On: pd("2025-10-08")}); err != nil {
			return err
		}
		if s.stage == 3 {
			if _, err := farmstay.Approve(ctx, l.c, farmstay.Approval{Batch: "第一批", IDs: []int{n.ID}, On: pd("2025-10-20")}); err != nil {
				return err
			}
		}
	}
	return nil
}

// firstBranch names the first branch of a village.
func (l *loader) firstBranch(township, village string) string {
	for _, t := range townships {
		if t.name != township {
			continue
		}
		for _, v := range t.villages {
			if v.name == village {
				return branchNames(t.name, v.name, v.branches)[0]
			}
		}
	}
	return ""
}
