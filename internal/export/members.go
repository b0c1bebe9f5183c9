package export

import (
	"context"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/internal/scope"
)

// Chinese labels of the member enums, as the tables show them.
var (
	genders  = map[member.Gender]string{member.GenderMale: "男", member.GenderFemale: "女"}
	statuses = map[member.Status]string{
		member.StatusFull: "正式党员", member.StatusProbationary: "预备党员", member.StatusActivist: "入党积极分子",
	}
	categories = map[member.Category]string{
		member.CategoryInOfficeCadre: "村组干部在职党员", member.CategoryAtHomeNoPost: "在家无职党员",
		member.CategoryMobile: "外出流动党员", member.CategoryElderlyInfirm: "年老体弱党员",
	}
)

// members lists the members of the branches under the org (党员名册):
// the current roster, whatever the year.
var members = Table{
	Type: ent.TypeMember,
	Sheets: []Sheet{{
		Key:  "members",
		Name: "党员名册",
		Columns: []Column{
			{"姓名", 12}, {"性别", 6}, {"出生日期", 12}, {"入党时间", 12}, {"党员状态", 14},
			{"党员类别", 18}, {"联系电话", 15}, {"公民身份号码", 22}, {"所在党支部", 30},
		},
		Rows: func(ctx context.Context, c *ent.Client, o *ent.Org, _ int, emit Emit) error {
			under := scope.RowsUnder(member.FieldBranchID, o.Path)
			return keyset(ctx, func(ctx context.Context, after int) ([]*ent.Member, error) {
				return c.Member.Query().
					Where(under, member.IDGT(after)).
					Order(ent.Asc(member.FieldID)).
					Limit(page).
					WithBranch().
					All(ctx)
			}, func(m *ent.Member) int { return m.ID }, func(ms []*ent.Member) error {
				for _, m := range ms {
					category := ""
					if m.Category != nil {
						category = label(categories, *m.Category)
					}
					// Phone and national ID come masked from the query
					// for a caller who may not see them whole.
					err := emit(m.Name, label(genders, m.Gender), Date(m.BirthDate), Date(m.JoinedAt), label(statuses, m.Status),
						category, m.Phone, m.NationalID, orgName(m.Edges.Branch))
					if err != nil {
						return err
					}
				}
				return nil
			})
		},
	}},
}
