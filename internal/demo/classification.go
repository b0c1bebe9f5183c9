package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/carefundentry"
	"github.com/partyorg/partyorg/ent/contactlog"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/trainingrecord"
	"github.com/partyorg/partyorg/ent/welfarepost"
	"github.com/partyorg/partyorg/internal/classification"
	"github.com/partyorg/partyorg/internal/day"
)

// Demo data of member classification (党员分类管理): posts held and vacant,
// skills (and members without), training, mobile members with and without
// recent contact, elderly members with help cards and visits (and some
// not visited this month), and each township's care fund with donations,
// disbursements and a reversal. Choices follow the members' order, so a
// load is the same every time (relative to today).

var (
	demoPostKinds = []welfarepost.Kind{
		welfarepost.KindPOLICY_PUBLICITY, welfarepost.KindWEALTH_DEMONSTRATION, welfarepost.KindDISPUTE_MEDIATION,
		welfarepost.KindENVIRONMENT, welfarepost.KindPUBLIC_OPINION, welfarepost.KindCULTURE_SPORTS,
		welfarepost.KindCONVENIENCE_SERVICE,
	}
	demoContactKinds = []contactlog.Kind{contactlog.KindTHOUGHT_REPORT, contactlog.KindCHECK_IN, contactlog.KindREMOTE_ACTIVITY}
	demoPostDuties   = map[welfarepost.Kind]string{
		welfarepost.KindPOLICY_PUBLICITY:     "宣讲惠农政策和法律法规",
		welfarepost.KindWEALTH_DEMONSTRATION: "带头发展特色种养, 带动农户增收",
		welfarepost.KindDISPUTE_MEDIATION:    "调解邻里和家庭矛盾纠纷",
		welfarepost.KindENVIRONMENT:          "负责村道和公共区域环境卫生",
		welfarepost.KindPUBLIC_OPINION:       "收集群众意见建议, 及时上报",
		welfarepost.KindCULTURE_SPORTS:       "组织广场舞和农民运动会",
		welfarepost.KindCONVENIENCE_SERVICE:  "代办社保医保和证照业务",
	}
	demoSkills       = []string{"果树修剪", "家禽养殖", "电工维修", "农机驾驶", "食用菌种植", "电商直播", "茶叶加工", "泥瓦工"}
	demoDestinations = []string{"广东省东莞市", "浙江省杭州市", "江苏省苏州市", "上海市", "福建省厦门市"}
)

func loadClassification(ctx context.Context, c *ent.Client) error {
	branches, err := c.Org.Query().
		Where(org.KindEQ(org.KindBranch), org.HasParentWith(org.KindIn(org.KindVillage, org.KindCommunity))).
		Order(ent.Asc(org.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	today := day.Today()
	posts, mobiles, elderly := 0, 0, 0
	cadres := map[int]int{} // a cadre per village, the mobile members' contact
	for _, b := range branches {
		ms, err := c.Member.Query().Where(member.BranchID(b.ID)).Order(ent.Asc(member.FieldID)).All(ctx)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Category != nil && *m.Category == member.CategoryInOfficeCadre && cadres[b.ParentID] == 0 {
				cadres[b.ParentID] = m.ID
			}
		}
		var helper int
		for i, m := range ms {
			if m.Category == nil {
				continue
			}
			switch *m.Category {
			case member.CategoryAtHomeNoPost:
				if helper == 0 {
					helper = m.ID
				}
				if i%3 != 2 {
					skills := []string{demoSkills[(m.ID)%len(demoSkills)]}
					if i%2 == 0 {
						skills = append(skills, demoSkills[(m.ID+3)%len(demoSkills)])
					}
					if _, err := classification.SetSkills(ctx, c, m.ID, skills); err != nil {
						return err
					}
				}
				if i%2 == 0 {
					kind := demoPostKinds[posts%len(demoPostKinds)]
					posts++
					holder := m.ID
					start := today.AddDate(0, -6, 0)
					end := start.AddDate(3, 0, -1)
					if _, err := classification.CreateWelfarePost(ctx, c, classification.CreateWelfarePostInput{
						BranchID: b.ID, Kind: kind, Duty: demoPostDuties[kind], HolderID: &holder, TermStart: &start, TermEnd: &end,
					}); err != nil {
						return fmt.Errorf("demo: post: %w", err)
					}
				}
			case member.CategoryMobile:
				contact := cadres[b.ParentID]
				if contact == 0 {
					continue
				}
				mobiles++
				left := today.AddDate(0, 0, -30-mobiles*7%300)
				if _, err := classification.RegisterDeparture(ctx, c, classification.RegisterDepartureInput{
					MemberID: m.ID, Destination: demoDestinations[mobiles%len(demoDestinations)], LeftOn: &left, ContactID: contact,
				}); err != nil {
					return fmt.Errorf("demo: departure: %w", err)
				}
				// Two in three keep in touch; the last contact of every
				// other one is old.
				if mobiles%3 == 0 {
					continue
				}
				on := today.AddDate(0, 0, -mobiles%20)
				if mobiles%2 == 0 {
					on = left.AddDate(0, 0, 7)
				}
				if _, err := classification.LogContact(ctx, c, classification.LogContactInput{
					MemberID: m.ID, On: &on, Kind: demoContactKinds[mobiles%3], Channel: ptr("微信"),
				}); err != nil {
					return fmt.Errorf("demo: contact: %w", err)
				}
			case member.CategoryElderlyInfirm:
				if helper == 0 {
					continue
				}
				elderly++
				if _, err := classification.IssueHelpCard(ctx, c, classification.IssueHelpCardInput{
					MemberID: m.ID, Needs: "代购药品, 打扫庭院, 陪同就医", HelperID: helper,
				}); err != nil {
					return fmt.Errorf("demo: help card: %w", err)
				}
				// Visited before; two in three this month too.
				days := []time.Time{today.AddDate(0, 0, -35)}
				if elderly%3 != 0 {
					days = append(days, today.AddDate(0, 0, 1-today.Day()))
				}
				for _, d := range days {
					if _, err := classification.RecordVisit(ctx, c, classification.RecordVisitInput{
						MemberID: m.ID, On: &d, Findings: ptr("身体状况稳定"), ProblemsSolved: ptr("帮助申请了医疗救助"),
					}); err != nil {
						return fmt.Errorf("demo: visit: %w", err)
					}
				}
			}
			if i == 0 {
				on := today.AddDate(0, -2, 0)
				if _, err := classification.RecordTraining(ctx, c, classification.RecordTrainingInput{
					MemberID: m.ID, Course: "学习贯彻党的二十大精神", Level: trainingrecord.LevelTOWNSHIP, On: &on, Hours: 4,
				}); err != nil {
					return err
				}
			}
		}
		// Every third branch also has a vacant post.
		if b.ID%3 == 0 {
			kind := demoPostKinds[(posts+3)%len(demoPostKinds)]
			if _, err := classification.CreateWelfarePost(ctx, c, classification.CreateWelfarePostInput{
				BranchID: b.ID, Kind: kind, Duty: demoPostDuties[kind],
			}); err != nil {
				return fmt.Errorf("demo: vacant post: %w", err)
			}
		}
	}
	return loadCareFunds(ctx, c)
}

// loadCareFunds gives each township a care fund: donations, disbursements
// to its elderly members, and a reversed duplicate payment.
func loadCareFunds(ctx context.Context, c *ent.Client) error {
	townships, err := c.Org.Query().Where(org.KindEQ(org.KindTownship)).Order(ent.Asc(org.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	today := day.Today()
	for _, t := range townships {
		for i, donor := range []string{"县慈善总会", "返乡企业家 " + t.Name + "商会", "机关党员捐款"} {
			on := today.AddDate(0, -3+i, 0)
			if _, err := classification.Donate(ctx, c, classification.DonateToCareFundInput{
				FundOrgID: t.ID, AmountFen: int64(200000 + 50000*i), Donor: donor, On: &on,
			}); err != nil {
				return fmt.Errorf("demo: donation: %w", err)
			}
		}
		old, err := c.Member.Query().
			Where(member.CategoryEQ(member.CategoryElderlyInfirm), member.HasBranchWith(org.PathHasPrefix(t.Path))).
			Order(ent.Asc(member.FieldID)).Limit(2).All(ctx)
		if err != nil {
			return err
		}
		var last *ent.CareFundEntry
		for _, m := range old {
			on := today.AddDate(0, 0, -14)
			if last, err = classification.Disburse(ctx, c, classification.DisburseCareFundInput{
				FundOrgID: t.ID, MemberID: m.ID, AmountFen: 50000, Reason: "住院医疗补助", On: &on,
			}); err != nil {
				return fmt.Errorf("demo: disbursement: %w", err)
			}
		}
		if last != nil && last.Kind == carefundentry.KindDISBURSEMENT {
			if _, err := classification.Reverse(ctx, c, last.ID, "重复发放, 冲正", nil); err != nil {
				return fmt.Errorf("demo: reversal: %w", err)
			}
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
