// Package convention keeps the member conventions (党员公约, seed 四): one
// text per sector per county, versioned by the day each version takes
// effect; the branches' recitations on theme Party days, each naming the
// version in force for the branch's sector that day; desk plates and
// household plaques; demonstration posts and responsibility zones; and
// how far all of it reaches in an org's subtree (Coverage).
package convention

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/convention"
	"github.com/partyorg/partyorg/ent/demopost"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/plaque"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/orgtree"
	"github.com/partyorg/partyorg/internal/viewer"
	"github.com/partyorg/partyorg/internal/workflow"
)

// Publication is a new version of a sector's convention.
type Publication struct {
	CountyID      int
	Sector        org.Sector
	Text          string
	EffectiveFrom time.Time
}

// Publish adds the next version of a county's convention for a sector,
// in force from its day (which may lie ahead) until the next version's.
// Each version takes effect after the one before it, so the version in
// force on a day is the latest that had taken effect.
func Publish(ctx context.Context, c *ent.Client, in Publication) (*ent.Convention, error) {
	if err := authz.Require(ctx, c, in.CountyID, ent.TypeConvention, authz.Create); err != nil {
		return nil, err
	}
	county, err := c.Org.Get(ctx, in.CountyID)
	if err != nil {
		return nil, err
	}
	if county.Kind != org.KindCounty {
		return nil, errs.New(errs.BadUserInput, "a convention is published by a COUNTY, not a %s", county.Kind)
	}
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return nil, errs.New(errs.BadUserInput, "a convention needs its text")
	}
	from := day.Trunc(in.EffectiveFrom)
	// Versions are numbered one after another: two publishers of one
	// county wait for each other.
	if err := workflow.LockOrg(ctx, c, county.ID); err != nil {
		return nil, err
	}
	latest, err := c.Convention.Query().
		Where(convention.CountyID(county.ID), convention.Sector(string(in.Sector))).
		Order(ent.Desc(convention.FieldVersion)).
		First(ctx)
	version := 1
	switch {
	case ent.IsNotFound(err):
	case err != nil:
		return nil, err
	default:
		if !from.After(day.Trunc(latest.EffectiveFrom)) {
			return nil, errs.New(errs.BadUserInput, "version %d takes effect on %s: a new version must take effect after it",
				latest.Version, day.Format(latest.EffectiveFrom))
		}
		version = latest.Version + 1
	}
	return c.Convention.Create().
		SetCountyID(county.ID).
		SetSector(string(in.Sector)).
		SetVersion(version).
		SetText(text).
		SetEffectiveFrom(from).
		Save(ctx)
}

// InForce returns the version of the county's convention for sector in
// force on day on, or nil before the first version (or when the county
// is outside the caller's scope).
func InForce(ctx context.Context, c *ent.Client, countyID int, sector org.Sector, on time.Time) (*ent.Convention, error) {
	v, err := c.Convention.Query().
		Where(
			convention.CountyID(countyID),
			convention.Sector(string(sector)),
			convention.EffectiveFromLTE(day.Trunc(on)),
		).
		Order(ent.Desc(convention.FieldEffectiveFrom)).
		First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return v, err
}

// Absence is a member absent from a recitation, with the reason.
type Absence struct {
	MemberID int
	Reason   string
}

// Recital is a branch's recitation on a theme Party day.
type Recital struct {
	BranchID    int
	On          *time.Time
	AttendeeIDs []int
	Absences    []Absence
}

// Record records a recitation (诵读党员公约): attendees and absentees are
// members of the branch, each named once, and the recitation names the
// version of the county's convention in force for the branch's sector
// that day (BAD_USER_INPUT when there is none).
func Record(ctx context.Context, c *ent.Client, in Recital) (*ent.Recitation, error) {
	if err := authz.Require(ctx, c, in.BranchID, ent.TypeRecitation, authz.Create); err != nil {
		return nil, err
	}
	on, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	branch, err := c.Org.Get(ctx, in.BranchID)
	if err != nil {
		return nil, err
	}
	if branch.Kind != org.KindBranch {
		return nil, errs.New(errs.BadUserInput, "a recitation is held by a BRANCH, not a %s", branch.Kind)
	}
	if len(in.AttendeeIDs) == 0 {
		return nil, errs.New(errs.BadUserInput, "a recitation needs its attendees")
	}
	ids := slices.Clone(in.AttendeeIDs)
	for _, a := range in.Absences {
		if strings.TrimSpace(a.Reason) == "" {
			return nil, errs.New(errs.BadUserInput, "an absence needs its reason")
		}
		ids = append(ids, a.MemberID)
	}
	if err := ofBranch(ctx, c, branch, ids); err != nil {
		return nil, err
	}
	county, err := orgtree.County(ctx, c, branch.ID)
	if err != nil {
		return nil, err
	}
	// The convention belongs to the county, above a branch's scope: which
	// version applies is the server's own lookup, copied onto the record.
	v, err := InForce(viewer.NewSystemContext(ctx), c, county.ID, branch.Sector, on)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, errs.New(errs.BadUserInput, "no %s convention of %s is in force on %s", branch.Sector, county.Name, day.Format(on))
	}
	r, err := c.Recitation.Create().
		SetBranchID(branch.ID).
		SetOn(on).
		SetConventionID(v.ID).
		SetConventionVersion(v.Version).
		AddAttendeeIDs(in.AttendeeIDs...).
		Save(ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]*ent.RecitationAbsenceCreate, len(in.Absences))
	for i, a := range in.Absences {
		rows[i] = c.RecitationAbsence.Create().SetBranchID(branch.ID).SetRecitationID(r.ID).
			SetMemberID(a.MemberID).SetReason(strings.TrimSpace(a.Reason))
	}
	return r, c.RecitationAbsence.CreateBulk(rows...).Exec(ctx)
}

// ofBranch checks that ids name distinct members of branch. A member
// elsewhere, seen or not, gets the same answer.
func ofBranch(ctx context.Context, c *ent.Client, branch *ent.Org, ids []int) error {
	for i, id := range ids {
		if slices.Contains(ids[:i], id) {
			return errs.New(errs.BadUserInput, "member %d is named twice", id)
		}
	}
	n, err := c.Member.Query().Where(member.IDIn(ids...), member.BranchID(branch.ID)).Count(ctx)
	if err != nil {
		return err
	}
	if n != len(ids) {
		return errs.New(errs.BadUserInput, "%d of the members named are not members of %s", len(ids)-n, branch.Name)
	}
	return nil
}

// IssuePlaque hangs a desk plate or household plaque for a member, in
// its branch; a member holds at most one hanging plaque of each kind.
func IssuePlaque(ctx context.Context, c *ent.Client, memberID int, kind plaque.Kind, since time.Time) (*ent.Plaque, error) {
	m, err := c.Member.Get(ctx, memberID)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "member not found")
	}
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, c, m.BranchID, ent.TypePlaque, authz.Create); err != nil {
		return nil, err
	}
	if err := day.NotFuture("the plaque's day", since); err != nil {
		return nil, err
	}
	hanging, err := c.Plaque.Query().
		Where(plaque.MemberID(m.ID), plaque.KindEQ(kind), plaque.WithdrawnOnIsNil()).
		Exist(ctx)
	if err != nil {
		return nil, err
	}
	if hanging {
		return nil, errs.New(errs.Conflict, "%s already holds a %s plaque", m.Name, kind)
	}
	return c.Plaque.Create().
		SetBranchID(m.BranchID).
		SetMemberID(m.ID).
		SetKind(kind).
		SetSince(day.Trunc(since)).
		Save(ctx)
}

// WithdrawPlaque takes a hanging plaque down (摘牌), with a reason.
func WithdrawPlaque(ctx context.Context, c *ent.Client, id int, reason string, onDay *time.Time) (*ent.Plaque, error) {
	p, err := c.Plaque.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "plaque not found")
	}
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, c, p.BranchID, ent.TypePlaque, authz.Update); err != nil {
		return nil, err
	}
	on, err := day.On(onDay)
	if err != nil {
		return nil, err
	}
	if p.WithdrawnOn != nil {
		return nil, errs.New(errs.Conflict, "the plaque was withdrawn on %s", day.Format(*p.WithdrawnOn))
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, errs.New(errs.BadUserInput, "withdrawing a plaque needs a reason")
	}
	if on.Before(day.Trunc(p.Since)) {
		return nil, errs.New(errs.BadUserInput, "the plaque hangs since %s", day.Format(p.Since))
	}
	p, err = c.Plaque.UpdateOneID(id).
		Where(plaque.WithdrawnOnIsNil()).
		SetWithdrawnOn(on).
		SetWithdrawalReason(reason).
		Save(ctx)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.Conflict, "the plaque was withdrawn by someone else first")
	}
	return p, err
}

// DemoPostSpec is a demonstration post or responsibility zone to set up.
type DemoPostSpec struct {
	OrgID, MemberID int
	Kind            demopost.Kind
	Title           string
}

// CreateDemoPost sets up a demonstration post (党员示范岗) or
// responsibility zone (党员责任区) at an org, held by a member of its
// subtree.
func CreateDemoPost(ctx context.Context, c *ent.Client, in DemoPostSpec) (*ent.DemoPost, error) {
	if err := authz.Require(ctx, c, in.OrgID, ent.TypeDemoPost, authz.Create); err != nil {
		return nil, err
	}
	o, err := c.Org.Get(ctx, in.OrgID)
	if err != nil {
		return nil, err
	}
	m, err := c.Member.Query().Where(member.ID(in.MemberID)).WithBranch().Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	if m == nil || m.Edges.Branch == nil || !strings.HasPrefix(m.Edges.Branch.Path, o.Path) {
		return nil, errs.New(errs.BadUserInput, "the holder is not a member of %s", o.Name)
	}
	return c.DemoPost.Create().
		SetOrgID(o.ID).
		SetMemberID(m.ID).
		SetKind(in.Kind).
		SetTitle(strings.TrimSpace(in.Title)).
		Save(ctx)
}
