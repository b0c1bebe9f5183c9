package classification_test

import (
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent/auditlog"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestMobileMembers: departure with a cadre of the same village as
// contact, the contact log, return; the noContactSince work list on its
// day edge; viewerCan… agreeing with the steps.
func TestMobileMembers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		const b1 = "C.T1.V1.B1"
		admin := orgAdmin("C.T1")
		f.setCategory("C.T1.V1.B2.M1", member.CategoryInOfficeCadre) // same village, other branch
		f.setCategory("C.T1.V2.B1.M1", member.CategoryInOfficeCadre) // other village
		today := day.Today()
		left := today.AddDate(0, 0, -40)
		departure := func(who, contact string, leftOn time.Time) map[string]any {
			return gqlVars("in", map[string]any{"memberID": f.m(who), "destination": "广东省东莞市", "occupation": "电子厂",
				"leftOn": dayVar(leftOn), "contactID": f.m(contact)})
		}
		f.refuse("contact from another village", admin, departureQ, departure(b1+".M2", "C.T1.V2.B1.M1", left), "BAD_USER_INPUT")
		f.refuse("contact who is no cadre", admin, departureQ, departure(b1+".M2", b1+".M3", left), "BAD_USER_INPUT")
		f.refuse("leaving tomorrow", admin, departureQ, departure(b1+".M2", "C.T1.V1.B2.M1", today.AddDate(0, 0, 1)), "BAD_USER_INPUT")
		f.refuse("viewer registers", orgViewer("C.T1"), departureQ, departure(b1+".M2", "C.T1.V1.B2.M1", left), "FORBIDDEN")
		f.refuse("other township registers", orgAdmin("C.T2"), departureQ, departure(b1+".M2", "C.T1.V1.B2.M1", left), "NOT_FOUND")

		var rec struct {
			RegisterDeparture struct {
				ID     string
				State  string
				Member struct{ Category string }
			}
		}
		f.as(admin).MustDo(t, departureQ, departure(b1+".M2", "C.T1.V1.B2.M1", left), &rec)
		if r := rec.RegisterDeparture; r.State != "AWAY" || r.Member.Category != "MOBILE" {
			t.Fatalf("after departure %+v, want AWAY and MOBILE", r)
		}
		f.as(admin).MustDo(t, departureQ, departure(b1+".M3", "C.T1.V1.B2.M1", left), nil)
		f.refuse("second departure", admin, departureQ, departure(b1+".M2", "C.T1.V1.B2.M1", left), "CONFLICT")

		contact := func(who string, on time.Time) map[string]any {
			return gqlVars("in", map[string]any{"memberID": f.m(who), "on": dayVar(on), "kind": "THOUGHT_REPORT", "channel": "微信"})
		}
		f.refuse("contact tomorrow", admin, logContactQ, contact(b1+".M2", today.AddDate(0, 0, 1)), "BAD_USER_INPUT")
		f.refuse("contact before leaving", admin, logContactQ, contact(b1+".M2", left.AddDate(0, 0, -1)), "BAD_USER_INPUT")
		f.refuse("contact with a member at home", admin, logContactQ, contact(b1+".M1", today), "CONFLICT")
		f.refuse("viewer logs a contact", orgViewer("C.T1"), logContactQ, contact(b1+".M2", today), "FORBIDDEN")
		contacted := today.AddDate(0, 0, -10)
		f.as(admin).MustDo(t, logContactQ, contact(b1+".M2", contacted), nil)
		var lc struct {
			LogContact struct{ LastContactOn string }
		}
		f.as(admin).MustDo(t, logContactQ, contact(b1+".M2", left), &lc) // an older report entered late
		if lc.LogContact.LastContactOn != dayVar(contacted) {
			t.Errorf("lastContactOn %s, want %s", lc.LogContact.LastContactOn, dayVar(contacted))
		}

		// noContactSince: a contact on the day counts; the day after, it does not.
		within := f.o("C.T1")
		for _, tc := range []struct {
			since time.Time
			want  int
		}{{contacted, 1}, {contacted.AddDate(0, 0, 1), 2}, {left, 1}, {left.AddDate(0, 0, 1), 1}} {
			if n := f.count(admin, map[string]any{"noContactSince": dayVar(tc.since), "withinOrg": within}); n != tc.want {
				t.Errorf("noContactSince %s: %d, want %d", dayVar(tc.since), n, tc.want)
			}
		}
		if n := f.count(orgViewer("C.T2"), map[string]any{"noContactSince": dayVar(today)}); n != 0 {
			t.Errorf("another township's viewer sees %d mobile members", n)
		}

		// viewerCan… gives the mutation's answer.
		can := func(user string) (logContact, ret bool) {
			var out struct {
				Node struct {
					Mobile struct{ ViewerCanLogContact, ViewerCanRegisterReturn bool }
				}
			}
			f.as(user).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Member { mobile { viewerCanLogContact viewerCanRegisterReturn } } } }`,
				gqlVars("id", f.m(b1+".M2")), &out)
			return out.Node.Mobile.ViewerCanLogContact, out.Node.Mobile.ViewerCanRegisterReturn
		}
		if l, r := can(orgViewer("C.T1")); l || r {
			t.Errorf("viewer can log %v, return %v", l, r)
		}
		if l, r := can(orgAdmin(b1)); !l || !r {
			t.Errorf("branch admin can log %v, return %v", l, r)
		}
		f.refuse("return before leaving", admin, returnQ, gqlVars("m", f.m(b1+".M2"), "on", dayVar(left.AddDate(0, 0, -1))), "BAD_USER_INPUT")
		f.refuse("viewer registers a return", orgViewer("C.T1"), returnQ, gqlVars("m", f.m(b1+".M2")), "FORBIDDEN")
		var back struct {
			RegisterReturn struct {
				Category string
				Mobile   struct{ State, ReturnedOn string }
			}
		}
		f.as(orgAdmin(b1)).MustDo(t, returnQ, gqlVars("m", f.m(b1+".M2")), &back)
		if b := back.RegisterReturn; b.Category != "AT_HOME_NO_POST" || b.Mobile.State != "RETURNED" || b.Mobile.ReturnedOn != dayVar(today) {
			t.Errorf("after return %+v", b)
		}
		if l, r := can(orgAdmin(b1)); l || r {
			t.Errorf("after return the admin can log %v, return %v", l, r)
		}
		f.refuse("second return", admin, returnQ, gqlVars("m", f.m(b1+".M2")), "CONFLICT")
		f.refuse("contact after return", admin, logContactQ, contact(b1+".M2", today), "CONFLICT")
		if n := f.count(admin, map[string]any{"noContactSince": dayVar(today), "withinOrg": within}); n != 1 {
			t.Errorf("noContactSince after M2's return: %d, want 1 (M3)", n)
		}
		// Every step is in the audit trail: two departures, the first
		// contact (the late older one leaves lastContactOn alone) and the
		// return; two contact logs.
		for typ, want := range map[string]int{"MobileRecord": 4, "ContactLog": 2} {
			if n := d.Client.AuditLog.Query().Where(auditlog.Type(typ)).CountX(systemCtx()); n != want {
				t.Errorf("%d audit entries of %s, want %d", n, typ, want)
			}
		}
	})
}
