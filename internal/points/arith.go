// Package points holds the rules of 党员积分化管理 (seed 五, CONTRACT.md
// "Points"): catalogues, the ledger of entries and its review, the
// half-year feedback, the year-end scores, grades and consequences, and
// the rankings over them.
//
// This file is the arithmetic: pure functions of days and entries, so
// that each rule is one table-tested function. The workflows over ent
// call them.
package points

import (
	"fmt"
	"time"

	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/pointitem"
)

// Period is the period "YYYY-MM" that day d falls in: a period runs from
// the 16th of the month before to the 15th of its month (每月15日主题党日
// 登记上月15日至本月15日的积分), so 16 December is in January of the next
// year.
func Period(d time.Time) string {
	y, m, dd := d.Date()
	if dd >= 16 {
		m++
		if m > 12 {
			y, m = y+1, 1
		}
	}
	return fmt.Sprintf("%04d-%02d", y, int(m))
}

// YearOf is the points year a period "YYYY-MM" belongs to.
func YearOf(period string) int {
	var y int
	fmt.Sscanf(period, "%4d", &y)
	return y
}

// HalfOf is the half-year of a period: 1 for periods 01–06, 2 for 07–12.
func HalfOf(period string) int {
	if period[5:] <= "06" {
		return 1
	}
	return 2
}

// HalfPeriods are the first and last periods of a half-year.
func HalfPeriods(year, half int) (from, to string) {
	if half == 1 {
		return fmt.Sprintf("%04d-01", year), fmt.Sprintf("%04d-06", year)
	}
	return fmt.Sprintf("%04d-07", year), fmt.Sprintf("%04d-12", year)
}

// HalfEnd is the last day of a half-year: 15 June or 15 December.
func HalfEnd(year, half int) time.Time {
	return time.Date(year, time.Month(6*half), 15, 0, 0, 0, 0, time.UTC)
}

// YearEnd is the last day of a points year, 15 December.
func YearEnd(year int) time.Time { return HalfEnd(year, 2) }

// Line is what a member's approved entries add up to for one item in a
// year: Count entries net of reversals, Sum their points.
type Line struct {
	Part   pointitem.Part
	Points int  // the item's points per entry
	Cap    *int // the item's yearly cap, if any
	Count  int
	Sum    int
}

// Score is a member's year: annual = base + bonus − deduction, and 0
// when vetoed.
type Score struct {
	Base, Bonus, Deduction int
	Vetoed                 bool
	Total                  int
}

// Compute adds up a member's lines. A BASE item met counts its points
// once, however many entries it has; BONUS and DEDUCTION count every
// entry up to the item's cap; any VETO entry makes the total 0. A total
// may be negative when deductions exceed the rest.
func Compute(lines []Line) Score {
	var s Score
	for _, l := range lines {
		if l.Count <= 0 {
			continue
		}
		switch l.Part {
		case pointitem.PartBase:
			s.Base += l.Points
		case pointitem.PartBonus:
			s.Bonus += capped(l.Sum, l.Cap)
		case pointitem.PartDeduction:
			s.Deduction += capped(l.Sum, l.Cap)
		case pointitem.PartVeto:
			s.Vetoed = true
		}
	}
	if !s.Vetoed {
		s.Total = s.Base + s.Bonus - s.Deduction
	}
	return s
}

func capped(sum int, cap *int) int {
	if cap != nil && sum > *cap {
		return *cap
	}
	return max(sum, 0)
}

// Thresholds are a county's lowest totals for each grade (评定等次).
type Thresholds struct {
	Excellent, Qualified, BasicallyQualified int
}

// DefaultThresholds are CONTRACT.md's defaults: ≥ 110, ≥ 90, ≥ 70.
var DefaultThresholds = Thresholds{Excellent: 110, Qualified: 90, BasicallyQualified: 70}

// Validate requires strictly falling thresholds above 0, so that a
// vetoed member (0) is always UNQUALIFIED.
func (t Thresholds) Validate() error {
	if !(t.Excellent > t.Qualified && t.Qualified > t.BasicallyQualified && t.BasicallyQualified > 0) {
		return fmt.Errorf("grade thresholds must fall strictly and stay above 0: excellent %d > qualified %d > basically qualified %d > 0",
			t.Excellent, t.Qualified, t.BasicallyQualified)
	}
	return nil
}

// Grade of a score; a veto is always UNQUALIFIED.
func (t Thresholds) Grade(s Score) annualresult.Grade {
	switch {
	case s.Vetoed:
		return annualresult.GradeUnqualified
	case s.Total >= t.Excellent:
		return annualresult.GradeExcellent
	case s.Total >= t.Qualified:
		return annualresult.GradeQualified
	case s.Total >= t.BasicallyQualified:
		return annualresult.GradeBasicallyQualified
	}
	return annualresult.GradeUnqualified
}

// Consequence is what a year's result leads to (积分结果运用), as
// CONTRACT.md's enum Consequence names it.
type Consequence string

// Consequences (seed 五(三)).
const (
	ReportVeto          Consequence = "REPORT_VETO"          // 一票否决上报上级党组织
	ExtendProbation     Consequence = "EXTEND_PROBATION"     // 延长预备期
	CancelProbation     Consequence = "CANCEL_PROBATION"     // 取消预备党员资格
	PriorityDevelopment Consequence = "PRIORITY_DEVELOPMENT" // 优先列为发展对象
	CancelActivist      Consequence = "CANCEL_ACTIVIST"      // 取消入党积极分子资格
	TalkAndHelp         Consequence = "TALK_AND_HELP"        // 谈话、教育帮扶
	RecommendAward      Consequence = "RECOMMEND_AWARD"      // 评先推荐对象
)

// ActivistDevelopment is the total at or above which an activist with
// some bonus is a priority development target (年度积分达到100分以上).
const ActivistDevelopment = 100

// Consequences of a member's year. prev is the member's grade the year
// before, nil when it has none.
//
//   - a veto is reported to the level above; it cancels a probationary
//     member's probation and an activist's status;
//   - EXCELLENT: recommended for awards;
//   - BASICALLY_QUALIFIED: a talk and a named helper;
//   - UNQUALIFIED probationary member: probation extended, and the
//     introducer talks and the branch helps;
//   - activist ≥ 100 with some bonus: priority development target;
//     UNQUALIFIED two years running: status cancelled, once: talk and help.
func Consequences(status member.Status, s Score, g annualresult.Grade, prev *annualresult.Grade) []Consequence {
	var out []Consequence
	if s.Vetoed {
		out = append(out, ReportVeto)
		switch status {
		case member.StatusProbationary:
			out = append(out, CancelProbation)
		case member.StatusActivist:
			out = append(out, CancelActivist)
		}
		return out
	}
	switch g {
	case annualresult.GradeExcellent:
		out = append(out, RecommendAward)
	case annualresult.GradeBasicallyQualified:
		out = append(out, TalkAndHelp)
	case annualresult.GradeUnqualified:
		switch {
		case status == member.StatusProbationary:
			out = append(out, ExtendProbation, TalkAndHelp)
		case status == member.StatusActivist && prev != nil && *prev == annualresult.GradeUnqualified:
			out = append(out, CancelActivist)
		case status == member.StatusActivist:
			out = append(out, TalkAndHelp)
		}
	}
	if status == member.StatusActivist && s.Total >= ActivistDevelopment && s.Bonus > 0 {
		out = append(out, PriorityDevelopment)
	}
	return out
}
