package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/orgtree"
)

// surnames are common Chinese surnames, roughly most frequent first;
// pickSurname favours the head of the list.
var surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")

// Characters of given names, by gender.
var (
	maleChars   = []rune("建国伟强军明华志勇东海平波林涛鹏辉斌超刚德福贵春文成俊杰峰磊龙亮宏永忠民庆生发学新振兴家荣保山金洪利")
	femaleChars = []rune("秀英芳兰玉梅丽娟霞红艳燕萍琴敏静婷慧洁琳桂凤珍莉雪春花香翠云丹莲彩娜巧月菊华")
)

// person is one member record before it is written.
type person struct {
	Name       string
	Gender     member.Gender
	Birth      time.Time
	Joined     time.Time
	Status     member.Status
	Category   *member.Category // rural members only
	Phone      string
	NationalID string
}

// people draws plausible members from a seeded source. Everything it
// draws depends only on the seed and the order of calls, never on IDs
// assigned by the database, so the same seed gives the same people.
type people struct {
	rng *rand.Rand
	// ref is "today" for ages and dates of joining.
	ref time.Time
	// region is the 6-digit administrative code used in national IDs.
	region string
	// seqs counts IDs issued per birth date and gender.
	seqs map[string]int
}

func newPeople(seed int64, region string) *people {
	now := time.Now().UTC()
	return &people{
		rng:    rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		ref:    time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC),
		region: region,
		seqs:   map[string]int{},
	}
}

// regionCode derives a plausible, per-county administrative code
// (province, prefecture, county) from the county's org ID, so that two
// counties in one database never issue the same national ID.
func regionCode(countyID int) string {
	provinces := []int{41, 42, 43, 36, 37, 51, 52, 53, 61, 62, 13, 14, 15, 21, 22, 23, 34, 35, 44, 45, 50, 64, 65}
	seg, _ := strconv.Atoi(orgtree.Segment(countyID))
	county := seg % 80
	seg /= 80
	city := seg % 90
	seg /= 90
	prov := provinces[seg%len(provinces)]
	return fmt.Sprintf("%02d%02d%02d", prov, city+1, county+20)
}

// pickSurname returns a surname, favouring common ones; clan, when set,
// is the surname that dominates a village named after a family (杨家庄).
func (p *people) pickSurname(clan string) string {
	if clan != "" && p.rng.IntN(100) < 40 {
		return clan
	}
	f := p.rng.Float64()
	return string(surnames[int(f*f*float64(len(surnames)))])
}

func (p *people) givenName(g member.Gender) string {
	chars := maleChars
	if g == member.GenderFemale {
		chars = femaleChars
	}
	first := chars[p.rng.IntN(len(chars))]
	if p.rng.IntN(100) < 25 {
		return string(first)
	}
	second := chars[p.rng.IntN(len(chars))]
	for second == first {
		second = chars[p.rng.IntN(len(chars))]
	}
	return string([]rune{first, second})
}

// yearsAgo returns the reference day minus a span drawn from
// [minYears, maxYears) years.
func (p *people) yearsAgo(minYears, maxYears int) time.Time {
	days := minYears*365 + p.rng.IntN((maxYears-minYears)*365)
	return p.ref.AddDate(0, 0, -days)
}

// person draws one member of a branch of the sector. Party members of
// rural and community branches get a category (internal/classification);
// lead is the branch secretary (a full member, there a village or
// community cadre).
func (p *people) person(sector org.Sector, lead bool, clan string) person {
	var m person
	rural := sector == org.SectorRural
	malePct := 62
	if rural {
		malePct = 72
	}
	m.Gender = member.GenderFemale
	if p.rng.IntN(100) < malePct {
		m.Gender = member.GenderMale
	}
	m.Name = p.pickSurname(clan) + p.givenName(m.Gender)

	r := p.rng.IntN(100)
	switch {
	case lead || r < 80:
		m.Status = member.StatusFull
	case r < 88:
		m.Status = member.StatusProbationary
	default:
		m.Status = member.StatusActivist
	}

	if rural || sector == org.SectorCommunity {
		var c member.Category
		r := p.rng.IntN(100)
		switch {
		case lead || r < 15:
			c = member.CategoryInOfficeCadre
		case r < 60:
			c = member.CategoryAtHomeNoPost
		case r < 85:
			c = member.CategoryMobile
		default:
			c = member.CategoryElderlyInfirm
		}
		if c == member.CategoryElderlyInfirm && m.Status != member.StatusFull {
			// Frail members of long standing: activists are rarely elderly.
			c = member.CategoryAtHomeNoPost
		}
		// Activists carry no category (internal/classification).
		if m.Status != member.StatusActivist {
			m.Category = &c
		}
	}

	// Ages and dates of joining that fit status and category.
	switch {
	case m.Category != nil && *m.Category == member.CategoryElderlyInfirm:
		m.Birth = p.yearsAgo(70, 92)
	case m.Category != nil && *m.Category == member.CategoryMobile:
		m.Birth = p.yearsAgo(22, 50)
	case m.Category != nil && *m.Category == member.CategoryInOfficeCadre:
		m.Birth = p.yearsAgo(30, 60)
	case m.Status == member.StatusActivist:
		m.Birth = p.yearsAgo(21, 40)
	case m.Status == member.StatusProbationary:
		m.Birth = p.yearsAgo(22, 45)
	default:
		m.Birth = p.yearsAgo(24, 80)
	}
	switch m.Status {
	case member.StatusActivist:
		// The day the application was filed.
		m.Joined = p.yearsAgo(0, 3)
	case member.StatusProbationary:
		// Probation lasts a year.
		m.Joined = p.ref.AddDate(0, 0, -(20 + p.rng.IntN(330)))
	default:
		age := p.ref.Sub(m.Birth).Hours() / 24 / 365
		// Joined between 20 and min(age-2, 55), and at least a year ago.
		lo, hi := 20.0, min(age-1.5, 55)
		at := lo + p.rng.Float64()*max(hi-lo, 0.5)
		m.Joined = m.Birth.AddDate(int(at), p.rng.IntN(12), p.rng.IntN(28))
		if last := p.ref.AddDate(-1, 0, -1); m.Joined.After(last) {
			m.Joined = last
		}
	}

	prefixes := []string{"130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "158", "159", "177", "180", "182", "186", "187", "188", "189", "199"}
	m.Phone = prefixes[p.rng.IntN(len(prefixes))] + fmt.Sprintf("%08d", p.rng.IntN(100_000_000))
	return m
}

// nationalID issues the next unused 18-character citizen ID for m: region,
// birth date, a sequence number (odd for men, even for women) and the
// ISO 7064 MOD 11-2 check character. It uses no randomness.
func (p *people) nationalID(m *person) string {
	birth := m.Birth.Format("20060102")
	key := birth + string(m.Gender)
	k := p.seqs[key]
	p.seqs[key] = k + 1
	seq := 10 + 2*k
	if m.Gender == member.GenderMale {
		seq++
	}
	body := fmt.Sprintf("%s%s%03d", p.region, birth, seq%1000)
	return body + string(checkChar(body))
}

// checkChar computes the ISO 7064 MOD 11-2 check character of the first
// 17 digits of a citizen ID (GB 11643).
func checkChar(body string) byte {
	sum, w := 0, 1
	for i := len(body) - 1; i >= 0; i-- {
		w = w * 2 % 11
		sum += int(body[i]-'0') * w
	}
	c := (12 - sum%11) % 11
	if c == 10 {
		return 'X'
	}
	return byte('0' + c)
}

// create returns the builder that writes m into branch.
func (m *person) create(c *ent.Client, branch int) *ent.MemberCreate {
	return c.Member.Create().
		SetName(m.Name).
		SetGender(m.Gender).
		SetBirthDate(m.Birth).
		SetJoinedAt(m.Joined).
		SetStatus(m.Status).
		SetNillableCategory(m.Category).
		SetPhone(m.Phone).
		SetNationalID(m.NationalID).
		SetBranchID(branch)
}
