package demo_test

import (
	"testing"

	"github.com/partyorg/partyorg/ent/carefundentry"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/predicate"
	"github.com/partyorg/partyorg/ent/welfarepost"
	"github.com/partyorg/partyorg/internal/classification"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/demo"
)

// TestLoadClassification: the demo shows every part of member
// classification, and each work list holds some members but not all.
func TestLoadClassification(t *testing.T) {
	ctx := sysCtx()
	c := newClient(t)
	if _, err := demo.Load(ctx, c); err != nil {
		t.Fatal(err)
	}
	today := day.Today()
	notVisited, err := classification.NotVisitedIn(today.Format(day.MonthLayout))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		list predicate.Member
		all  predicate.Member
	}{
		{"withoutPost", classification.WithoutPost(true), member.CategoryEQ(member.CategoryAtHomeNoPost)},
		{"withoutSkills", classification.WithoutSkills(true), member.CategoryNotNil()},
		{"noContactSince", classification.NoContactSince(today.AddDate(0, 0, -30)), member.CategoryEQ(member.CategoryMobile)},
		{"notVisitedIn", notVisited, member.CategoryEQ(member.CategoryElderlyInfirm)},
	} {
		n := c.Member.Query().Where(tc.list).CountX(ctx)
		all := c.Member.Query().Where(tc.all).CountX(ctx)
		if n == 0 || n >= all {
			t.Errorf("work list %s holds %d of %d", tc.name, n, all)
		}
		t.Logf("%s: %d of %d", tc.name, n, all)
	}
	held := c.WelfarePost.Query().Where(welfarepost.HolderIDNotNil()).CountX(ctx)
	vacant := c.WelfarePost.Query().Where(welfarepost.HolderIDIsNil()).CountX(ctx)
	if held == 0 || vacant == 0 {
		t.Errorf("posts: %d held, %d vacant", held, vacant)
	}
	for name, n := range map[string]int{
		"mobile records": c.MobileRecord.Query().CountX(ctx),
		"contacts":       c.ContactLog.Query().CountX(ctx),
		"help cards":     c.HelpCard.Query().CountX(ctx),
		"visits":         c.Visit.Query().CountX(ctx),
		"trainings":      c.TrainingRecord.Query().CountX(ctx),
		"donations":      c.CareFundEntry.Query().Where(carefundentry.KindEQ(carefundentry.KindDONATION)).CountX(ctx),
		"disbursements":  c.CareFundEntry.Query().Where(carefundentry.KindEQ(carefundentry.KindDISBURSEMENT)).CountX(ctx),
		"reversals":      c.CareFundEntry.Query().Where(carefundentry.KindEQ(carefundentry.KindREVERSAL)).CountX(ctx),
	} {
		if n == 0 {
			t.Errorf("no %s", name)
		}
	}
}
