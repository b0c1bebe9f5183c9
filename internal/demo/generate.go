package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/points"
	"github.com/partyorg/partyorg/internal/rollup"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Size controls Generate.
type Size struct {
	Townships, VillagesPerTownship, BranchesPerVillage, MembersPerBranch int
	// Seed decides names, statuses and every other drawn value.
	Seed int64
	// Year, when not 0, adds the county's units (one branch each) and a
	// year of work in its practices (activity.go): a closed points year,
	// pledges, posts, contacts, visits, care funds, households, pairings
	// and leaders, as the dashboards read them.
	Year int
}

// County is ~20 townships, 300 villages, 1,500 branches, 30,000 members.
var County = Size{Townships: 20, VillagesPerTownship: 15, BranchesPerVillage: 5, MembersPerBranch: 20, Seed: 1}

// Generated describes what Generate built (IDs for benchmarks/tests).
type Generated struct {
	CountyID    int
	TownshipIDs []int
	// Orgs and Members count what was created; Records the rows of the
	// year's work, by table (Size.Year), and RecordsTook the time they
	// took.
	Orgs, Members int
	Records       map[string]int
	RecordsTook   time.Duration
}

// memberBatch is the number of members per INSERT: 11 columns each keeps
// a batch well under SQLite's 32,766 bound parameters.
const memberBatch = 500

// Generate builds one county of the given size quickly and
// deterministically (same Seed → same names/statuses): townships, their
// villages, the villages' branches and the branches' rural members, in
// one transaction. Names are formulaic (第3乡镇第12村第2党支部); members'
// names are drawn from surname and given-name lists.
func Generate(ctx context.Context, client *ent.Client, size Size) (*Generated, error) {
	if size.Townships < 0 || size.VillagesPerTownship < 0 || size.BranchesPerVillage < 0 || size.MembersPerBranch < 0 {
		return nil, errors.New("demo: sizes must not be negative")
	}
	ctx = viewer.NewSystemContext(ctx)
	var g *Generated
	err := db.WithTx(ctx, client, func(tx *ent.Tx) error {
		c := tx.Client()
		var err error
		g, err = generate(ctx, c, size)
		return err
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

func generate(ctx context.Context, c *ent.Client, size Size) (*Generated, error) {
	g := &Generated{}
	county, err := createOrg(ctx, c, fmt.Sprintf("模拟县%d", size.Seed), org.KindCounty, org.SectorRural, 0)
	if err != nil {
		return nil, err
	}
	g.CountyID, g.Orgs = county, 1
	p := newPeople(size.Seed, regionCode(county))
	batch := make([]*ent.MemberCreate, 0, memberBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := c.Member.CreateBulk(batch...).Exec(ctx); err != nil {
			return fmt.Errorf("demo: creating members: %w", err)
		}
		g.Members += len(batch)
		batch = batch[:0]
		return nil
	}
	// branchMembers draws a branch's members, its secretary first.
	branchMembers := func(branch int, sector org.Sector) error {
		for i := range size.MembersPerBranch {
			m := p.person(sector, i == 0, "")
			m.NationalID = p.nationalID(&m)
			batch = append(batch, m.create(c, branch))
			if len(batch) == memberBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for t := 1; t <= size.Townships; t++ {
		tname := fmt.Sprintf("第%d乡镇", t)
		tid, err := createOrg(ctx, c, tname, org.KindTownship, org.SectorRural, county)
		if err != nil {
			return nil, err
		}
		g.TownshipIDs = append(g.TownshipIDs, tid)
		g.Orgs++
		for v := 1; v <= size.VillagesPerTownship; v++ {
			vname := fmt.Sprintf("%s第%d村", tname, v)
			vid, err := createOrg(ctx, c, vname, org.KindVillage, org.SectorRural, tid)
			if err != nil {
				return nil, err
			}
			g.Orgs++
			for b := 1; b <= size.BranchesPerVillage; b++ {
				bid, err := createOrg(ctx, c, fmt.Sprintf("%s第%d党支部", vname, b), org.KindBranch, org.SectorRural, vid)
				if err != nil {
					return nil, err
				}
				g.Orgs++
				if err := branchMembers(bid, org.SectorRural); err != nil {
					return nil, err
				}
			}
		}
	}
	if size.Year != 0 {
		for _, u := range genUnits {
			uid, err := createOrg(ctx, c, fmt.Sprintf("模拟县%d%s", size.Seed, u.name), org.KindUnit, u.sector, county)
			if err != nil {
				return nil, err
			}
			bid, err := createOrg(ctx, c, fmt.Sprintf("模拟县%d%s党支部", size.Seed, u.name), org.KindBranch, u.sector, uid)
			if err != nil {
				return nil, err
			}
			g.Orgs += 2
			if err := branchMembers(bid, u.sector); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if size.Year != 0 {
		start := time.Now()
		if err := activity(ctx, c, g, size); err != nil {
			return nil, err
		}
		// The rows went in by INSERT, past the hooks that keep the
		// rollups: the dashboards' tallies are computed as migrating or
		// `partyorg rollup --rebuild` would.
		if err := points.RollUpMissing(ctx, c); err != nil {
			return nil, err
		}
		if err := rollup.Rebuild(ctx, c); err != nil {
			return nil, err
		}
		g.RecordsTook = time.Since(start)
	}
	return g, nil
}
