package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/branchpairing"
	"github.com/partyorg/partyorg/ent/carefundentry"
	"github.com/partyorg/partyorg/ent/contactlog"
	"github.com/partyorg/partyorg/ent/helppairing"
	"github.com/partyorg/partyorg/ent/leaderassignment"
	"github.com/partyorg/partyorg/ent/leadervisit"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/mobilerecord"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pledge"
	"github.com/partyorg/partyorg/ent/pledgeitem"
	"github.com/partyorg/partyorg/ent/pledgetopic"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/pointitem"
	"github.com/partyorg/partyorg/ent/poorhousehold"
	"github.com/partyorg/partyorg/ent/visit"
	"github.com/partyorg/partyorg/ent/welfarepost"
	"github.com/partyorg/partyorg/internal/db"
	pledges "github.com/partyorg/partyorg/internal/pledge"
	"github.com/partyorg/partyorg/internal/points"
)

// A generated county's year of work (Size.Year), at a real county's
// volume: what the dashboards (internal/analytics) and the benchmarks
// read. Per county of demo.County's size, roughly: 30,000 year-end
// results and 360,000 approved point entries, 9,000 pledges with 18,000
// items, 8,000 welfare posts, 7,000 mobile members with 60,000 contacts,
// 30,000 visits to 3,500 elderly members, 3,000 care-fund entries, 1,500
// poor households and 1,000 helpers, 20 branch pairings and 8 county
// leaders with their visits. Every choice is drawn from the Seed.

// genUnits are the county units (县直单位) a county with activity gets,
// one branch each: the unit side of the branch pairings and the county
// leaders' posts.
var genUnits = []struct {
	name   string
	sector org.Sector
}{
	{"县委组织部", org.SectorAgency},
	{"县人民医院", org.SectorInstitution},
	{"县供电公司", org.SectorSOE},
	{"县第一中学", org.SectorSchool},
}

// year generates one county's records of a year.
type year struct {
	c   *ent.Client
	rng *rand.Rand
	// ppl draws the poor households' heads.
	ppl  *people
	y    int
	now  time.Time
	orgs map[int]*ent.Org
	// county, its townships and villages, the branches under each
	// village and the units' branches, in ID order.
	county       *ent.Org
	townships    []*ent.Org
	villages     []*ent.Org
	branchesOf   map[int][]*ent.Org
	unitBranches []*ent.Org
	members      []*ent.Member
	byBranch     map[int][]*ent.Member
	// households are the poor households by village, once written.
	households map[int][]household
}

type household struct {
	id   int
	head string
}

func (a *year) day(month, d int) time.Time {
	return time.Date(a.y, time.Month(month), d, 0, 0, 0, 0, time.UTC)
}

// chance is true with probability pct %.
func (a *year) chance(pct int) bool { return a.rng.IntN(100) < pct }

// weighted draws an index of weights, each as likely as its weight.
func (a *year) weighted(weights ...int) int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	r := a.rng.IntN(sum)
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return len(weights) - 1
}

// activity writes the year's records of the county g built.
func activity(ctx context.Context, c *ent.Client, g *Generated, size Size) error {
	county, err := c.Org.Get(ctx, g.CountyID)
	if err != nil {
		return err
	}
	a := &year{
		c: c, y: size.Year, now: time.Now().UTC(), county: county,
		rng:        rand.New(rand.NewPCG(uint64(size.Seed), 0x5bd1e995)),
		ppl:        newPeople(size.Seed+1_000_003, ""),
		orgs:       map[int]*ent.Org{},
		branchesOf: map[int][]*ent.Org{},
		byBranch:   map[int][]*ent.Member{},
		households: map[int][]household{},
	}
	orgs, err := c.Org.Query().Where(org.PathHasPrefix(county.Path)).Order(ent.Asc(org.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		a.orgs[o.ID] = o
	}
	for _, o := range orgs {
		switch {
		case o.Kind == org.KindTownship:
			a.townships = append(a.townships, o)
		case o.Kind == org.KindVillage:
			a.villages = append(a.villages, o)
		case o.Kind == org.KindBranch && a.orgs[o.ParentID].Kind == org.KindUnit:
			a.unitBranches = append(a.unitBranches, o)
		case o.Kind == org.KindBranch:
			a.branchesOf[o.ParentID] = append(a.branchesOf[o.ParentID], o)
		}
	}
	a.members, err = c.Member.Query().Where(member.HasBranchWith(org.PathHasPrefix(county.Path))).
		Order(ent.Asc(member.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	for _, m := range a.members {
		a.byBranch[m.BranchID] = append(a.byBranch[m.BranchID], m)
	}
	g.Records = map[string]int{}
	for _, step := range []func(context.Context) (map[string]int, error){
		a.points, a.pledges, a.posts, a.mobile, a.elderly, a.careFunds, a.poorHouseholds, a.branchPairings, a.leaders,
	} {
		n, err := step(ctx)
		if err != nil {
			return err
		}
		for k, v := range n {
			g.Records[k] += v
		}
	}
	return nil
}

// write inserts the tables in order and counts their rows.
func (a *year) write(ctx context.Context, tables ...*table) (map[string]int, error) {
	n := map[string]int{}
	for _, t := range tables {
		n[t.name] += len(t.rows)
		if err := t.insert(ctx, a.c); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (a *year) category(m *ent.Member) member.Category {
	if m.Category == nil {
		return ""
	}
	return *m.Category
}

// cadre is the first village cadre of the branch, the members' contact
// and visitor; nil when the branch has none.
func (a *year) cadre(branch int) any {
	for _, m := range a.byBranch[branch] {
		if a.category(m) == member.CategoryInOfficeCadre {
			return m.ID
		}
	}
	return nil
}

// points gives every member twelve approved entries of the year, each
// in the first half of its month so that its points period (16th to
// 15th) is that month, and a year-end result with totals, grades and
// consequences spread. The county's last member's year stays open, so
// that a live score has entries to add up.
func (a *year) points(ctx context.Context) (map[string]int, error) {
	if _, err := points.SetUpCatalogs(ctx, a.c, a.county.ID, a.y); err != nil {
		return nil, err
	}
	entries := newTable(pointentry.Table, "created_at", "updated_at", "branch_id", "member_id", "item_id", "part", "item_title",
		"points", "year", "period", "occurred_on", "source", "certifiers", "state", "entered_by", "reviewed_on")
	results := newTable(annualresult.Table, "created_at", "updated_at", "branch_id", "member_id", "year", "status", "sector",
		"base", "bonus", "deduction", "vetoed", "total", "grade", "consequences")
	catalogs := map[org.Sector]map[pointitem.Part][]*ent.PointItem{}
	for i, m := range a.members {
		sector := a.orgs[m.BranchID].Sector
		items, ok := catalogs[sector]
		if !ok {
			var err error
			if items, err = itemsFor(ctx, a.c, a.county.ID, a.y, sector); err != nil {
				return nil, err
			}
			catalogs[sector] = items
		}
		base, bonus, deduction := items[pointitem.PartBase], items[pointitem.PartBonus], items[pointitem.PartDeduction]
		// The eight duties, two contributions, a deduction and a duty
		// recorded twice: twelve entries (DESIGN.md §4).
		year := append(append([]*ent.PointItem{}, base...), bonus[i%len(bonus)], bonus[(i+1)%len(bonus)], deduction[i%len(deduction)], base[i%len(base)])
		for k, it := range year {
			on := a.day(1+k%12, 1+i%15)
			entries.add(a.now, a.now, m.BranchID, m.ID, it.ID, string(it.Part), it.Title, it.Points,
				a.y, points.Period(on), on, pointentry.SourceBranchRecorded.String(), "[]", pointentry.StateApproved.String(), 0, on)
		}
		if i == len(a.members)-1 {
			continue
		}
		s := points.Score{
			Base:      []int{100, 90, 80, 70, 60}[a.weighted(60, 20, 10, 6, 4)],
			Bonus:     5 * a.rng.IntN(5),
			Deduction: []int{0, 5, 10, 20}[a.weighted(70, 18, 9, 3)],
			Vetoed:    a.rng.IntN(1000) < 3,
		}
		if !s.Vetoed {
			s.Total = s.Base + s.Bonus - s.Deduction
		}
		grade := points.DefaultThresholds.Grade(s)
		cs, err := json.Marshal(append([]points.Consequence{}, points.Consequences(m.Status, s, grade, nil)...))
		if err != nil {
			return nil, err
		}
		results.add(a.now, a.now, m.BranchID, m.ID, a.y, string(m.Status), string(sector),
			s.Base, s.Bonus, s.Deduction, s.Vetoed, s.Total, grade.String(), string(cs))
	}
	return a.write(ctx, entries, results)
}

var (
	genPledgeContents = []string{"带头发展特色种养, 带动农户增收", "结对帮扶一户困难群众", "带头参与人居环境整治",
		"协助调解邻里纠纷", "每月参加一次志愿服务", "带头移风易俗", "提高工作效能, 优化服务流程", "带头学习农业实用技术"}
	pledgeStates = []pledge.State{pledge.StateEvaluated, pledge.StatePublished, pledge.StateApproved,
		pledge.StateSubmitted, pledge.StateReturned, pledge.StateDraft}
	itemResults = []pledgeitem.Result{pledgeitem.ResultFulfilled, pledgeitem.ResultPartly, pledgeitem.ResultNotFulfilled}
)

// pledges: a third of the members (activists make none) pledge for the
// year, one to three items under their sector's topics; most pledges
// are evaluated, the rest stand at every earlier step.
func (a *year) pledges(ctx context.Context) (map[string]int, error) {
	made := newTable(pledge.Table, "created_at", "updated_at", "member_name", "year", "kind", "state", "submitted_on",
		"published_on", "channels", "report_from", "evaluated_on", "member_id", "branch_id")
	type planned struct {
		m     *ent.Member
		state pledge.State
	}
	var plan []planned
	for _, m := range a.members {
		if m.Status == member.StatusActivist || !a.chance(33) {
			continue
		}
		state := pledgeStates[a.weighted(70, 12, 5, 5, 3, 5)]
		var submitted, published, evaluated, channels any
		if state != pledge.StateDraft {
			submitted = a.day(1, 8)
		}
		if state == pledge.StatePublished || state == pledge.StateEvaluated {
			published, channels = a.day(1, 12), `["BULLETIN_BOARD","CHAT_GROUP"]`
		}
		if state == pledge.StateEvaluated {
			evaluated = time.Date(a.y+1, 1, 6, 0, 0, 0, 0, time.UTC)
		}
		made.add(a.now, a.now, m.Name, a.y, pledge.KindAnnual.String(), state.String(), submitted, published, channels, 1, evaluated, m.ID, m.BranchID)
		plan = append(plan, planned{m, state})
	}
	n, err := a.write(ctx, made)
	if err != nil || len(plan) == 0 {
		return n, err
	}
	// A database migrated by db.Migrate holds the topics already.
	if err := pledges.SeedTopics(ctx, a.c); err != nil {
		return nil, err
	}
	ids, err := idsBy[int](ctx, a.c, `SELECT p.id, p.member_id FROM pledges p JOIN orgs o ON o.id = p.branch_id
WHERE p.year = ? AND p.kind = 'ANNUAL' AND o.path LIKE ?`, a.y, a.county.Path+"%")
	if err != nil {
		return nil, err
	}
	topics := map[org.Sector][]int{}
	items := newTable(pledgeitem.Table, "created_at", "updated_at", "branch_id", "member_id", "content", "result", "pledge_id", "topic_id")
	for _, p := range plan {
		sector := a.orgs[p.m.BranchID].Sector
		if _, ok := topics[sector]; !ok {
			if topics[sector], err = a.c.PledgeTopic.Query().Where(pledgetopic.Sector(string(sector)), pledgetopic.CountyIDIsNil()).
				Order(ent.Asc(pledgetopic.FieldID)).IDs(ctx); err != nil {
				return nil, err
			}
			if len(topics[sector]) == 0 {
				return nil, fmt.Errorf("demo: no pledge topics for %s", sector)
			}
		}
		for k := range 1 + a.rng.IntN(3) {
			var result any
			if p.state == pledge.StateEvaluated {
				result = itemResults[a.weighted(78, 14, 8)].String()
			}
			ts := topics[sector]
			items.add(a.now, a.now, p.m.BranchID, p.m.ID, genPledgeContents[(k+a.rng.IntN(len(genPledgeContents)))%len(genPledgeContents)],
				result, ids[p.m.ID], ts[a.rng.IntN(len(ts))])
		}
	}
	m, err := a.write(ctx, items)
	n[pledgeitem.Table] = m[pledgeitem.Table]
	return n, err
}

// posts: three in five members at home without a post hold a
// public-welfare post; a branch in ten has a vacant one.
func (a *year) posts(ctx context.Context) (map[string]int, error) {
	posts := newTable(welfarepost.Table, "created_at", "updated_at", "kind", "duty", "term_start", "term_end", "branch_id", "holder_id")
	start := a.day(1, 1)
	end := start.AddDate(3, 0, -1)
	k := 0
	post := func(branch int, holder any) {
		kind := demoPostKinds[k%len(demoPostKinds)]
		k++
		posts.add(a.now, a.now, kind.String(), demoPostDuties[kind], start, end, branch, holder)
	}
	for _, m := range a.members {
		if a.category(m) == member.CategoryAtHomeNoPost && a.chance(60) {
			post(m.BranchID, m.ID)
		}
	}
	for _, vs := range a.branchesOf {
		for _, b := range vs {
			if a.chance(10) {
				post(b.ID, nil)
			}
		}
	}
	return a.write(ctx, posts)
}

// mobile: every mobile member is registered away with a cadre as
// contact and keeps in touch in some months of the year, some often and
// some rarely, so that both sides of "contact within 30 days" exist.
func (a *year) mobile(ctx context.Context) (map[string]int, error) {
	records := newTable(mobilerecord.Table, "created_at", "updated_at", "state", "destination", "left_on", "last_contact_on",
		"branch_id", "member_id", "contact_id")
	type contact struct {
		m  *ent.Member
		on time.Time
	}
	var contacts []contact
	for _, m := range a.members {
		if a.category(m) != member.CategoryMobile {
			continue
		}
		left := time.Date(a.y-1-a.rng.IntN(3), time.Month(1+a.rng.IntN(12)), 1+a.rng.IntN(28), 0, 0, 0, 0, time.UTC)
		often := 20 + a.rng.IntN(80)
		var last any
		for month := 1; month <= 12; month++ {
			if a.chance(often) {
				on := a.day(month, 1+a.rng.IntN(28))
				contacts = append(contacts, contact{m, on})
				last = on
			}
		}
		records.add(a.now, a.now, mobilerecord.StateAWAY.String(), demoDestinations[a.rng.IntN(len(demoDestinations))], left, last,
			m.BranchID, m.ID, a.cadre(m.BranchID))
	}
	n, err := a.write(ctx, records)
	if err != nil || len(contacts) == 0 {
		return n, err
	}
	ids, err := idsBy[int](ctx, a.c, `SELECT r.id, r.member_id FROM mobile_records r JOIN orgs o ON o.id = r.branch_id
WHERE r.state = 'AWAY' AND o.path LIKE ?`, a.county.Path+"%")
	if err != nil {
		return nil, err
	}
	logs := newTable(contactlog.Table, "created_at", "updated_at", "on", "kind", "channel", "branch_id", "member_id", "record_id")
	for _, ct := range contacts {
		logs.add(a.now, a.now, ct.on, demoContactKinds[a.rng.IntN(len(demoContactKinds))].String(), "微信", ct.m.BranchID, ct.m.ID, ids[ct.m.ID])
	}
	m, err := a.write(ctx, logs)
	n[contactlog.Table] = m[contactlog.Table]
	return n, err
}

// elderly: the elderly and infirm members are visited in most months,
// by the branch's cadre, some every month and some seldom.
func (a *year) elderly(ctx context.Context) (map[string]int, error) {
	visits := newTable(visit.Table, "created_at", "updated_at", "on", "findings", "problems_solved", "branch_id", "member_id", "visitor_id")
	for _, m := range a.members {
		if a.category(m) != member.CategoryElderlyInfirm {
			continue
		}
		often := 40 + a.rng.IntN(61)
		for month := 1; month <= 12; month++ {
			if a.chance(often) {
				visits.add(a.now, a.now, a.day(month, 1+a.rng.IntN(28)), "身体状况稳定", "帮助代购药品", m.BranchID, m.ID, a.cadre(m.BranchID))
			}
		}
	}
	return a.write(ctx, visits)
}

// careFunds: each township's and village's care fund takes donations;
// the villages' pay out to their elderly members, and one payment in
// twenty is reversed as a duplicate.
func (a *year) careFunds(ctx context.Context) (map[string]int, error) {
	cols := []string{"created_at", "updated_at", "kind", "amount_fen", "on", "donor", "reason", "approver", "reversed_kind", "org_id", "member_id", "reverses_id"}
	entries := newTable(carefundentry.Table, cols...)
	donors := []string{"县慈善总会", "返乡企业家", "机关党员捐款", "村集体经济"}
	donate := func(fund int) {
		entries.add(a.now, a.now, carefundentry.KindDONATION.String(), int64(100000+1000*a.rng.IntN(400)), a.day(1+a.rng.IntN(12), 1+a.rng.IntN(28)),
			donors[a.rng.IntN(len(donors))], nil, nil, nil, fund, nil, nil)
	}
	for _, t := range a.townships {
		donate(t.ID)
	}
	for _, v := range a.villages {
		for range 2 + a.rng.IntN(3) {
			donate(v.ID)
		}
		paid := 0
		for _, b := range a.branchesOf[v.ID] {
			for _, m := range a.byBranch[b.ID] {
				if a.category(m) != member.CategoryElderlyInfirm || paid >= 6 || !a.chance(50) {
					continue
				}
				paid++
				entries.add(a.now, a.now, carefundentry.KindDISBURSEMENT.String(), int64(20000+1000*a.rng.IntN(60)), a.day(1+a.rng.IntN(12), 1+a.rng.IntN(28)),
					nil, "住院医疗补助", "generated", nil, v.ID, m.ID, nil)
			}
		}
	}
	n, err := a.write(ctx, entries)
	if err != nil {
		return nil, err
	}
	rows, err := a.c.QueryContext(ctx, a.q(`SELECT e.id, e.amount_fen, e.org_id, e.member_id FROM care_fund_entries e JOIN orgs o ON o.id = e.org_id
WHERE e.kind = 'DISBURSEMENT' AND o.path LIKE ? ORDER BY e.id`), a.county.Path+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	reversals := newTable(carefundentry.Table, cols...)
	for i := 0; rows.Next(); i++ {
		var id, fund, m int
		var fen int64
		if err := rows.Scan(&id, &fen, &fund, &m); err != nil {
			return nil, err
		}
		if i%20 == 19 {
			reversals.add(a.now, a.now, carefundentry.KindREVERSAL.String(), fen, a.day(12, 28), nil, "重复发放, 冲正", "generated",
				carefundentry.KindDISBURSEMENT.String(), fund, m, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	m, err := a.write(ctx, reversals)
	n[carefundentry.Table] += m[carefundentry.Table]
	return n, err
}

// q writes a statement's ? placeholders for the database.
func (a *year) q(query string) string { return db.Rebind(a.c.Dialect(), query) }

var householdStates = []poorhousehold.Status{poorhousehold.StatusPoor, poorhousehold.StatusRelapseRisk, poorhousehold.StatusLiftedOut}

// poorHouseholds: two to eight poor households a village, a third
// lifted out; three in four of the others have a member of the village
// helping them.
func (a *year) poorHouseholds(ctx context.Context) (map[string]int, error) {
	households := newTable(poorhousehold.Table, "created_at", "updated_at", "head", "size", "status", "status_on", "village_id")
	status := map[string]poorhousehold.Status{}
	for _, v := range a.villages {
		heads := map[string]bool{}
		for range 2 + a.rng.IntN(7) {
			p := a.ppl.person(org.SectorRural, false, "")
			if heads[p.Name] {
				continue
			}
			heads[p.Name] = true
			s := householdStates[a.weighted(55, 15, 30)]
			status[fmt.Sprint(v.ID, "/", p.Name)] = s
			a.households[v.ID] = append(a.households[v.ID], household{head: p.Name})
			households.add(a.now, a.now, p.Name, 1+a.rng.IntN(6), s.String(), a.day(1+a.rng.IntN(12), 1+a.rng.IntN(28)), v.ID)
		}
	}
	n, err := a.write(ctx, households)
	if err != nil {
		return nil, err
	}
	ids, err := idsBy[string](ctx, a.c, `SELECT h.id, h.village_id || '/' || h.head FROM poor_households h JOIN orgs o ON o.id = h.village_id
WHERE o.path LIKE ?`, a.county.Path+"%")
	if err != nil {
		return nil, err
	}
	pairings := newTable(helppairing.Table, "created_at", "updated_at", "village_id", "branch_id", "member_name", "household_head", "since", "member_id", "household_id")
	for _, v := range a.villages {
		var helpers []*ent.Member
		for _, b := range a.branchesOf[v.ID] {
			for _, m := range a.byBranch[b.ID] {
				if m.Status != member.StatusActivist {
					helpers = append(helpers, m)
				}
			}
		}
		hs := a.households[v.ID]
		for i := range hs {
			key := fmt.Sprint(v.ID, "/", hs[i].head)
			hs[i].id = ids[key]
			if status[key] == poorhousehold.StatusLiftedOut || len(helpers) == 0 || !a.chance(75) {
				continue
			}
			m := helpers[a.rng.IntN(len(helpers))]
			pairings.add(a.now, a.now, v.ID, m.BranchID, m.Name, hs[i].head, a.day(1+a.rng.IntN(6), 1+a.rng.IntN(28)), m.ID, hs[i].id)
		}
	}
	m, err := a.write(ctx, pairings)
	n[helppairing.Table] = m[helppairing.Table]
	return n, err
}

// branchPairings: each unit's branch is paired with five village
// branches, and an earlier pairing has ended.
func (a *year) branchPairings(ctx context.Context) (map[string]int, error) {
	pairings := newTable(branchpairing.Table, "created_at", "updated_at", "unit_branch_name", "village_branch_name", "start_on", "end_on",
		"status", "unit_branch_id", "village_branch_id", "responsible_id")
	if len(a.villages) == 0 {
		return nil, nil
	}
	for _, u := range a.unitBranches {
		var responsible any
		if ms := a.byBranch[u.ID]; len(ms) > 1 {
			responsible = ms[1].ID
		}
		for k := range 6 {
			vb := a.branchesOf[a.villages[a.rng.IntN(len(a.villages))].ID]
			if len(vb) == 0 {
				continue
			}
			b := vb[a.rng.IntN(len(vb))]
			status, end := branchpairing.StatusActive, any(nil)
			if k == 5 {
				status, end = branchpairing.StatusEnded, a.day(3, 31)
			}
			pairings.add(a.now, a.now, u.Name, b.Name, time.Date(a.y-1, 3, 1, 0, 0, 0, 0, time.UTC), end, status.String(), u.ID, b.ID, responsible)
		}
	}
	return a.write(ctx, pairings)
}

// leaders: the first two members of each unit are county leaders
// (县处级领导干部), each with a township, a village and one or two of its
// households for the year, visiting one to three times a month; some
// months meet the quotas and some do not.
func (a *year) leaders(ctx context.Context) (map[string]int, error) {
	assignments := newTable(leaderassignment.Table, "created_at", "updated_at", "year", "leader_name", "leader_id", "township_id", "village_id")
	type lead struct {
		m        *ent.Member
		township int
		village  *ent.Org
	}
	var leads []lead
	for _, u := range a.unitBranches {
		ms := a.byBranch[u.ID]
		for i := 0; i < 2 && i < len(ms) && len(a.villages) > 0; i++ {
			v := a.villages[a.rng.IntN(len(a.villages))]
			leads = append(leads, lead{ms[i], v.ParentID, v})
			assignments.add(a.now, a.now, a.y, ms[i].Name, ms[i].ID, v.ParentID, v.ID)
		}
	}
	n, err := a.write(ctx, assignments)
	if err != nil || len(leads) == 0 {
		return n, err
	}
	ids, err := idsBy[int](ctx, a.c, `SELECT l.id, l.leader_id FROM leader_assignments l JOIN orgs o ON o.id = l.village_id
WHERE l.year = ? AND o.path LIKE ?`, a.y, a.county.Path+"%")
	if err != nil {
		return nil, err
	}
	assigned := newTable(leaderassignment.HouseholdsTable, leaderassignment.HouseholdsPrimaryKey...)
	visits := newTable(leadervisit.Table, "created_at", "updated_at", "township_id", "leader_id", "on", "place", "problems_solved", "note", "assignment_id")
	type visited struct {
		assignment int
		on         time.Time
		households []household
	}
	var vs []visited
	for _, l := range leads {
		id, hs := ids[l.m.ID], a.households[l.village.ID]
		if len(hs) > 2 {
			hs = hs[:1+a.rng.IntN(2)]
		}
		for _, h := range hs {
			assigned.add(id, h.id)
		}
		for month := 1; month <= 12; month++ {
			for k := range 1 + a.rng.IntN(3) {
				on := a.day(month, 1+9*k+a.rng.IntN(9))
				visits.add(a.now, a.now, l.township, l.m.ID, on, l.village.Name, a.rng.IntN(3), "驻村走访", id)
				vs = append(vs, visited{id, on, hs})
			}
		}
	}
	m, err := a.write(ctx, assigned, visits)
	if err != nil {
		return nil, err
	}
	for k, v := range m {
		n[k] = v
	}
	// The households each visit saw, found by (assignment, day).
	rows, err := a.c.QueryContext(ctx, a.q(`SELECT v.id, v.assignment_id, v."on" FROM leader_visits v JOIN orgs o ON o.id = v.township_id
WHERE o.path LIKE ?`), a.county.Path+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct {
		assignment int
		on         string
	}
	vids := map[key]int{}
	for rows.Next() {
		var id, assignment int
		var on time.Time
		if err := rows.Scan(&id, &assignment, &on); err != nil {
			return nil, err
		}
		vids[key{assignment, on.Format(time.DateOnly)}] = id
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	seen := newTable(leadervisit.HouseholdsTable, leadervisit.HouseholdsPrimaryKey...)
	for _, v := range vs {
		hs := v.households
		if len(hs) > 1 && a.chance(40) {
			hs = hs[:1]
		}
		for _, h := range hs {
			seen.add(vids[key{v.assignment, v.on.Format(time.DateOnly)}], h.id)
		}
	}
	m, err = a.write(ctx, seen)
	for k, v := range m {
		n[k] = v
	}
	return n, err
}
