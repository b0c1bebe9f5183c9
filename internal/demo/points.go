package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/pointitem"
	"github.com/partyorg/partyorg/internal/points"
)

// Points years of the demo: pointsYear is closed with every grade and
// consequence, the year before is closed for one branch (an activist
// unqualified two years running), and the current year has entries
// waiting for review.
const pointsYear = 2025

// outcome is what a member's year adds up to; members of each status
// take them in turn, so every status meets every outcome.
type outcome int

const (
	excellent      outcome = iota // every duty, three contributions: 115
	qualified                     // every duty: 100
	qualifiedLess                 // every duty, one deduction: 95
	basically                     // two duties missed: 75
	unqualified                   // three duties missed: 55
	deducted                      // every duty, three deductions: 85
	activistTarget                // every duty, one contribution: 105
	vetoed                        // every duty and a veto: 0
	outcomes
)

// loadPoints gives the county catalogues for three years and its
// members a year of approved points (points.go's arithmetic decides the
// grades), closes both half-years and the year of every branch, and
// leaves this year's first entries for review.
func loadPoints(ctx context.Context, c *ent.Client, countyID int) error {
	this := points.YearOf(points.Period(time.Now()))
	for y := pointsYear - 1; y <= this; y++ {
		if _, err := points.SetUpCatalogs(ctx, c, countyID, y); err != nil {
			return err
		}
	}
	members, err := c.Member.Query().WithBranch().Order(ent.Asc(member.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	plan := map[int]outcome{}
	seen := map[member.Status]int{}
	var twice *ent.Member // an activist unqualified in both years
	for _, m := range members {
		o := outcome(seen[m.Status] % int(outcomes))
		seen[m.Status]++
		plan[m.ID] = o
		if twice == nil && m.Status == member.StatusActivist && o == unqualified {
			twice = m
		}
	}
	// The year before first: closing pointsYear reads its grades.
	if twice != nil {
		var mates []*ent.Member
		for _, m := range members {
			if m.BranchID == twice.BranchID {
				mates = append(mates, m)
			}
		}
		if err := pointsOfYear(ctx, c, countyID, pointsYear-1, mates, plan); err != nil {
			return err
		}
	}
	if err := pointsOfYear(ctx, c, countyID, pointsYear, members, plan); err != nil {
		return err
	}
	return pendingPoints(ctx, c, countyID, this, members)
}

// pointsOfYear enters and closes a year of members' points.
func pointsOfYear(ctx context.Context, c *ent.Client, countyID, year int, members []*ent.Member, plan map[int]outcome) error {
	var creates []*ent.PointEntryCreate
	branches := map[int]bool{}
	for _, m := range members {
		items, err := itemsFor(ctx, c, countyID, year, m.Edges.Branch.Sector)
		if err != nil {
			return err
		}
		branches[m.BranchID] = true
		add := func(it *ent.PointItem, month, dd int) {
			on := time.Date(year, time.Month(month), dd, 0, 0, 0, 0, time.UTC)
			period := points.Period(on)
			creates = append(creates, c.PointEntry.Create().
				SetBranchID(m.BranchID).SetMemberID(m.ID).SetItemID(it.ID).
				SetPart(string(it.Part)).SetItemTitle(it.Title).SetPoints(it.Points).
				SetYear(points.YearOf(period)).SetPeriod(period).SetOccurredOn(on).
				SetSource(pointentry.SourceBranchRecorded).SetState(pointentry.StateApproved).
				SetReviewedOn(on).SetEnteredBy(0))
		}
		o := plan[m.ID]
		missed := map[outcome]int{basically: 2, unqualified: 3}[o]
		for i, it := range items[pointitem.PartBase] {
			if i >= missed {
				add(it, 1+i%12, 15)
			}
		}
		bonus, deduction := items[pointitem.PartBonus][0], items[pointitem.PartDeduction][0]
		switch o {
		case excellent:
			add(bonus, 4, 2)
			add(bonus, 7, 2)
			add(bonus, 10, 2)
		case activistTarget:
			add(bonus, 5, 3)
		case qualifiedLess:
			add(deduction, 6, 1)
		case deducted:
			add(deduction, 3, 1)
			add(deduction, 8, 1)
			add(deduction, 11, 1)
		case vetoed:
			add(items[pointitem.PartVeto][0], 9, 20)
		}
	}
	for len(creates) > 0 {
		n := min(len(creates), 500)
		if _, err := c.PointEntry.CreateBulk(creates[:n]...).Save(ctx); err != nil {
			return err
		}
		creates = creates[n:]
	}
	for b := range branches {
		for half := 1; half <= 2; half++ {
			on := points.HalfEnd(year, half).AddDate(0, 0, 1)
			hy, err := points.CloseHalfYear(ctx, c, b, year, half, &on)
			if err != nil {
				return err
			}
			if _, err := points.PublishHalfYear(ctx, c, hy.ID, &on); err != nil {
				return err
			}
		}
		on := points.YearEnd(year).AddDate(0, 0, 1)
		if _, err := points.CloseYear(ctx, c, b, year, &on); err != nil {
			return err
		}
	}
	return nil
}

// pendingPoints declares this year's points for the members of the
// first branch, waiting for the branch's review.
func pendingPoints(ctx context.Context, c *ent.Client, countyID, year int, members []*ent.Member) error {
	first := members[0].BranchID
	on := time.Now().UTC().AddDate(0, 0, -3)
	if points.YearOf(points.Period(on)) != year {
		return nil
	}
	for _, m := range members {
		if m.BranchID != first {
			continue
		}
		items, err := itemsFor(ctx, c, countyID, year, m.Edges.Branch.Sector)
		if err != nil {
			return err
		}
		for _, it := range []*ent.PointItem{items[pointitem.PartBase][0], items[pointitem.PartBonus][1]} {
			_, err := points.Declare(ctx, c, points.Declaration{
				MemberID: m.ID, ItemID: it.ID, OccurredOn: on, Source: pointentry.SourceBranchRecorded,
				Evidence: "主题党日签到表",
			})
			if err != nil {
				return fmt.Errorf("declaring %s for %s: %w", it.Title, m.Name, err)
			}
		}
	}
	return nil
}

// itemsFor are the items of a year's catalogue in force, by part.
func itemsFor(ctx context.Context, c *ent.Client, countyID, year int, s org.Sector) (map[pointitem.Part][]*ent.PointItem, error) {
	cat, err := points.Current(ctx, c, countyID, year, s)
	if err != nil {
		return nil, err
	}
	if cat == nil {
		return nil, fmt.Errorf("no %d %s catalogue", year, s)
	}
	out := map[pointitem.Part][]*ent.PointItem{}
	for _, it := range cat.Edges.Items {
		out[it.Part] = append(out[it.Part], it)
	}
	return out, nil
}
