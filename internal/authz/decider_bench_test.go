package authz_test

import (
	"testing"

	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/viewer"
)

// BenchmarkDecider measures what every request pays for its decider (from
// the cache after the first) and to answer the scope of one type and one
// write check.
func BenchmarkDecider(b *testing.B) {
	az, err := authz.New()
	if err != nil {
		b.Fatal(err)
	}
	grants := []viewer.Grant{{Role: "ORG_ADMIN", OrgID: 7, Path: "/1/7/"}, {Role: "MEMBER", OrgID: 42, Path: "/1/9/42/"}}
	for b.Loop() {
		d, err := az.Decider(1, grants)
		if err != nil {
			b.Fatal(err)
		}
		if s := d.Scope("Member"); len(s.Prefixes) != 1 {
			b.Fatal(s)
		}
		if !d.Allow("/1/7/8/", "Member", "update") {
			b.Fatal("denied")
		}
	}
}
