package pledge

import (
	"context"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
)

// seedTopics are the directions of seed 二(一) (科学定诺) per sector, and for
// rural members 一(一): their post duties and their tasks in poverty
// alleviation. Communities, which the seed does not single out, take the
// five "lead by example" requirements every pledge should reflect.
var seedTopics = []struct {
	sectors []org.Sector
	titles  []string
}{
	{[]org.Sector{org.SectorAgency, org.SectorInstitution}, []string{"改进作风", "提高效能", "服务群众", "廉洁自律"}},
	{[]org.Sector{org.SectorSOE}, []string{"提高管理水平", "完成生产经营任务", "技术创新", "节能减排", "安全生产", "维护职工权益"}},
	{[]org.Sector{org.SectorNonPublic, org.SectorSocialOrg}, []string{"遵守国家法律法规", "团结凝聚职工群众", "维护各方合法权益", "促进生产经营和各项业务工作开展"}},
	{[]org.Sector{org.SectorServiceWindow}, []string{"三亮三比三评", "建设群众满意窗口", "创造优质服务品牌", "提高服务水平"}},
	{[]org.Sector{org.SectorSchool}, []string{"贯彻党的教育方针", "推进教育改革", "搞好教书育人"}},
	{[]org.Sector{org.SectorRural}, []string{"岗位职责和目标责任", "脱贫攻坚职责任务"}},
	{[]org.Sector{org.SectorCommunity}, []string{"带头学习提高", "带头争创佳绩", "带头服务群众", "带头遵纪守法", "带头弘扬正气"}},
}

// SeedTopics gives a database without topics the seed's topics for every
// sector, for every county. It does nothing once any topic exists, so a
// retired topic stays retired across restarts. ctx must allow the writes
// (the server's own context).
func SeedTopics(ctx context.Context, c *ent.Client) error {
	any, err := c.PledgeTopic.Query().Exist(ctx)
	if err != nil || any {
		return err
	}
	var bulk []*ent.PledgeTopicCreate
	for _, g := range seedTopics {
		for _, s := range g.sectors {
			for _, t := range g.titles {
				bulk = append(bulk, c.PledgeTopic.Create().SetSector(string(s)).SetTitle(t).SetCreatedBy("seed"))
			}
		}
	}
	return c.PledgeTopic.CreateBulk(bulk...).Exec(ctx)
}
