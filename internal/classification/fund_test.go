package classification_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestCareFund: donations, disbursements to members under the fund org,
// reversals; the balance never goes negative; entries are never changed.
func TestCareFund(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		admin := orgAdmin("C.T1")
		fund := f.o("C.T1.V1")
		donate := func(amount int) map[string]any {
			return gqlVars("in", map[string]any{"fundOrgID": fund, "amountFen": amount, "donor": "王老板"})
		}
		disburse := func(who string, amount int) map[string]any {
			return gqlVars("in", map[string]any{"fundOrgID": fund, "memberID": f.m(who), "amountFen": amount, "reason": "住院补助"})
		}
		balance := func() (in, out, bal int) {
			var o struct {
				Node struct {
					CareFund struct{ InFen, OutFen, BalanceFen int }
				}
			}
			f.as(admin).MustDo(t, careFundQ, gqlVars("id", fund), &o)
			c := o.Node.CareFund
			return c.InFen, c.OutFen, c.BalanceFen
		}
		f.refuse("donation of 0", admin, donateQ, donate(0), "BAD_USER_INPUT")
		f.refuse("donation below 0", admin, donateQ, donate(-100), "BAD_USER_INPUT")
		f.refuse("donation without a donor", admin, donateQ, gqlVars("in", map[string]any{"fundOrgID": fund, "amountFen": 100, "donor": ""}), "BAD_USER_INPUT")
		f.refuse("donation tomorrow", admin, donateQ, gqlVars("in", map[string]any{"fundOrgID": fund, "amountFen": 100, "donor": "x",
			"on": dayVar(day.Today().AddDate(0, 0, 1))}), "BAD_USER_INPUT")
		f.refuse("viewer donates", orgViewer("C.T1"), donateQ, donate(100), "FORBIDDEN")
		f.refuse("other township donates", orgAdmin("C.T2"), donateQ, donate(100), "NOT_FOUND")
		f.refuse("disbursement from an empty fund", admin, disburseQ, disburse("C.T1.V1.B1.M1", 1), "CONFLICT")

		var don struct{ DonateToCareFund struct{ ID string } }
		f.as(admin).MustDo(t, donateQ, donate(10000), &don)
		f.refuse("disbursement of 0", admin, disburseQ, disburse("C.T1.V1.B1.M1", 0), "BAD_USER_INPUT")
		f.refuse("disbursement above the balance", admin, disburseQ, disburse("C.T1.V1.B1.M1", 10001), "CONFLICT")
		f.refuse("disbursement to a member outside the fund's subtree", admin, disburseQ, disburse("C.T1.V2.B1.M1", 100), "BAD_USER_INPUT")
		f.refuse("disbursement to a member out of scope", admin, disburseQ, disburse("C.T2.V1.B1.M1", 100), "NOT_FOUND")
		f.refuse("viewer disburses", orgViewer("C.T1.V1"), disburseQ, disburse("C.T1.V1.B1.M1", 100), "FORBIDDEN")
		f.refuse("branch admin disburses from the village fund", orgAdmin("C.T1.V1.B1"), disburseQ, disburse("C.T1.V1.B1.M1", 100), "NOT_FOUND")

		var out struct{ DisburseCareFund struct{ ID string } }
		f.as(admin).MustDo(t, disburseQ, disburse("C.T1.V1.B2.M3", 10000), &out) // exactly the balance
		if in, o, bal := balance(); in != 10000 || o != 10000 || bal != 0 {
			t.Errorf("after disbursing all: in %d out %d balance %d", in, o, bal)
		}
		f.refuse("reversing the donation would overdraw", admin, reverseQ, gqlVars("id", don.DonateToCareFund.ID, "r", "捐款退回"), "CONFLICT")
		f.refuse("reversal without a reason", admin, reverseQ, gqlVars("id", out.DisburseCareFund.ID, "r", " "), "BAD_USER_INPUT")
		f.refuse("viewer reverses", orgViewer("C.T1"), reverseQ, gqlVars("id", out.DisburseCareFund.ID, "r", "x"), "FORBIDDEN")
		f.refuse("other township reverses", orgAdmin("C.T2"), reverseQ, gqlVars("id", out.DisburseCareFund.ID, "r", "x"), "NOT_FOUND")
		var rev struct {
			ReverseCareFundEntry struct {
				ID, Kind  string
				AmountFen int
				Reverses  struct{ ID string }
			}
		}
		canReverse := func(user, id string) bool {
			var o struct {
				Node struct{ ViewerCanReverse bool }
			}
			f.as(user).MustDo(t, `query($id: ID!) { node(id: $id) { ... on CareFundEntry { viewerCanReverse } } }`, gqlVars("id", id), &o)
			return o.Node.ViewerCanReverse
		}
		if !canReverse(admin, out.DisburseCareFund.ID) || canReverse(orgViewer("C.T1"), out.DisburseCareFund.ID) || canReverse(admin, don.DonateToCareFund.ID) {
			t.Error("viewerCanReverse before the reversal: want the admin only, and not the donation the balance no longer covers")
		}
		f.as(admin).MustDo(t, reverseQ, gqlVars("id", out.DisburseCareFund.ID, "r", "重复发放"), &rev)
		if canReverse(admin, out.DisburseCareFund.ID) || canReverse(admin, rev.ReverseCareFundEntry.ID) || !canReverse(admin, don.DonateToCareFund.ID) {
			t.Error("viewerCanReverse after the reversal: want only the donation")
		}
		if r := rev.ReverseCareFundEntry; r.Kind != "REVERSAL" || r.AmountFen != 10000 || r.Reverses.ID != out.DisburseCareFund.ID {
			t.Errorf("reversal %+v", r)
		}
		if in, o, bal := balance(); in != 10000 || o != 0 || bal != 10000 {
			t.Errorf("after the reversal: in %d out %d balance %d", in, o, bal)
		}
		f.refuse("second reversal", admin, reverseQ, gqlVars("id", out.DisburseCareFund.ID, "r", "x"), "CONFLICT")
		f.refuse("reversal of a reversal", admin, reverseQ, gqlVars("id", rev.ReverseCareFundEntry.ID, "r", "x"), "BAD_USER_INPUT")
		f.as(admin).MustDo(t, reverseQ, gqlVars("id", don.DonateToCareFund.ID, "r", "捐款退回"), nil)
		if in, o, bal := balance(); in != 0 || o != 0 || bal != 0 {
			t.Errorf("after reversing the donation: in %d out %d balance %d", in, o, bal)
		}

		// The ledger is append-only, whoever asks.
		ctx := systemCtx()
		id := parseGQLID(t, out.DisburseCareFund.ID)
		if err := d.Client.CareFundEntry.UpdateOneID(id).SetUpdatedAt(time.Now()).Exec(ctx); err == nil {
			t.Error("an entry was updated")
		}
		if err := d.Client.CareFundEntry.DeleteOneID(id).Exec(ctx); err == nil {
			t.Error("an entry was deleted")
		}
		var can struct {
			Node struct {
				ViewerCanDisburseCareFund bool
			}
		}
		for user, want := range map[string]bool{admin: true, orgAdmin("C.T1.V1"): true, orgViewer("C.T1"): false, orgAdmin("C.T1.V1.B1"): false} {
			c := f.as(user)
			errs := c.Do(t, `query($id: ID!) { node(id: $id) { ... on Org { viewerCanDisburseCareFund } } }`, gqlVars("id", fund), &can)
			got := len(errs) == 0 && can.Node.ViewerCanDisburseCareFund
			if got != want {
				t.Errorf("%s: viewerCanDisburseCareFund %v, want %v", user, got, want)
			}
			can.Node.ViewerCanDisburseCareFund = false
		}
	})
}

// TestCareFundConcurrentDisbursements: many disbursements at once, over
// real HTTP, never overdraw the fund: as many succeed as the balance
// covers, the rest are CONFLICT, none INTERNAL.
func TestCareFundConcurrentDisbursements(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		admin := orgAdmin("C.T1")
		fund := f.o("C.T1")
		c := f.as(admin)
		c.MustDo(t, donateQ, gqlVars("in", map[string]any{"fundOrgID": fund, "amountFen": 1000, "donor": "县慈善会"}), nil)
		const n, amount = 12, 300
		codes := make(chan string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs := c.Do(t, disburseQ, gqlVars("in", map[string]any{"fundOrgID": fund,
					"memberID": f.m(fmt.Sprintf("C.T1.V%d.B%d.M1", i%2+1, i/2%2+1)), "amountFen": amount, "reason": "困难补助"}), nil)
				switch {
				case len(errs) == 0:
					codes <- "ok"
				default:
					codes <- errs[0].Code()
				}
			}()
		}
		wg.Wait()
		close(codes)
		got := map[string]int{}
		for code := range codes {
			got[code]++
		}
		if got["ok"] != 1000/amount || got["CONFLICT"] != n-1000/amount {
			t.Errorf("outcomes %v, want %d ok and %d CONFLICT", got, 1000/amount, n-1000/amount)
		}
		var o struct {
			Node struct {
				CareFund struct{ OutFen, BalanceFen int }
			}
		}
		c.MustDo(t, careFundQ, gqlVars("id", fund), &o)
		if o.Node.CareFund.BalanceFen != 1000-amount*got["ok"] || o.Node.CareFund.BalanceFen < 0 {
			t.Errorf("balance %d after %d disbursements of %d", o.Node.CareFund.BalanceFen, got["ok"], amount)
		}
	})
}
