package export_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent"
	entpledge "github.com/partyorg/partyorg/ent/pledge"
	"github.com/partyorg/partyorg/ent/pledgetopic"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/pointitem"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/pairing"
	"github.com/partyorg/partyorg/internal/pledge"
	"github.com/partyorg/partyorg/internal/points"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

// year is the fixture's main year; other years hold a few rows that a
// year's export must leave out.
const year = 2024

// row is what the fixture put in one row of a sheet: the row's name
// (its first column) begins with its org's name, "C.T1.V1.B1.M2" or
// "C.T1.V1.H1", so its scope follows from the name; year 0 is a row of
// every year.
type row struct {
	name string
	year int
}

// world is apitest.Matrix's county with a year of every exported
// practice, the rows each sheet ("table/key") should show, and the
// members' personal numbers by name.
type world struct {
	api      *apitest.API
	tree     *apitest.Tree
	rows     map[string][]row
	phone    map[string]string
	identity map[string]string
}

// want lists the names a sheet should show for the org in the year.
func (w *world) want(sheet, orgName string, y int) []string {
	var out []string
	for _, r := range w.rows[sheet] {
		if strings.HasPrefix(r.name, orgName+".") && (r.year == 0 || r.year == y) {
			out = append(out, r.name)
		}
	}
	return out
}

func (w *world) add(sheet, name string, y int) { w.rows[sheet] = append(w.rows[sheet], row{name, y}) }

func sysCtx() context.Context { return viewer.NewSystemContext(context.Background()) }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newWorld builds 2 townships × 2 villages × 2 branches × 2 members
// through the practices' own functions: personal numbers; points of
// 2023 (left open) and 2024 (closed, so with annual results); pledges of
// 2024 (M1's submitted) and 2025 (M2's); two poor households a village,
// helped by a member of the village and by one of the other township.
func newWorld(t *testing.T, d *testdb.DB) *world {
	t.Helper()
	ctx, c := sysCtx(), d.Client
	tree := apitest.Matrix(t, c, 2, 2, 2, 2)
	w := &world{api: apitest.New(t, d), tree: tree, rows: map[string][]row{},
		phone: map[string]string{}, identity: map[string]string{}}
	i := 0
	for name, m := range tree.Members {
		i++
		w.phone[name] = fmt.Sprintf("1380000%04d", i)
		w.identity[name] = fmt.Sprintf("41010219900101%04d", i)
		must(t, c.Member.UpdateOneID(m.ID).SetPhone(w.phone[name]).SetNationalID(w.identity[name]).Exec(ctx))
		w.add("members/members", name, 0)
	}
	w.points(t, c)
	w.pledges(t, c)
	w.households(t, c)
	return w
}

func (w *world) points(t *testing.T, c *ent.Client) {
	ctx, county := sysCtx(), w.tree.Orgs["C"].ID
	for _, y := range []int{year - 1, year} {
		_, err := points.SetUpCatalogs(ctx, c, county, y)
		must(t, err)
	}
	items := map[int]map[pointitem.Part][]*ent.PointItem{}
	for _, y := range []int{year - 1, year} {
		cat, err := points.Current(ctx, c, county, y, "RURAL")
		must(t, err)
		items[y] = map[pointitem.Part][]*ent.PointItem{}
		for _, it := range cat.Edges.Items {
			items[y][it.Part] = append(items[y][it.Part], it)
		}
	}
	var creates []*ent.PointEntryCreate
	add := func(m *ent.Member, name string, it *ent.PointItem, y, month int) {
		on := time.Date(y, time.Month(month), 10, 0, 0, 0, 0, time.UTC)
		period := points.Period(on)
		creates = append(creates, c.PointEntry.Create().
			SetBranchID(m.BranchID).SetMemberID(m.ID).SetItemID(it.ID).
			SetPart(string(it.Part)).SetItemTitle(it.Title).SetPoints(it.Points).
			SetYear(points.YearOf(period)).SetPeriod(period).SetOccurredOn(on).
			SetSource(pointentry.SourceBranchRecorded).SetState(pointentry.StateApproved).
			SetReviewedOn(on).SetEnteredBy(0))
		w.add("points/entries", name, y)
	}
	for name, m := range w.tree.Members {
		// M1 does every duty and contributes once; M2 misses two duties.
		base := items[year][pointitem.PartBase]
		if strings.HasSuffix(name, ".M2") {
			base = base[2:]
		} else {
			add(m, name, items[year][pointitem.PartBonus][0], year, 5)
			add(m, name, items[year-1][pointitem.PartBase][0], year-1, 3)
		}
		for k, it := range base {
			add(m, name, it, year, 1+k%11)
		}
		w.add("points/results", name, year)
	}
	_, err := c.PointEntry.CreateBulk(creates...).Save(ctx)
	must(t, err)
	for name, b := range w.tree.Orgs {
		if strings.Count(name, ".") != 3 {
			continue
		}
		for half := 1; half <= 2; half++ {
			on := points.HalfEnd(year, half).AddDate(0, 0, 1)
			hy, err := points.CloseHalfYear(ctx, c, b.ID, year, half, &on)
			must(t, err)
			_, err = points.PublishHalfYear(ctx, c, hy.ID, &on)
			must(t, err)
		}
		on := points.YearEnd(year).AddDate(0, 0, 1)
		_, err := points.CloseYear(ctx, c, b.ID, year, &on)
		must(t, err)
	}
}

func (w *world) pledges(t *testing.T, c *ent.Client) {
	ctx := sysCtx()
	topics, err := c.PledgeTopic.Query().Where(pledgetopic.Sector("RURAL"), pledgetopic.CountyIDIsNil()).All(ctx)
	must(t, err)
	for name, m := range w.tree.Members {
		y := year
		if strings.HasSuffix(name, ".M2") {
			y = year + 1
		}
		var items []pledge.Item
		for _, tp := range topics {
			items = append(items, pledge.Item{TopicID: tp.ID, Content: name + "：" + tp.Title})
			w.add("pledges/items", name, y)
		}
		p, err := pledge.Create(ctx, c, pledge.New{MemberID: m.ID, Year: y, Kind: entpledge.KindAnnual, Items: items})
		must(t, err)
		w.add("pledges/pledges", name, y)
		if y == year {
			on := time.Date(year, 1, 20, 0, 0, 0, 0, time.UTC)
			_, err = pledge.Submit(ctx, c, p.ID, &on)
			must(t, err)
		}
	}
}

func (w *world) households(t *testing.T, c *ent.Client) {
	ctx := sysCtx()
	on := time.Date(year, 3, 1, 0, 0, 0, 0, time.UTC)
	for name, v := range w.tree.Orgs {
		if strings.Count(name, ".") != 2 {
			continue
		}
		for k := 1; k <= 2; k++ {
			head := fmt.Sprintf("%s.H%d", name, k)
			h, err := pairing.CreatePoorHousehold(ctx, c, pairing.NewPoorHousehold{VillageID: v.ID, Head: head, Size: 2 + k, On: &on})
			must(t, err)
			w.add("households/households", head, 0)
			helpers := []string{name + ".B1.M2"}
			if k == 2 {
				// A helper from the other township: the household's side
				// still lists it, by its copied name.
				other := strings.Replace(name, "C.T1", "C.T2", 1)
				if other == name {
					other = strings.Replace(name, "C.T2", "C.T1", 1)
				}
				helpers = append(helpers, other+".B2.M1")
			}
			for _, hn := range helpers {
				_, err := pairing.PairHousehold(ctx, c, w.tree.Members[hn].ID, h.ID, &on)
				must(t, err)
			}
		}
	}
}
