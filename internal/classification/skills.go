package classification

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/predicate"
	"github.com/partyorg/partyorg/ent/trainingrecord"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
)

// Bounds of a member's skill list.
const (
	maxSkills     = 10
	maxSkillRunes = 50
)

// SetSkills replaces a member's practical skills (实用技能).
func SetSkills(ctx context.Context, c *ent.Client, memberID int, skills []string) (*ent.Member, error) {
	m, err := memberFor(ctx, c, memberID, ent.TypeMember, "update")
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(skills))
	for _, s := range skills {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			return nil, errs.New(errs.BadUserInput, "a skill must not be empty")
		case utf8.RuneCountInString(s) > maxSkillRunes:
			return nil, errs.New(errs.BadUserInput, "a skill has at most %d characters", maxSkillRunes)
		case slices.Contains(out, s):
			return nil, errs.New(errs.BadUserInput, "skill %q is listed twice", s)
		}
		out = append(out, s)
	}
	if len(out) > maxSkills {
		return nil, errs.New(errs.BadUserInput, "at most %d skills", maxSkills)
	}
	return c.Member.UpdateOneID(m.ID).SetSkills(out).Save(ctx)
}

// RecordTrainingInput is a training course a member attended.
type RecordTrainingInput struct {
	MemberID int
	Course   string
	Level    trainingrecord.Level
	On       *time.Time
	Hours    float64
}

// RecordTraining adds a training record to a member.
func RecordTraining(ctx context.Context, c *ent.Client, in RecordTrainingInput) (*ent.TrainingRecord, error) {
	m, err := memberFor(ctx, c, in.MemberID, ent.TypeTrainingRecord, "create")
	if err != nil {
		return nil, err
	}
	on, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	course, err := text("course", in.Course, true)
	if err != nil {
		return nil, err
	}
	if in.Hours <= 0 || in.Hours > 24*31 {
		return nil, errs.New(errs.BadUserInput, "hours must be above 0 and at most a month's")
	}
	return c.TrainingRecord.Create().
		SetMemberID(m.ID).SetBranchID(m.BranchID).
		SetCourse(course).SetLevel(in.Level).SetOn(on).SetHours(in.Hours).
		Save(ctx)
}

// WithoutSkills is the work list of members of rural branches who have
// no practical skill recorded (without), or of those who have (!without).
func WithoutSkills(without bool) predicate.Member {
	none := predicate.Member(func(s *sql.Selector) {
		col := s.C(member.FieldSkills)
		// An unset list is NULL, an emptied one the JSON "[]" (a blob on
		// SQLite, jsonb on PostgreSQL: compared as text on both).
		s.Where(sql.Or(sql.IsNull(col), sql.ExprP("CAST("+col+" AS TEXT) IN ('[]', 'null')")))
	})
	if !without {
		return member.Not(none)
	}
	return member.And(member.HasBranchWith(org.SectorEQ(org.SectorRural)), none)
}
