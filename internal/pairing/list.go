package pairing

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/branchpairing"
	"github.com/partyorg/partyorg/ent/helppairing"
	"github.com/partyorg/partyorg/ent/leaderassignment"
	"github.com/partyorg/partyorg/ent/mobilerecord"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/predicate"
)

// Kinds selects the kinds of pairing a list holds; the zero value
// selects all.
type Kinds struct {
	Branch, Help, Leader, Mobile bool
}

func (k Kinds) all() bool { return k == Kinds{} }

// where is one list's filter per kind.
type where struct {
	branch []predicate.BranchPairing
	help   []predicate.HelpPairing
	leader []predicate.LeaderAssignment
	mobile []predicate.MobileRecord
}

// OfMember lists a member's pairings, as far as the caller can see them:
// the branch pairings it is responsible for, the households it helps,
// its assignments as a county-level leader, and the mobile records
// (流动党员联系人) that pair it with a contact cadre: a cadre's list holds
// the mobile members it keeps in touch with, a mobile member's its own
// departures, each naming the cadre.
func OfMember(ctx context.Context, c *ent.Client, memberID int, k Kinds) ([]ent.Noder, error) {
	return list(ctx, c, k, where{
		branch: []predicate.BranchPairing{branchpairing.ResponsibleID(memberID)},
		help:   []predicate.HelpPairing{helppairing.MemberID(memberID)},
		leader: []predicate.LeaderAssignment{leaderassignment.LeaderID(memberID)},
		mobile: []predicate.MobileRecord{mobilerecord.Or(mobilerecord.ContactID(memberID), mobilerecord.MemberID(memberID))},
	})
}

// OfOrg lists an org's pairings, as far as the caller can see them: the
// branch pairings it is either side of, the help pairings of its poor
// households or of its members (a village, a branch), the leaders
// assigned to it (a township, a village), the mobile members of its
// branches with their contact cadres (a branch, a village or community).
func OfOrg(ctx context.Context, c *ent.Client, orgID int, k Kinds) ([]ent.Noder, error) {
	return list(ctx, c, k, where{
		branch: []predicate.BranchPairing{branchpairing.Or(branchpairing.UnitBranchID(orgID), branchpairing.VillageBranchID(orgID))},
		help:   []predicate.HelpPairing{helppairing.Or(helppairing.VillageID(orgID), helppairing.BranchID(orgID))},
		leader: []predicate.LeaderAssignment{leaderassignment.Or(leaderassignment.TownshipID(orgID), leaderassignment.VillageID(orgID))},
		mobile: []predicate.MobileRecord{mobilerecord.Or(mobilerecord.BranchID(orgID), mobileOfBranchesUnder(orgID))},
	})
}

// mobileOfBranchesUnder keeps the mobile records of the branches directly under
// an org (a village's or community's branches).
func mobileOfBranchesUnder(orgID int) predicate.MobileRecord {
	return func(s *sql.Selector) {
		t := sql.Table(org.Table)
		s.Where(sql.In(s.C(mobilerecord.FieldBranchID),
			sql.Select(t.C(org.FieldID)).From(t).Where(sql.EQ(t.C(org.FieldParentID), orgID))))
	}
}

// list runs one query per selected kind, each in the caller's scope,
// newest first within a kind.
func list(ctx context.Context, c *ent.Client, k Kinds, w where) ([]ent.Noder, error) {
	out := []ent.Noder{}
	if k.all() || k.Branch {
		ps, err := c.BranchPairing.Query().Where(w.branch...).
			Order(ent.Desc(branchpairing.FieldStartOn), ent.Desc(branchpairing.FieldID)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out = append(out, p)
		}
	}
	if k.all() || k.Help {
		ps, err := c.HelpPairing.Query().Where(w.help...).
			Order(ent.Desc(helppairing.FieldSince), ent.Desc(helppairing.FieldID)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out = append(out, p)
		}
	}
	if k.all() || k.Leader {
		as, err := c.LeaderAssignment.Query().Where(w.leader...).
			Order(ent.Desc(leaderassignment.FieldYear), ent.Desc(leaderassignment.FieldID)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			out = append(out, a)
		}
	}
	if k.all() || k.Mobile {
		rs, err := c.MobileRecord.Query().Where(w.mobile...).
			Order(ent.Desc(mobilerecord.FieldLeftOn), ent.Desc(mobilerecord.FieldID)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			out = append(out, r)
		}
	}
	return out, nil
}
