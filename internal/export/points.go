package export

import (
	"context"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/pointitem"
	"github.com/partyorg/partyorg/internal/points"
	"github.com/partyorg/partyorg/internal/scope"
)

// Chinese labels of the points enums (seed 五).
var (
	parts = map[pointitem.Part]string{
		pointitem.PartBase: "基础积分", pointitem.PartBonus: "贡献加分",
		pointitem.PartDeduction: "违规扣分", pointitem.PartVeto: "一票否决",
	}
	sources = map[pointentry.Source]string{
		pointentry.SourceSelfDeclared: "个人申报", pointentry.SourceBranchRecorded: "支部记录",
		pointentry.SourceMassCertified: "群众证实",
	}
	entryStates = map[pointentry.State]string{
		pointentry.StateDeclared: "待审核", pointentry.StateApproved: "已通过", pointentry.StateRejected: "未通过",
	}
	grades = map[annualresult.Grade]string{
		annualresult.GradeExcellent: "优秀", annualresult.GradeQualified: "合格",
		annualresult.GradeBasicallyQualified: "基本合格", annualresult.GradeUnqualified: "不合格",
	}
	consequences = map[points.Consequence]string{
		points.ReportVeto: "一票否决上报", points.ExtendProbation: "延长预备期",
		points.CancelProbation: "取消预备党员资格", points.PriorityDevelopment: "优先列为发展对象",
		points.CancelActivist: "取消入党积极分子资格", points.TalkAndHelp: "谈话教育帮扶",
		points.RecommendAward: "评先推荐对象",
	}
)

// pointsTable is a year of points under the org (党员积分): the ledger,
// entry by entry in every state (积分明细, for checking what was
// declared and reviewed), and the members' closed annual results
// (年度评定, what the county ranks and acts on). A member who has left
// the caller's scope since shows without a name: entries do not copy it.
var pointsTable = Table{
	Type:   ent.TypePointEntry,
	Sheets: []Sheet{pointEntries, annualResults},
}

var pointEntries = Sheet{
	Key:  "entries",
	Name: "积分明细",
	Columns: []Column{
		{"姓名", 12}, {"所在党支部", 30}, {"积分月度", 10}, {"发生日期", 12}, {"积分类别", 10},
		{"积分项目", 40}, {"分值", 6}, {"积分方式", 10}, {"审核状态", 10}, {"审核日期", 12}, {"理由", 30},
	},
	Rows: func(ctx context.Context, c *ent.Client, o *ent.Org, year int, emit Emit) error {
		under := scope.RowsUnder(pointentry.FieldBranchID, o.Path)
		return keyset(ctx, func(ctx context.Context, after int) ([]*ent.PointEntry, error) {
			return c.PointEntry.Query().
				Where(under, pointentry.Year(year), pointentry.IDGT(after)).
				Order(ent.Asc(pointentry.FieldID)).
				Limit(page).
				WithMember(selectName).
				WithBranch().
				All(ctx)
		}, func(e *ent.PointEntry) int { return e.ID }, func(es []*ent.PointEntry) error {
			for _, e := range es {
				err := emit(memberName(e.Edges.Member), orgName(e.Edges.Branch), e.Period, Date(e.OccurredOn),
					label(parts, pointitem.Part(e.Part)), e.ItemTitle, e.Points, label(sources, e.Source),
					label(entryStates, e.State), optDate(e.ReviewedOn), e.Reason)
				if err != nil {
					return err
				}
			}
			return nil
		})
	},
}

var annualResults = Sheet{
	Key:  "results",
	Name: "年度评定",
	Columns: []Column{
		{"姓名", 12}, {"所在党支部", 30}, {"党员状态", 14}, {"基础积分", 10}, {"贡献加分", 10},
		{"违规扣分", 10}, {"一票否决", 10}, {"年度积分", 10}, {"评定等次", 10}, {"结果运用", 36},
	},
	Rows: func(ctx context.Context, c *ent.Client, o *ent.Org, year int, emit Emit) error {
		under := scope.RowsUnder(annualresult.FieldBranchID, o.Path)
		return keyset(ctx, func(ctx context.Context, after int) ([]*ent.AnnualResult, error) {
			return c.AnnualResult.Query().
				Where(under, annualresult.Year(year), annualresult.IDGT(after)).
				Order(ent.Asc(annualresult.FieldID)).
				Limit(page).
				WithMember(selectName).
				WithBranch().
				All(ctx)
		}, func(r *ent.AnnualResult) int { return r.ID }, func(rs []*ent.AnnualResult) error {
			for _, r := range rs {
				vetoed := "否"
				if r.Vetoed {
					vetoed = "是"
				}
				cs := make([]points.Consequence, len(r.Consequences))
				for i, s := range r.Consequences {
					cs[i] = points.Consequence(s)
				}
				err := emit(memberName(r.Edges.Member), orgName(r.Edges.Branch), label(statuses, member.Status(r.Status)),
					r.Base, r.Bonus, r.Deduction, vetoed, r.Total, label(grades, r.Grade), labels(consequences, cs))
				if err != nil {
					return err
				}
			}
			return nil
		})
	},
}

// selectName loads only what a row shows of a member: its name.
func selectName(q *ent.MemberQuery) { q.Select(member.FieldName) }

func memberName(m *ent.Member) string {
	if m == nil {
		return ""
	}
	return m.Name
}
