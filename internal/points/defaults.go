package points

import (
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pointitem"
)

// ItemSpec is one item of a catalogue as it is set (and as the API's
// createPointCatalog takes it).
type ItemSpec struct {
	Part    pointitem.Part
	Title   string
	Points  int
	YearCap *int
}

func capOf(n int) *int { return &n }

// baseItems are the Party Constitution's eight duties of a member
// (《党章》规定的党员义务), 100 points in all; a duty not met scores 0.
var baseItems = []ItemSpec{
	{pointitem.PartBase, "认真学习马克思列宁主义、毛泽东思想和中国特色社会主义理论，按时参加组织生活和主题党日", 15, nil},
	{pointitem.PartBase, "贯彻执行党的基本路线和各项方针、政策，带头参加改革开放和社会主义现代化建设", 15, nil},
	{pointitem.PartBase, "坚持党和人民的利益高于一切，吃苦在前，享受在后，克己奉公", 10, nil},
	{pointitem.PartBase, "自觉遵守党的纪律，按时交纳党费，模范遵守国家的法律法规", 15, nil},
	{pointitem.PartBase, "维护党的团结和统一，对党忠诚老实，言行一致", 10, nil},
	{pointitem.PartBase, "切实开展批评和自我批评，勇于揭露和纠正缺点、错误", 10, nil},
	{pointitem.PartBase, "密切联系群众，向群众宣传党的主张，遇事同群众商量", 15, nil},
	{pointitem.PartBase, "发扬社会主义新风尚，带头践行社会主义核心价值观", 10, nil},
}

// sectorThemes are the seed's themes for each sector's contributions
// (贡献加分, seed 五(一)).
var sectorThemes = map[org.Sector][]string{
	org.SectorRural:         {"脱贫攻坚", "创业致富", "联系群众", "建设美丽乡村", "维护和谐稳定", "弘扬文明新风正气"},
	org.SectorCommunity:     {"脱贫攻坚", "创业致富", "联系群众", "建设美丽乡村", "维护和谐稳定", "弘扬文明新风正气"},
	org.SectorAgency:        {"提高工作效能", "提升业务能力", "服务基层群众", "坚持清正廉洁"},
	org.SectorInstitution:   {"提高工作效能", "提升业务能力", "服务基层群众", "坚持清正廉洁"},
	org.SectorServiceWindow: {"提高工作效能", "提升业务能力", "服务基层群众", "坚持清正廉洁"},
	org.SectorSOE:           {"改革创新", "科学管理", "提质增效", "促进企业健康发展"},
	org.SectorNonPublic:     {"坚持诚信执业", "依法合规经营", "主动承担社会责任", "提供优质产品和服务"},
	org.SectorSocialOrg:     {"坚持诚信执业", "依法合规经营", "主动承担社会责任", "提供优质产品和服务"},
	org.SectorSchool:        {"改进教育方法", "提高教育质量", "建设和谐校园", "帮助学生树立正确价值观"},
}

// commonItems are the deductions and vetoes every sector shares
// (违规扣分, 一票否决).
var commonItems = []ItemSpec{
	{pointitem.PartDeduction, "无故不参加组织生活、主题党日", 5, capOf(30)},
	{pointitem.PartDeduction, "不按时交纳党费", 5, capOf(20)},
	{pointitem.PartDeduction, "违反规章制度或村规民约，造成不良影响", 10, capOf(40)},
	{pointitem.PartVeto, "违纪违法，受到党纪政务处分或刑事处罚", 0, nil},
	{pointitem.PartVeto, "不在组织、不像党员、不起作用、不守规矩，严重背离党员标准", 0, nil},
}

// DefaultItems is a fresh county's catalogue for a sector: the eight
// duties, 5 points per contribution to each of the sector's themes (at
// most 20 a year each), the common deductions and vetoes.
func DefaultItems(s org.Sector) []ItemSpec {
	items := append([]ItemSpec(nil), baseItems...)
	for _, theme := range sectorThemes[s] {
		items = append(items, ItemSpec{pointitem.PartBonus, theme, 5, capOf(20)})
	}
	return append(items, commonItems...)
}
