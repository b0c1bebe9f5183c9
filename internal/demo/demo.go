// Package demo fills a database with demonstration data: Load builds a
// small, realistic county with accounts at every level (for
// `partyorg serve --demo`), Generate builds a county of any size quickly
// and deterministically (for benchmarks and tests).
//
// All writes go through the ent client, so the tree's hooks (paths,
// allowed parents), the privacy policies and the audit trail apply to
// demo data as to any other; each call writes in one transaction.
package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/ent/user"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Account is a demo login printed at start.
type Account struct {
	Username, Password string
	// Role is "ADMIN", "ORG_ADMIN", "VIEWER" or "MEMBER".
	Role string
	// Org is the name of the role's org ("" for ADMIN).
	Org string
}

// loadSeed fixes the names, statuses and sizes of the demo county.
const loadSeed = 20240701

const countyName = "青山县"

// unitSpec is a unit (县直单位 or 乡镇站所) and its branches.
type unitSpec struct {
	name     string
	sector   org.Sector
	branches []string
}

// placeSpec is a village or community; clan is the family that dominates
// a village named after it (杨家庄村).
type placeSpec struct {
	name     string
	clan     string
	branches int
}

type townshipSpec struct {
	name, pinyin string
	community    placeSpec
	villages     []placeSpec
	station      unitSpec
}

var townships = []townshipSpec{
	{
		name: "河口镇", pinyin: "hekou",
		community: placeSpec{name: "滨河社区", branches: 1},
		villages: []placeSpec{
			{name: "东岗村", branches: 2},
			{name: "西沟村", branches: 1},
			{name: "南坪村", branches: 2},
			{name: "杨家庄村", clan: "杨", branches: 1},
		},
		station: unitSpec{name: "河口镇农业综合服务中心", sector: org.SectorInstitution},
	},
	{
		name: "柳林乡", pinyin: "liulin",
		community: placeSpec{name: "柳林社区", branches: 1},
		villages: []placeSpec{
			{name: "柳树湾村", branches: 1},
			{name: "马家湾村", clan: "马", branches: 2},
			{name: "红旗村", branches: 1},
		},
		station: unitSpec{name: "柳林乡林业工作站", sector: org.SectorInstitution},
	},
	{
		name: "石桥镇", pinyin: "shiqiao",
		community: placeSpec{name: "石桥社区", branches: 2},
		villages: []placeSpec{
			{name: "石门村", branches: 1},
			{name: "李家坪村", clan: "李", branches: 1},
			{name: "上河村", branches: 2},
			{name: "下河村", branches: 1},
		},
		station: unitSpec{name: "石桥镇卫生院", sector: org.SectorInstitution},
	},
	{
		name: "松岭乡", pinyin: "songling",
		community: placeSpec{name: "松岭社区", branches: 1},
		villages: []placeSpec{
			{name: "青龙村", branches: 1},
			{name: "黄土坡村", branches: 1},
			{name: "王家沟村", clan: "王", branches: 1},
		},
		station: unitSpec{name: "松岭乡中心学校", sector: org.SectorSchool},
	},
	{
		name: "白沙镇", pinyin: "baisha",
		community: placeSpec{name: "白沙社区", branches: 1},
		villages: []placeSpec{
			{name: "桃园村", branches: 2},
			{name: "张家寨村", clan: "张", branches: 1},
			{name: "新华村", branches: 1},
			{name: "大坪村", branches: 1},
		},
		station: unitSpec{name: "白沙镇便民服务中心", sector: org.SectorServiceWindow},
	},
}

// countyUnits are the units directly under the county (县直单位).
var countyUnits = []unitSpec{
	{name: "青山县委组织部", sector: org.SectorAgency, branches: []string{"青山县委组织部机关党支部"}},
	{name: "青山县财政局", sector: org.SectorAgency, branches: []string{"青山县财政局机关党支部"}},
	{name: "青山县人民医院", sector: org.SectorInstitution, branches: []string{"青山县人民医院内科党支部", "青山县人民医院行政后勤党支部"}},
	{name: "国网青山县供电公司", sector: org.SectorSOE, branches: []string{"国网青山县供电公司党支部"}},
	{name: "青山县绿源农业科技有限公司", sector: org.SectorNonPublic, branches: []string{"青山县绿源农业科技有限公司党支部"}},
	{name: "青山县个体劳动者协会", sector: org.SectorSocialOrg, branches: []string{"青山县个体劳动者协会党支部"}},
	{name: "青山县第一中学", sector: org.SectorSchool, branches: []string{"青山县第一中学党支部"}},
	{name: "青山县政务服务中心", sector: org.SectorServiceWindow, branches: []string{"青山县政务服务中心党支部"}},
}

// branchNames names the n branches of a village or community.
func branchNames(township, place string, n int) []string {
	if n == 1 {
		return []string{township + place + "党支部"}
	}
	ordinals := []string{"第一", "第二", "第三", "第四"}
	out := make([]string, n)
	for i := range out {
		out[i] = township + place + ordinals[i] + "党支部"
	}
	return out
}

// accountSpec is one demo login; member, when set, links a MEMBER
// account to a member record of its branch.
type accountSpec struct {
	username string
	role     rolebinding.Role
	org      string // "" for ADMIN
	member   *memberSpec
	password string
	hash     string
}

// memberSpec fixes the index-th member of a branch to a known person, so
// that the account's username matches its name.
type memberSpec struct {
	index  int
	name   string
	female bool
}

func demoAccounts() []*accountSpec {
	accts := []*accountSpec{
		{username: "admin", role: rolebinding.RoleAdmin},
		{username: "county.viewer", role: rolebinding.RoleViewer, org: countyName},
	}
	for _, t := range townships {
		accts = append(accts, &accountSpec{username: t.pinyin + ".admin", role: rolebinding.RoleOrgAdmin, org: t.name})
	}
	return append(accts,
		// The village Party secretary of 东岗村 (村党组织书记).
		&accountSpec{username: "dongang.admin", role: rolebinding.RoleOrgAdmin, org: "东岗村"},
		// A branch secretary (支部书记).
		&accountSpec{username: "dongang1.secretary", role: rolebinding.RoleOrgAdmin, org: "河口镇东岗村第一党支部"},
		// The Party office of a county unit.
		&accountSpec{username: "hospital.admin", role: rolebinding.RoleOrgAdmin, org: "青山县人民医院"},
		// Members: a villager and a community resident.
		&accountSpec{username: "wangjianguo", role: rolebinding.RoleMember, org: "河口镇东岗村第一党支部",
			member: &memberSpec{index: 1, name: "王建国"}},
		&accountSpec{username: "lixiuying", role: rolebinding.RoleMember, org: "河口镇滨河社区党支部",
			member: &memberSpec{index: 2, name: "李秀英", female: true}},
	)
}

// Load fills an empty database with a realistic demo county (青山县: five
// townships with their villages, communities, organs and stations, and
// county units of every sector, each with its branches and members) and
// returns the accounts created, with their passwords. The passwords are
// random on each Load. If the database already holds an org, Load does
// nothing and returns nil, nil.
func Load(ctx context.Context, client *ent.Client) ([]Account, error) {
	ctx = viewer.NewSystemContext(ctx)
	if exists, err := client.Org.Query().Exist(ctx); err != nil || exists {
		return nil, err
	}
	accts, err := unclaimed(ctx, client, demoAccounts())
	if err != nil {
		return nil, err
	}
	if err := hashPasswords(accts); err != nil {
		return nil, err
	}
	loaded := false
	err = db.WithTx(ctx, client, func(tx *ent.Tx) error {
		c := tx.Client()
		// Someone may have filled the database in the meantime.
		if exists, err := c.Org.Query().Exist(ctx); err != nil || exists {
			return err
		}
		loaded = true
		return load(ctx, c, accts)
	})
	if err != nil || !loaded {
		return nil, err
	}
	out := make([]Account, len(accts))
	for i, a := range accts {
		out[i] = Account{Username: a.username, Password: a.password, Role: string(a.role), Org: a.org}
	}
	return out, nil
}

// unclaimed drops the accounts whose usernames are taken: an admin made
// with --admin-password keeps its own password.
func unclaimed(ctx context.Context, c *ent.Client, accts []*accountSpec) ([]*accountSpec, error) {
	names := make([]string, len(accts))
	for i, a := range accts {
		names[i] = a.username
	}
	taken, err := c.User.Query().Where(user.UsernameIn(names...)).Select(user.FieldUsername).Strings(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(accts, func(a *accountSpec) bool { return slices.Contains(taken, a.username) }), nil
}

// hashPasswords draws a password for each account and hashes them in
// parallel (bcrypt is slow on purpose).
func hashPasswords(accts []*accountSpec) error {
	errs := make([]error, len(accts))
	var wg sync.WaitGroup
	for i, a := range accts {
		a.password = "demo-" + strings.ToLower(rand.Text()[:8])
		wg.Go(func() {
			h, err := bcrypt.GenerateFromPassword([]byte(a.password), bcrypt.DefaultCost)
			a.hash, errs[i] = string(h), err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("demo: hashing password: %w", err)
		}
	}
	return nil
}

// loader writes the demo county, remembering each org's ID by name (the
// demo's names are unique).
type loader struct {
	c       *ent.Client
	p       *people
	orgs    map[string]int
	members map[string][]int // member IDs by branch name
	// fixed people by branch name.
	fixed map[string]*memberSpec
}

func load(ctx context.Context, c *ent.Client, accts []*accountSpec) error {
	l := &loader{c: c, orgs: map[string]int{}, members: map[string][]int{}, fixed: map[string]*memberSpec{}}
	for _, a := range accts {
		if a.member != nil {
			l.fixed[a.org] = a.member
		}
	}
	county, err := l.org(ctx, countyName, org.KindCounty, org.SectorRural, 0)
	if err != nil {
		return err
	}
	l.p = newPeople(loadSeed, regionCode(county))
	for _, t := range townships {
		tid, err := l.org(ctx, t.name, org.KindTownship, org.SectorRural, county)
		if err != nil {
			return err
		}
		// The township's organs (乡镇机关) and its station (乡镇站所).
		if err := l.branch(ctx, t.name+"机关党支部", org.SectorAgency, tid, ""); err != nil {
			return err
		}
		station := t.station
		if len(station.branches) == 0 {
			station.branches = []string{station.name + "党支部"}
		}
		if err := l.unit(ctx, station, tid); err != nil {
			return err
		}
		// The community in the town seat and the villages.
		places := append([]placeSpec{t.community}, t.villages...)
		for i, pl := range places {
			kind, sector := org.KindVillage, org.SectorRural
			if i == 0 {
				kind, sector = org.KindCommunity, org.SectorCommunity
			}
			pid, err := l.org(ctx, pl.name, kind, sector, tid)
			if err != nil {
				return err
			}
			for _, b := range branchNames(t.name, pl.name, pl.branches) {
				if err := l.branch(ctx, b, sector, pid, pl.clan); err != nil {
					return err
				}
			}
		}
	}
	for _, u := range countyUnits {
		if err := l.unit(ctx, u, county); err != nil {
			return err
		}
	}
	if err := l.conventionsAndFarmStays(ctx); err != nil {
		return err
	}
	if err := l.pairings(ctx); err != nil {
		return err
	}
	for _, a := range accts {
		if err := l.account(ctx, a); err != nil {
			return err
		}
	}
	if err := l.pledges(ctx); err != nil {
		return err
	}
	if err := loadClassification(ctx, c); err != nil {
		return err
	}
	return loadPoints(ctx, c, county)
}

func (l *loader) org(ctx context.Context, name string, kind org.Kind, sector org.Sector, parent int) (int, error) {
	id, err := createOrg(ctx, l.c, name, kind, sector, parent)
	if err != nil {
		return 0, err
	}
	l.orgs[name] = id
	return id, nil
}

func (l *loader) unit(ctx context.Context, u unitSpec, parent int) error {
	uid, err := l.org(ctx, u.name, org.KindUnit, u.sector, parent)
	if err != nil {
		return err
	}
	for _, b := range u.branches {
		if err := l.branch(ctx, b, u.sector, uid, ""); err != nil {
			return err
		}
	}
	return nil
}

// branch creates a branch and its 8–18 members; the first is the
// secretary.
func (l *loader) branch(ctx context.Context, name string, sector org.Sector, parent int, clan string) error {
	bid, err := l.org(ctx, name, org.KindBranch, sector, parent)
	if err != nil {
		return err
	}
	n := 8 + l.p.rng.IntN(11)
	builders := make([]*ent.MemberCreate, n)
	for i := range builders {
		m := l.p.person(sector, i == 0, clan)
		if f := l.fixed[name]; f != nil && f.index == i {
			m.Name = f.name
			m.Gender = member.GenderMale
			if f.female {
				m.Gender = member.GenderFemale
			}
		}
		m.NationalID = l.p.nationalID(&m)
		builders[i] = m.create(l.c, bid)
	}
	ms, err := l.c.Member.CreateBulk(builders...).Save(ctx)
	if err != nil {
		return fmt.Errorf("demo: creating members of %s: %w", name, err)
	}
	for _, m := range ms {
		l.members[name] = append(l.members[name], m.ID)
	}
	return nil
}

func (l *loader) account(ctx context.Context, a *accountSpec) error {
	u := l.c.User.Create().SetUsername(a.username).SetPasswordHash(a.hash)
	rb := l.c.RoleBinding.Create().SetRole(a.role)
	if a.org != "" {
		oid, ok := l.orgs[a.org]
		if !ok {
			return fmt.Errorf("demo: account %s: no org %s", a.username, a.org)
		}
		u.SetOrgID(oid)
		rb.SetOrgID(oid)
	}
	if a.member != nil {
		ids := l.members[a.org]
		if a.member.index >= len(ids) {
			return fmt.Errorf("demo: account %s: %s has no member #%d", a.username, a.org, a.member.index)
		}
		u.SetMemberID(ids[a.member.index])
	}
	usr, err := u.Save(ctx)
	if err != nil {
		return fmt.Errorf("demo: creating account %s: %w", a.username, err)
	}
	if err := rb.SetUserID(usr.ID).Exec(ctx); err != nil {
		return fmt.Errorf("demo: granting %s to %s: %w", a.role, a.username, err)
	}
	return nil
}

// createOrg creates one org under parent (0: none) and returns its ID.
// Orgs go in one at a time: the tree's hook sets each one's path.
func createOrg(ctx context.Context, c *ent.Client, name string, kind org.Kind, sector org.Sector, parent int) (int, error) {
	q := c.Org.Create().SetName(name).SetKind(kind).SetSector(sector)
	if parent != 0 {
		q.SetParentID(parent)
	}
	o, err := q.Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("demo: creating %s %s: %w", kind, name, err)
	}
	return o.ID, nil
}
