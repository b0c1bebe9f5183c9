package points_test

import (
	"slices"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/pointitem"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/points"
)

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := day.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPeriod(t *testing.T) {
	for _, tc := range []struct {
		day, period string
		year, half  int
	}{
		{"2026-03-15", "2026-03", 2026, 1},
		{"2026-03-16", "2026-04", 2026, 1},
		{"2026-01-01", "2026-01", 2026, 1},
		{"2025-12-15", "2025-12", 2025, 2},
		{"2025-12-16", "2026-01", 2026, 1},
		{"2025-12-31", "2026-01", 2026, 1},
		{"2026-02-28", "2026-03", 2026, 1},
		{"2024-02-29", "2024-03", 2024, 1},
		{"2026-02-15", "2026-02", 2026, 1},
		{"2026-06-15", "2026-06", 2026, 1},
		{"2026-06-16", "2026-07", 2026, 2},
	} {
		p := points.Period(mustDay(t, tc.day))
		if p != tc.period || points.YearOf(p) != tc.year || points.HalfOf(p) != tc.half {
			t.Errorf("%s: period %s year %d half %d; want %s %d %d", tc.day, p, points.YearOf(p), points.HalfOf(p), tc.period, tc.year, tc.half)
		}
	}
	if got := day.Format(points.HalfEnd(2026, 1)); got != "2026-06-15" {
		t.Errorf("HalfEnd(2026, 1) = %s", got)
	}
	if got := day.Format(points.YearEnd(2026)); got != "2026-12-15" {
		t.Errorf("YearEnd(2026) = %s", got)
	}
	if from, to := points.HalfPeriods(2026, 2); from != "2026-07" || to != "2026-12" {
		t.Errorf("HalfPeriods(2026, 2) = %s..%s", from, to)
	}
}

func ptr(i int) *int { return &i }

func TestCompute(t *testing.T) {
	base := func(pts, count int) points.Line {
		return points.Line{Part: pointitem.PartBase, Points: pts, Count: count, Sum: pts * count}
	}
	line := func(part pointitem.Part, pts int, cap *int, count int) points.Line {
		return points.Line{Part: part, Points: pts, Cap: cap, Count: count, Sum: pts * count}
	}
	for _, tc := range []struct {
		name  string
		lines []points.Line
		want  points.Score
	}{
		{"nothing", nil, points.Score{}},
		{"base counted once", []points.Line{base(60, 3), base(40, 1)}, points.Score{Base: 100, Total: 100}},
		{"base item not met", []points.Line{base(60, 1), base(40, 0)}, points.Score{Base: 60, Total: 60}},
		{"base reversed to nothing", []points.Line{{Part: pointitem.PartBase, Points: 40, Count: 0, Sum: 0}}, points.Score{}},
		{"bonus below cap", []points.Line{base(100, 1), line(pointitem.PartBonus, 5, ptr(20), 3)}, points.Score{Base: 100, Bonus: 15, Total: 115}},
		{"bonus at cap", []points.Line{base(100, 1), line(pointitem.PartBonus, 5, ptr(20), 4)}, points.Score{Base: 100, Bonus: 20, Total: 120}},
		{"bonus over cap", []points.Line{base(100, 1), line(pointitem.PartBonus, 5, ptr(20), 5)}, points.Score{Base: 100, Bonus: 20, Total: 120}},
		{"bonus without cap", []points.Line{line(pointitem.PartBonus, 5, nil, 30)}, points.Score{Bonus: 150, Total: 150}},
		{"caps per item", []points.Line{line(pointitem.PartBonus, 5, ptr(10), 3), line(pointitem.PartBonus, 3, ptr(10), 3)}, points.Score{Bonus: 19, Total: 19}},
		{"deduction within cap", []points.Line{base(100, 1), line(pointitem.PartDeduction, 10, ptr(30), 4)}, points.Score{Base: 100, Deduction: 30, Total: 70}},
		{"deductions beyond the base", []points.Line{base(40, 1), line(pointitem.PartDeduction, 20, nil, 3)}, points.Score{Base: 40, Deduction: 60, Total: -20}},
		{"negative total", []points.Line{line(pointitem.PartDeduction, 5, nil, 1)}, points.Score{Deduction: 5, Total: -5}},
		{"reversal nets out", []points.Line{{Part: pointitem.PartBonus, Points: 5, Count: 1, Sum: 5}}, points.Score{Bonus: 5, Total: 5}},
		{"veto makes 0", []points.Line{base(100, 1), line(pointitem.PartBonus, 5, nil, 4), line(pointitem.PartVeto, 0, nil, 1)},
			points.Score{Base: 100, Bonus: 20, Vetoed: true, Total: 0}},
		{"reversed veto", []points.Line{base(100, 1), line(pointitem.PartVeto, 0, nil, 0)}, points.Score{Base: 100, Total: 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := points.Compute(tc.lines); got != tc.want {
				t.Fatalf("Compute = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestGrade(t *testing.T) {
	th := points.DefaultThresholds
	for _, tc := range []struct {
		total  int
		vetoed bool
		want   annualresult.Grade
	}{
		{110, false, annualresult.GradeExcellent},
		{109, false, annualresult.GradeQualified},
		{90, false, annualresult.GradeQualified},
		{89, false, annualresult.GradeBasicallyQualified},
		{70, false, annualresult.GradeBasicallyQualified},
		{69, false, annualresult.GradeUnqualified},
		{-5, false, annualresult.GradeUnqualified},
		{0, true, annualresult.GradeUnqualified},
	} {
		if got := th.Grade(points.Score{Total: tc.total, Vetoed: tc.vetoed}); got != tc.want {
			t.Errorf("grade of %d (vetoed %v) = %s, want %s", tc.total, tc.vetoed, got, tc.want)
		}
	}
	custom := points.Thresholds{Excellent: 120, Qualified: 100, BasicallyQualified: 80}
	if got := custom.Grade(points.Score{Total: 110}); got != annualresult.GradeQualified {
		t.Errorf("county thresholds: 110 = %s, want QUALIFIED", got)
	}
	for _, bad := range []points.Thresholds{{110, 110, 70}, {110, 90, 0}, {90, 110, 70}} {
		if bad.Validate() == nil {
			t.Errorf("thresholds %+v accepted", bad)
		}
	}
	if th.Validate() != nil {
		t.Error("default thresholds refused")
	}
}

func TestConsequences(t *testing.T) {
	unq := annualresult.GradeUnqualified
	qual := annualresult.GradeQualified
	th := points.DefaultThresholds
	for _, tc := range []struct {
		name   string
		status member.Status
		score  points.Score
		prev   *annualresult.Grade
		want   []points.Consequence
	}{
		{"full excellent", member.StatusFull, points.Score{Base: 100, Bonus: 10, Total: 110}, nil, []points.Consequence{points.RecommendAward}},
		{"full qualified", member.StatusFull, points.Score{Total: 90}, nil, nil},
		{"full basically qualified", member.StatusFull, points.Score{Total: 89}, nil, []points.Consequence{points.TalkAndHelp}},
		{"full unqualified", member.StatusFull, points.Score{Total: 69}, nil, nil},
		{"full vetoed", member.StatusFull, points.Score{Vetoed: true}, nil, []points.Consequence{points.ReportVeto}},
		{"probationary unqualified", member.StatusProbationary, points.Score{Total: 69}, nil, []points.Consequence{points.ExtendProbation, points.TalkAndHelp}},
		{"probationary basically qualified", member.StatusProbationary, points.Score{Total: 70}, nil, []points.Consequence{points.TalkAndHelp}},
		{"probationary vetoed", member.StatusProbationary, points.Score{Vetoed: true}, nil, []points.Consequence{points.ReportVeto, points.CancelProbation}},
		{"activist 100 with bonus", member.StatusActivist, points.Score{Base: 95, Bonus: 5, Total: 100}, nil, []points.Consequence{points.PriorityDevelopment}},
		{"activist 99 with bonus", member.StatusActivist, points.Score{Base: 90, Bonus: 9, Total: 99}, nil, nil},
		{"activist 100 without bonus", member.StatusActivist, points.Score{Base: 100, Total: 100}, nil, nil},
		{"activist excellent", member.StatusActivist, points.Score{Base: 100, Bonus: 10, Total: 110}, nil, []points.Consequence{points.RecommendAward, points.PriorityDevelopment}},
		{"activist unqualified once", member.StatusActivist, points.Score{Total: 50}, &qual, []points.Consequence{points.TalkAndHelp}},
		{"activist unqualified first year", member.StatusActivist, points.Score{Total: 50}, nil, []points.Consequence{points.TalkAndHelp}},
		{"activist unqualified two years", member.StatusActivist, points.Score{Total: 50}, &unq, []points.Consequence{points.CancelActivist}},
		{"activist vetoed", member.StatusActivist, points.Score{Vetoed: true}, nil, []points.Consequence{points.ReportVeto, points.CancelActivist}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := points.Consequences(tc.status, tc.score, th.Grade(tc.score), tc.prev)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("Consequences = %v, want %v", got, tc.want)
			}
		})
	}
}
