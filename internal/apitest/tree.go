package apitest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Password is every fixture account's password.
const Password = "password123"

// Tree is a fixture org tree with members and accounts, looked up by name.
type Tree struct {
	// Orgs by name: "C" (county), "C.T1" (township), "C.T1.V2" (village),
	// "C.T1.V2.B1" (branch).
	Orgs map[string]*ent.Org
	// Members by name: "<branch>.M1".
	Members map[string]*ent.Member
	// Users by username: "admin", "<role>.<org>" in lowercase with dots
	// turned into dashes, e.g. "org_admin.c-t1", "member.c-t1-v1-b1".
	Users map[string]*ent.User
}

// Username is the fixture account holding role at the named org.
func Username(role rolebinding.Role, orgName string) string {
	return strings.ToLower(string(role) + "." + strings.ReplaceAll(orgName, ".", "-"))
}

// Matrix builds county C with townships × villages × branches, members
// per branch, and at every org an ORG_ADMIN and a VIEWER account; every
// branch also has a MEMBER account linked to its first member; "admin" is
// ADMIN.
func Matrix(tb testing.TB, c *ent.Client, townships, villages, branches, members int) *Tree {
	tb.Helper()
	ctx := viewer.NewSystemContext(context.Background())
	t := &Tree{Orgs: map[string]*ent.Org{}, Members: map[string]*ent.Member{}, Users: map[string]*ent.User{}}
	err := db.WithTx(ctx, c, func(tx *ent.Tx) error {
		b := builder{ctx: ctx, c: tx.Client(), t: t}
		admin := rolebinding.RoleAdmin
		b.user("admin", account.NewUser{Role: &admin})
		county := b.org("C", org.KindCounty, nil)
		for i := 1; i <= townships; i++ {
			tn := b.org(fmt.Sprintf("%s.T%d", county.Name, i), org.KindTownship, county)
			for j := 1; j <= villages; j++ {
				vn := b.org(fmt.Sprintf("%s.V%d", tn.Name, j), org.KindVillage, tn)
				for k := 1; k <= branches; k++ {
					br := b.org(fmt.Sprintf("%s.B%d", vn.Name, k), org.KindBranch, vn)
					for m := 1; m <= members; m++ {
						b.member(fmt.Sprintf("%s.M%d", br.Name, m), br)
					}
				}
			}
		}
		return b.err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

type builder struct {
	ctx context.Context
	c   *ent.Client
	t   *Tree
	err error
}

func (b *builder) org(name string, kind org.Kind, parent *ent.Org) *ent.Org {
	if b.err != nil {
		return &ent.Org{Name: name}
	}
	q := b.c.Org.Create().SetName(name).SetKind(kind).SetSector(org.SectorRural)
	if parent != nil {
		q.SetParentID(parent.ID)
	}
	o, err := q.Save(b.ctx)
	if err != nil {
		b.err = fmt.Errorf("org %s: %w", name, err)
		return &ent.Org{Name: name}
	}
	b.t.Orgs[name] = o
	for _, role := range []rolebinding.Role{rolebinding.RoleOrgAdmin, rolebinding.RoleViewer} {
		b.user(Username(role, name), account.NewUser{Role: &role, OrgID: &o.ID})
	}
	return o
}

func (b *builder) member(name string, branch *ent.Org) {
	if b.err != nil {
		return
	}
	m, err := b.c.Member.Create().SetName(name).SetStatus(member.StatusFull).
		SetCategory(member.CategoryAtHomeNoPost).SetBranchID(branch.ID).Save(b.ctx)
	if err != nil {
		b.err = fmt.Errorf("member %s: %w", name, err)
		return
	}
	b.t.Members[name] = m
	if strings.HasSuffix(name, ".M1") {
		role := rolebinding.RoleMember
		b.user(Username(role, branch.Name), account.NewUser{Role: &role, OrgID: &branch.ID, MemberID: &m.ID})
	}
}

func (b *builder) user(username string, in account.NewUser) {
	if b.err != nil {
		return
	}
	in.Username, in.Password = username, Password
	u, err := account.Create(b.ctx, b.c, in)
	if err != nil {
		b.err = fmt.Errorf("user %s: %w", username, err)
		return
	}
	b.t.Users[username] = u
}
