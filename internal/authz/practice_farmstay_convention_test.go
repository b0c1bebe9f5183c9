package authz_test

import "github.com/partyorg/partyorg/internal/authz"

// What policy.csv grants for member conventions and farm-stay model
// households (issue 10), written out by hand as want is: each farm-stay
// step at one level, its rows readable by every ORG_ADMIN and VIEWER.
func init() {
	read := []string{authz.Read}
	crud := []string{authz.Read, authz.Create, authz.Update, authz.Delete}
	add := func(role, obj string, acts ...string) {
		if want[role] == nil {
			want[role] = map[string][]string{}
		}
		want[role][obj] = append(want[role][obj], acts...)
	}
	for _, obj := range []string{"FarmStayNomination", "FarmStayCriterion", "FarmStayOpinion", "FarmStayObjection", "Convention", "Recitation", "RecitationAbsence", "Plaque", "DemoPost"} {
		add("VIEWER", obj, read...)
	}
	for _, obj := range []string{"FarmStayNomination", "FarmStayCriterion", "FarmStayOpinion", "FarmStayObjection", "Convention"} {
		add("ORG_ADMIN", obj, read...)
	}
	for _, obj := range []string{"Recitation", "RecitationAbsence", "Plaque", "DemoPost"} {
		add("ORG_ADMIN", obj, crud...)
		add("MEMBER", obj, read...)
	}
	add("ORG_ADMIN", "FarmStayNomination", authz.Update, "lodgeObjection")
	add("ORG_ADMIN", "FarmStayObjection", authz.Create)
	add("ORG_ADMIN@VILLAGE", "FarmStayNomination", authz.Create, "nominate", "startNotice")
	add("ORG_ADMIN@VILLAGE", "FarmStayCriterion", authz.Create)
	add("ORG_ADMIN@TOWNSHIP", "FarmStayNomination", "resolveObjection", "review")
	add("ORG_ADMIN@TOWNSHIP", "FarmStayObjection", authz.Update)
	add("ORG_ADMIN@TOWNSHIP", "FarmStayOpinion", authz.Create)
	add("ORG_ADMIN@COUNTY", "FarmStayNomination", "approve", "reject", "withdrawPlaque")
	add("ORG_ADMIN@COUNTY", "Convention", authz.Create)
}
