package points

import (
	"context"
	"strings"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pointcatalog"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/pointitem"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/scope"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Sectors in the order catalogues are set up.
var Sectors = []org.Sector{
	org.SectorRural, org.SectorCommunity, org.SectorAgency, org.SectorInstitution, org.SectorSOE,
	org.SectorNonPublic, org.SectorSocialOrg, org.SectorSchool, org.SectorServiceWindow,
}

// BaseTotal is what a catalogue's BASE items add up to (基础积分100分).
const BaseTotal = 100

// CatalogInput is a catalogue as a county sets it.
type CatalogInput struct {
	CountyID   int
	Year       int
	Sector     org.Sector
	Items      []ItemSpec
	Thresholds *Thresholds // nil: DefaultThresholds
}

// CreateCatalog sets a county's catalogue for a year and sector (年初设定
// 积分项目). Setting it again before it freezes makes a new revision,
// which is the one in force; once an entry of the year is approved the
// catalogue is frozen and a change is CONFLICT.
func CreateCatalog(ctx context.Context, c *ent.Client, in CatalogInput) (*ent.PointCatalog, error) {
	county, err := countyFor(ctx, c, in.CountyID)
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, c, county.ID, "PointCatalog", authz.Create); err != nil {
		return nil, err
	}
	if err := validateCatalog(in); err != nil {
		return nil, err
	}
	cur, err := Current(ctx, c, county.ID, in.Year, in.Sector)
	if err != nil {
		return nil, err
	}
	revision := 1
	if cur != nil {
		frozen, err := Frozen(ctx, c, cur)
		if err != nil {
			return nil, err
		}
		if frozen {
			return nil, errs.New(errs.Conflict, "the %d %s catalogue is frozen: an entry of the year is approved; change it for the next year", in.Year, in.Sector)
		}
		revision = cur.Revision + 1
	}
	return create(ctx, c, in, revision)
}

func validateCatalog(in CatalogInput) error {
	if in.Year < 2000 || in.Year > 2100 {
		return errs.New(errs.BadUserInput, "year %d is out of range", in.Year)
	}
	if err := org.SectorValidator(in.Sector); err != nil {
		return errs.New(errs.BadUserInput, "unknown sector %q", in.Sector)
	}
	if in.Thresholds != nil {
		if err := in.Thresholds.Validate(); err != nil {
			return errs.New(errs.BadUserInput, "%v", err)
		}
	}
	base := 0
	for i, it := range in.Items {
		switch {
		case strings.TrimSpace(it.Title) == "":
			return errs.New(errs.BadUserInput, "item %d has no title", i+1)
		case it.Points < 0:
			return errs.New(errs.BadUserInput, "item %q: points cannot be negative", it.Title)
		case it.YearCap != nil && (it.Part == pointitem.PartBase || it.Part == pointitem.PartVeto):
			return errs.New(errs.BadUserInput, "item %q: only BONUS and DEDUCTION items have a yearly cap", it.Title)
		case it.YearCap != nil && *it.YearCap < it.Points:
			return errs.New(errs.BadUserInput, "item %q: the yearly cap %d is below the item's points %d", it.Title, *it.YearCap, it.Points)
		case it.Part != pointitem.PartVeto && it.Points == 0:
			return errs.New(errs.BadUserInput, "item %q: a %s item needs points", it.Title, it.Part)
		}
		if it.Part == pointitem.PartBase {
			base += it.Points
		}
	}
	if base != BaseTotal {
		return errs.New(errs.BadUserInput, "the BASE items add up to %d: they must add up to exactly %d", base, BaseTotal)
	}
	return nil
}

func create(ctx context.Context, c *ent.Client, in CatalogInput, revision int) (*ent.PointCatalog, error) {
	th := DefaultThresholds
	if in.Thresholds != nil {
		th = *in.Thresholds
	}
	cat, err := c.PointCatalog.Create().
		SetCountyID(in.CountyID).SetYear(in.Year).SetSector(string(in.Sector)).SetRevision(revision).
		SetExcellent(th.Excellent).SetQualified(th.Qualified).SetBasicallyQualified(th.BasicallyQualified).
		Save(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]*ent.PointItemCreate, len(in.Items))
	for i, it := range in.Items {
		items[i] = c.PointItem.Create().
			SetCountyID(in.CountyID).SetCatalogID(cat.ID).SetPart(it.Part).SetTitle(it.Title).
			SetPoints(it.Points).SetNillableYearCap(it.YearCap).SetPosition(i)
	}
	created, err := c.PointItem.CreateBulk(items...).Save(ctx)
	if err != nil {
		return nil, err
	}
	cat.Edges.Items = created
	return cat, nil
}

// SetUpCatalogs gives a county a catalogue for every sector of a year
// that has none: the previous year's catalogue carried over, or the
// default of DefaultItems. It is idempotent, and answers the year's
// catalogues in force.
func SetUpCatalogs(ctx context.Context, c *ent.Client, countyID, year int) ([]*ent.PointCatalog, error) {
	county, err := countyFor(ctx, c, countyID)
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, c, county.ID, "PointCatalog", authz.Create); err != nil {
		return nil, err
	}
	if err := validateCatalog(CatalogInput{Year: year, Sector: org.SectorRural, Items: baseItems}); err != nil {
		return nil, err
	}
	out := make([]*ent.PointCatalog, 0, len(Sectors))
	for _, s := range Sectors {
		cur, err := Current(ctx, c, county.ID, year, s)
		if err != nil {
			return nil, err
		}
		if cur == nil {
			in := CatalogInput{CountyID: county.ID, Year: year, Sector: s, Items: DefaultItems(s)}
			if prev, err := Current(ctx, c, county.ID, year-1, s); err != nil {
				return nil, err
			} else if prev != nil {
				in.Items, in.Thresholds = specsOf(prev), ptrTo(thresholdsOf(prev))
			}
			if cur, err = create(ctx, c, in, 1); err != nil {
				return nil, err
			}
		}
		out = append(out, cur)
	}
	return out, nil
}

func ptrTo[T any](v T) *T { return &v }

func specsOf(cat *ent.PointCatalog) []ItemSpec {
	specs := make([]ItemSpec, len(cat.Edges.Items))
	for i, it := range cat.Edges.Items {
		specs[i] = ItemSpec{Part: it.Part, Title: it.Title, Points: it.Points, YearCap: it.YearCap}
	}
	return specs
}

func thresholdsOf(cat *ent.PointCatalog) Thresholds {
	return Thresholds{Excellent: cat.Excellent, Qualified: cat.Qualified, BasicallyQualified: cat.BasicallyQualified}
}

// countyFor reads a county in the caller's scope.
func countyFor(ctx context.Context, c *ent.Client, id int) (*ent.Org, error) {
	o, err := c.Org.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "Org not found")
	}
	if err != nil {
		return nil, err
	}
	if o.Kind != org.KindCounty {
		return nil, errs.New(errs.BadUserInput, "catalogues belong to a COUNTY, not a %s", o.Kind)
	}
	return o, nil
}

// system is ctx with the server's own viewer. A county's catalogues are
// the published rules for everyone under it, and facts about entries
// that the caller may see (their item, the catalogue's frozen state)
// are read with it.
func system(ctx context.Context) context.Context { return viewer.NewSystemContext(ctx) }

// Current is the catalogue in force for a county, year and sector (its
// highest revision), with its items in order; nil when there is none.
func Current(ctx context.Context, c *ent.Client, countyID, year int, s org.Sector) (*ent.PointCatalog, error) {
	cat, err := c.PointCatalog.Query().
		Where(pointcatalog.CountyID(countyID), pointcatalog.Year(year), pointcatalog.Sector(string(s))).
		Order(ent.Desc(pointcatalog.FieldRevision)).
		WithItems(func(q *ent.PointItemQuery) { q.Order(ent.Asc(pointitem.FieldPosition)) }).
		First(system(ctx))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return cat, err
}

// Frozen reports whether an entry of the catalogue's county, year and
// sector has been approved (against any of its revisions).
func Frozen(ctx context.Context, c *ent.Client, cat *ent.PointCatalog) (bool, error) {
	return c.PointEntry.Query().
		Where(
			pointentry.StateEQ(pointentry.StateApproved),
			pointentry.HasItemWith(pointitem.HasCatalogWith(
				pointcatalog.CountyID(cat.CountyID), pointcatalog.Year(cat.Year), pointcatalog.Sector(cat.Sector),
			)),
		).
		Exist(system(ctx))
}

// CatalogFor is the catalogue in force for an org the caller can read:
// its county's, for its sector and the year; nil when there is none.
func CatalogFor(ctx context.Context, c *ent.Client, o *ent.Org, year int) (*ent.PointCatalog, error) {
	county, err := countyOf(ctx, c, o)
	if err != nil {
		return nil, err
	}
	return Current(ctx, c, county, year, o.Sector)
}

// countyOf is the ID of the county at the top of an org's path.
func countyOf(ctx context.Context, c *ent.Client, o *ent.Org) (int, error) {
	p := scope.CountyPath(o.Path)
	if p == "" {
		return 0, errs.New(errs.Internal, "org %d has a malformed path %q", o.ID, o.Path)
	}
	return c.Org.Query().Where(org.Path(p)).OnlyID(system(ctx))
}

// Items are the items of a catalogue the caller can read, in order.
func Items(ctx context.Context, c *ent.Client, cat *ent.PointCatalog) ([]*ent.PointItem, error) {
	if items, err := cat.Edges.ItemsOrErr(); err == nil {
		return items, nil
	}
	return cat.QueryItems().Order(ent.Asc(pointitem.FieldPosition)).All(system(ctx))
}

// ItemsByID are catalogue items by ID, for the entries the caller can
// read (PointEntry.item, batched per request): a county's catalogue is
// the published rule for everyone under it, so they are read whatever
// the caller's scope.
func ItemsByID(ctx context.Context, c *ent.Client, ids []int) ([]*ent.PointItem, error) {
	return c.PointItem.Query().Where(pointitem.IDIn(ids...)).All(system(ctx))
}
