package authz_test

import "github.com/partyorg/partyorg/internal/authz"

// The pairings' policy (internal/pairing), written out by hand like want:
// the county organizes branch pairings and leaders' assignments; every
// ORG_ADMIN keeps the rest in its subtree; VIEWER reads; a MEMBER reads
// its branch's pairings and their activities.
func init() {
	read := []string{authz.Read}
	for _, obj := range []string{"JointActivity", "PoorHousehold", "HouseholdStatusChange", "HouseholdProblem", "HelpPairing", "HelpRecord", "LeaderVisit"} {
		want["ORG_ADMIN"][obj] = actions
		want["VIEWER"][obj] = read
	}
	// A VIEWER exports the households (internal/export).
	want["VIEWER"]["PoorHousehold"] = []string{authz.Read, "export"}
	for _, obj := range []string{"BranchPairing", "LeaderAssignment"} {
		want["ORG_ADMIN"][obj] = read
		want["VIEWER"][obj] = read
	}
	if want["ORG_ADMIN@COUNTY"] == nil {
		want["ORG_ADMIN@COUNTY"] = map[string][]string{}
	}
	want["ORG_ADMIN@COUNTY"]["BranchPairing"] = actions
	want["ORG_ADMIN@COUNTY"]["LeaderAssignment"] = actions
	want["MEMBER"]["BranchPairing"] = read
	want["MEMBER"]["JointActivity"] = read
}
