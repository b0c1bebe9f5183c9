package classification_test

import (
	"testing"
	"time"

	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestSkillsAndTraining: setMemberSkills replaces the list; the
// withoutSkills work list finds rural members with none; training records.
func TestSkillsAndTraining(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		const b1 = "C.T1.V1.B1"
		admin := orgAdmin(b1)
		within := f.o(b1)
		if n := f.count(admin, map[string]any{"withoutSkills": true, "withinOrg": within}); n != 3 {
			t.Fatalf("withoutSkills before: %d, want 3", n)
		}
		var out struct{ SetMemberSkills struct{ Skills []string } }
		f.as(admin).MustDo(t, setSkillsQ, gqlVars("m", f.m(b1+".M1"), "s", []string{" 果树修剪 ", "家禽养殖"}), &out)
		if s := out.SetMemberSkills.Skills; len(s) != 2 || s[0] != "果树修剪" {
			t.Errorf("skills %q", s)
		}
		f.refuse("blank skill", admin, setSkillsQ, gqlVars("m", f.m(b1+".M2"), "s", []string{"电工", ""}), "BAD_USER_INPUT")
		f.refuse("same skill twice", admin, setSkillsQ, gqlVars("m", f.m(b1+".M2"), "s", []string{"电工", "电工"}), "BAD_USER_INPUT")
		f.refuse("viewer sets skills", orgViewer(b1), setSkillsQ, gqlVars("m", f.m(b1+".M2"), "s", []string{"电工"}), "FORBIDDEN")
		f.refuse("member sets its own skills", orgMember(b1), setSkillsQ, gqlVars("m", f.m(b1+".M1"), "s", []string{"电工"}), "FORBIDDEN")
		// An emptied list counts as none.
		f.as(admin).MustDo(t, setSkillsQ, gqlVars("m", f.m(b1+".M2"), "s", []string{"电工"}), nil)
		f.as(admin).MustDo(t, setSkillsQ, gqlVars("m", f.m(b1+".M2"), "s", []string{}), nil)
		if n := f.count(admin, map[string]any{"withoutSkills": true, "withinOrg": within}); n != 2 {
			t.Errorf("withoutSkills after: %d, want 2 (M2 emptied, M3)", n)
		}
		if n := f.count(admin, map[string]any{"withoutSkills": false, "withinOrg": within}); n != 1 {
			t.Errorf("with skills: %d, want 1", n)
		}

		today := day.Today()
		training := func(on time.Time, hours float64) map[string]any {
			return gqlVars("in", map[string]any{"memberID": f.m(b1 + ".M1"), "course": "乡村振兴政策", "level": "TOWNSHIP", "on": dayVar(on), "hours": hours})
		}
		f.refuse("training tomorrow", admin, trainingQ, training(today.AddDate(0, 0, 1), 2), "BAD_USER_INPUT")
		f.refuse("training of 0 hours", admin, trainingQ, training(today, 0), "BAD_USER_INPUT")
		f.refuse("viewer records training", orgViewer("C.T1"), trainingQ, training(today, 2), "FORBIDDEN")
		f.as(admin).MustDo(t, trainingQ, training(today, 3.5), nil)
		var tr struct {
			Node struct {
				Trainings struct {
					TotalCount int
					Edges      []struct {
						Node struct{ Course, Level, On string }
					}
				}
			}
		}
		f.as(orgMember(b1)).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Member { trainings { totalCount edges { node { course level on } } } } } }`,
			gqlVars("id", f.m(b1+".M1")), &tr)
		if tr.Node.Trainings.TotalCount != 1 || tr.Node.Trainings.Edges[0].Node.Level != "TOWNSHIP" || tr.Node.Trainings.Edges[0].Node.On != dayVar(today) {
			t.Errorf("the member reads its training as %+v", tr.Node.Trainings)
		}
	})
}
