package pledge

import (
	"context"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pledgetopic"
	"github.com/partyorg/partyorg/ent/predicate"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/scope"
	"github.com/partyorg/partyorg/internal/viewer"
	"github.com/partyorg/partyorg/internal/workflow"
)

// TopicType is the policy object of topics: ADMIN keeps the topics of
// every county, a county's ORG_ADMIN those of its county
// (ORG_ADMIN@COUNTY in policies/policy.csv).
const TopicType = ent.TypePledgeTopic

// inForce matches the topics in force on d.
func inForce(d time.Time) predicate.PledgeTopic {
	return pledgetopic.Or(pledgetopic.RetiredOnIsNil(), pledgetopic.RetiredOnGT(d))
}

// Topics lists the topics in force today for a sector, those of every
// county first, as far as the caller's counties reach.
func Topics(ctx context.Context, c *ent.Client, sector org.Sector) ([]*ent.PledgeTopic, error) {
	return c.PledgeTopic.Query().
		Where(pledgetopic.Sector(string(sector)), inForce(day.Today())).
		Order(pledgetopic.ByCountyID(sql.OrderNullsFirst()), pledgetopic.ByID()).
		All(ctx)
}

// topicsFor reports which of ids are topics in force today for the
// branch's sector, of every county or of the branch's own.
func topicsFor(ctx context.Context, c *ent.Client, branchID int, ids []int) (map[int]bool, error) {
	b, err := c.Org.Get(ctx, branchID)
	if err != nil {
		if ent.IsNotFound(err) {
			return nil, errs.New(errs.NotFound, "branch not found")
		}
		return nil, err
	}
	county := scope.CountyPath(b.Path)
	found, err := c.PledgeTopic.Query().
		Where(
			pledgetopic.IDIn(ids...),
			pledgetopic.Sector(string(b.Sector)),
			inForce(day.Today()),
			pledgetopic.Or(pledgetopic.CountyIDIsNil(), func(s *sql.Selector) {
				orgs := sql.Table(scope.OrgTable)
				s.Where(sql.In(s.C(pledgetopic.FieldCountyID),
					sql.Dialect(s.Dialect()).Select(orgs.C(org.FieldID)).From(orgs).Where(sql.EQ(orgs.C(org.FieldPath), county))))
			}),
		).
		IDs(ctx)
	if err != nil {
		return nil, err
	}
	ok := make(map[int]bool, len(found))
	for _, id := range found {
		ok[id] = true
	}
	return ok, nil
}

// NewTopic is a topic to add.
type NewTopic struct {
	Sector org.Sector
	Title  string
	// CountyID is the county the topic is for; nil for every county
	// (ADMIN only).
	CountyID *int
}

// AddTopic adds a topic in force from today.
func AddTopic(ctx context.Context, c *ent.Client, in NewTopic) (*ent.PledgeTopic, error) {
	if err := mayKeep(ctx, c, in.CountyID, authz.Create); err != nil {
		return nil, err
	}
	title := strings.TrimSpace(in.Title)
	if err := org.SectorValidator(in.Sector); err != nil {
		return nil, errs.New(errs.BadUserInput, "unknown sector %q", in.Sector)
	}
	if title == "" || len([]rune(title)) > 100 {
		return nil, errs.New(errs.BadUserInput, "a topic's title has 1 to 100 characters")
	}
	county := pledgetopic.CountyIDIsNil()
	if in.CountyID != nil {
		county = pledgetopic.CountyID(*in.CountyID)
	}
	dup, err := c.PledgeTopic.Query().
		Where(pledgetopic.Sector(string(in.Sector)), pledgetopic.Title(title), county, inForce(day.Today())).
		Exist(ctx)
	if err != nil {
		return nil, err
	}
	if dup {
		return nil, errs.New(errs.Conflict, "the topic %q is already in force for %s", title, in.Sector)
	}
	return c.PledgeTopic.Create().
		SetSector(string(in.Sector)).
		SetTitle(title).
		SetNillableCountyID(in.CountyID).
		SetCreatedBy(viewer.FromContext(ctx).Username).
		Save(ctx)
}

// RetireTopic takes a topic out of force from the day on (default today);
// pledges made under it keep it.
func RetireTopic(ctx context.Context, c *ent.Client, id int, on *time.Time) (*ent.PledgeTopic, error) {
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	t, err := c.PledgeTopic.Get(ctx, id)
	if err != nil {
		if ent.IsNotFound(err) {
			return nil, errs.New(errs.NotFound, "pledge topic not found")
		}
		return nil, err
	}
	if err := mayKeep(ctx, c, t.CountyID, retire); err != nil {
		return nil, err
	}
	if t.RetiredOn != nil {
		return nil, errs.New(errs.Conflict, "the topic was retired on %s", day.Format(*t.RetiredOn))
	}
	t, err = c.PledgeTopic.UpdateOneID(id).Where(pledgetopic.RetiredOnIsNil()).
		SetRetiredOn(d).
		SetRetiredBy(viewer.FromContext(ctx).Username).
		Save(ctx)
	return t, workflow.Moved(err, "topic", inForceState{})
}

// inForceState names the state a retirement starts from.
type inForceState struct{}

func (inForceState) String() string { return "in force" }

// CanRetire reports whether the viewer in ctx may retire t now: the
// decision of RetireTopic.
func CanRetire(ctx context.Context, t *ent.PledgeTopic) bool {
	if t.RetiredOn != nil {
		return false
	}
	if t.CountyID == nil {
		return authz.Can(ctx, authz.Root, TopicType, retire)
	}
	return authz.CanAt(ctx, *t.CountyID, TopicType, retire, false)
}

const retire = "retire"

// mayKeep checks that the caller may act on the topics of a county (nil:
// of every county, which only a grant over everything covers).
func mayKeep(ctx context.Context, c *ent.Client, countyID *int, act string) error {
	if countyID == nil {
		if !authz.Can(ctx, authz.Root, TopicType, act) {
			return errs.New(errs.Forbidden, "only ADMIN keeps the topics of every county")
		}
		return nil
	}
	o, err := c.Org.Get(ctx, *countyID)
	if err != nil {
		if ent.IsNotFound(err) {
			return errs.New(errs.NotFound, "county not found")
		}
		return err
	}
	if o.Kind != org.KindCounty {
		return errs.New(errs.BadUserInput, "topics belong to a county, not a %s", o.Kind)
	}
	return authz.Require(ctx, c, o.ID, TopicType, act)
}
