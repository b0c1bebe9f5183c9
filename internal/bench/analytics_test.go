package bench

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/internal/analytics"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/demo"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

// figures are the headline numbers of one org's dashboard, as the
// hand-written statements and internal/analytics each get them.
type figures struct {
	Members, Mobile, Away, Elderly, Unvisited, WithoutPost int
	Graded, PointSum                                       int
	Pledges, Evaluated, Fulfilled                          int
	InFen, OutFen                                          int
	VillageBranches, Paired, Poor, Helped                  int
	Assignments, Compliant                                 int
	Entries, Visits, Contacts, Disbursements, Disbursed    int
}

// TestDashboardSQL: the benchmark's hand-written arm computes the
// figures that analytics(orgID, year) answers, for the county and a
// township and each of their children, so that the ratio between them
// compares the same work.
func TestDashboardSQL(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		ctx := context.Background()
		size := demo.Size{Townships: 2, VillagesPerTownship: 3, BranchesPerVillage: 2, MembersPerBranch: 8, Seed: 3, Year: 2025}
		if _, err := demo.Generate(ctx, d.Client, size); err != nil {
			t.Fatal(err)
		}
		drv, err := db.OpenDriver(d.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer drv.Close()
		e := &Env{SQL: drv.DB(), Postgres: db.IsPostgres(d.DSN)}
		if err := e.find(ctx, 1); err != nil {
			t.Fatal(err)
		}
		sys := viewer.NewSystemContext(ctx)
		for _, root := range []struct {
			id   int
			path string
		}{{e.County, e.CountyPath}, {e.Township, e.Path}} {
			byHand, err := e.dashboardFigures(ctx, root.id, root.path)
			if err != nil {
				t.Fatal(err)
			}
			r, err := analytics.New(sys, d.Client, root.id, e.Year)
			if err != nil {
				t.Fatal(err)
			}
			children, err := r.Children(sys)
			if err != nil {
				t.Fatal(err)
			}
			for _, rep := range append(children, r) {
				want, err := reportFigures(sys, rep)
				if err != nil {
					t.Fatal(err)
				}
				got := byHand[rep.Org.Path]
				if got == nil {
					got = &figures{}
				}
				if *got != want {
					t.Errorf("%s (root %s):\nby hand   %+v\nanalytics %+v", rep.Org.Path, root.path, *got, want)
				}
				if rep.Org.ID == root.id && (want.Members == 0 || want.Graded == 0 || want.Entries == 0 || want.Visits == 0 || want.Pledges == 0) {
					t.Errorf("%s: the generated year left a family empty: %+v", rep.Org.Path, want)
				}
			}
		}
	})
}

// dashboardFigures runs dashboardSQL's statements and adds their rows up
// by child; the root's figures are the sum over all rows.
func (e *Env) dashboardFigures(ctx context.Context, root int, path string) (map[string]*figures, error) {
	out := map[string]*figures{}
	for _, s := range e.dashboardStatements(root, path) {
		if s.name == "orgs" {
			continue
		}
		rows, err := e.SQL.QueryContext(ctx, e.q(s.query), s.args...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		for rows.Next() {
			vals := make([]any, s.cols)
			dest := make([]any, s.cols)
			for i := range vals {
				dest[i] = &vals[i]
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, err
			}
			str := func(i int) string {
				if b, ok := vals[i].([]byte); ok {
					return string(b)
				}
				if vals[i] == nil {
					return ""
				}
				return fmt.Sprint(vals[i])
			}
			num := func(i int) int {
				n, err := strconv.ParseFloat(str(i), 64)
				if err != nil {
					panic(fmt.Sprintf("%s column %d: %v", s.name, i, err))
				}
				return int(n)
			}
			for _, child := range []string{str(0), path} {
				f := out[child]
				if f == nil {
					f = &figures{}
					out[child] = f
				}
				switch s.name {
				case "members":
					// child, status, category, gender, count, bands…, without post, away, unvisited
					n := num(4)
					f.Members += n
					f.WithoutPost += num(s.cols - 3)
					switch str(2) {
					case member.CategoryMobile.String():
						f.Mobile += n
						f.Away += num(s.cols - 2)
					case member.CategoryElderlyInfirm.String():
						f.Elderly += n
						f.Unvisited += num(s.cols - 1)
					}
				case "points":
					f.Graded += num(4)
					f.PointSum += num(5)
				case "pledges":
					f.Pledges += num(2)
				case "items":
					f.Evaluated += num(1)
					f.Fulfilled += num(2)
				case "fund":
					fen := num(3)
					switch {
					case str(1) == "DONATION":
						f.InFen += fen
					case str(1) == "DISBURSEMENT":
						f.OutFen += fen
					case str(2) == "DONATION":
						f.InFen -= fen
					default:
						f.OutFen -= fen
					}
				case "branches":
					f.VillageBranches += num(1)
					f.Paired += num(2)
				case "households":
					f.Poor += num(1)
					f.Helped += num(2)
				case "leaders":
					f.Assignments += num(1)
					f.Compliant += num(1) - num(2)
				case "monthly":
					if d := str(2); len(d) < 4 || d[:4] != strconv.Itoa(e.Year) {
						continue
					}
					switch num(1) {
					case 0:
						f.Entries += num(3)
					case 1:
						f.Visits += num(3)
					case 2:
						f.Contacts += num(3)
					case 3:
						f.Disbursements += num(3)
						f.Disbursed += num(4)
					}
				}
				if str(0) == path {
					break
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// reportFigures reads the same numbers from a report.
func reportFigures(ctx context.Context, r *analytics.Report) (figures, error) {
	var f figures
	m, err := r.Members(ctx)
	if err != nil {
		return f, err
	}
	mob, _ := r.Mobile(ctx)
	old, _ := r.Elderly(ctx)
	p, err := r.Points(ctx)
	if err != nil {
		return f, err
	}
	pl, err := r.Pledges(ctx)
	if err != nil {
		return f, err
	}
	fund, err := r.CareFund(ctx)
	if err != nil {
		return f, err
	}
	pa, err := r.Pairings(ctx)
	if err != nil {
		return f, err
	}
	l, err := r.Leaders(ctx)
	if err != nil {
		return f, err
	}
	months, err := r.Monthly(ctx)
	if err != nil {
		return f, err
	}
	f = figures{
		Members: m.Total, Mobile: mob.Members, Away: mob.Members - mob.ContactedWithin30Days,
		Elderly: old.Members, Unvisited: old.Members - old.VisitedThisMonth, WithoutPost: m.WithoutPost,
		Graded: p.Graded, PointSum: int(math.Round(p.Average() * float64(p.Graded))),
		Pledges: pl.Total, Evaluated: pl.Evaluated, Fulfilled: pl.Fulfilled,
		InFen: int(fund.InFen), OutFen: int(fund.OutFen),
		VillageBranches: pa.VillageBranches, Paired: pa.PairedBranches, Poor: pa.PoorHouseholds, Helped: pa.HelpedHouseholds,
		Assignments: l.Assignments, Compliant: l.Compliant,
	}
	for _, mo := range months {
		f.Entries += mo.EntriesApproved
		f.Visits += mo.Visits
		f.Contacts += mo.Contacts
		f.Disbursements += mo.Disbursements
		f.Disbursed += int(mo.DisbursedFen)
	}
	return f, nil
}
