package export_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partyorg/partyorg/ent/auditlog"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

func get(t *testing.T, api *apitest.API, token, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, api.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestMembersExport: a township's members as CSV (with a BOM) and as a
// workbook whose rows equal the CSV's; only the caller's scope; 404 for
// an org outside it, 401 without a token, 403 for a MEMBER; each export
// in the audit trail.
func TestMembersExport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 2, 2, 2, 3)
		api := apitest.New(t, d)
		admin := api.Login(t, apitest.Username("ORG_ADMIN", "C.T1"), apitest.Password).Token
		viewerT1 := api.Login(t, apitest.Username("VIEWER", "C.T1"), apitest.Password).Token
		memberB := api.Login(t, apitest.Username("MEMBER", "C.T1.V1.B1"), apitest.Password).Token
		t1, t2 := tree.Orgs["C.T1"].ID, tree.Orgs["C.T2"].ID
		var want []string
		for name := range tree.Members {
			if strings.HasPrefix(name, "C.T1.") {
				want = append(want, name)
			}
		}
		slices.Sort(want)

		status, body := get(t, api, admin, fmt.Sprintf("/export/members.csv?org=%d", t1))
		if status != http.StatusOK || !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
			t.Fatalf("CSV: %d, starts %q", status, body[:min(len(body), 8)])
		}
		rows, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "姓名" || rows[0][8] != "所在党支部" {
			t.Errorf("headers %v", rows[0])
		}
		var got []string
		for _, r := range rows[1:] {
			got = append(got, r[0])
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("CSV members %v, want %v", got, want)
		}

		status, body = get(t, api, viewerT1, fmt.Sprintf("/export/members.xlsx?org=%d", t1))
		if status != http.StatusOK {
			t.Fatalf("xlsx: %d %s", status, body)
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		sheet, err := f.GetRows("党员名册")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(sheet, rows, func(a, b []string) bool {
			// Excel drops trailing empty cells.
			return slices.Equal(a, b[:len(a)]) && !slices.ContainsFunc(b[len(a):], func(s string) bool { return s != "" })
		}) {
			t.Errorf("xlsx rows differ from CSV:\n%v\n%v", sheet, rows)
		}
		if panes, err := f.GetPanes("党员名册"); err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("header row not frozen: %+v %v", panes, err)
		}

		for _, tc := range []struct {
			name, token, path string
			status            int
		}{
			{"other township", admin, fmt.Sprintf("/export/members.csv?org=%d", t2), http.StatusNotFound},
			{"no token", "", fmt.Sprintf("/export/members.csv?org=%d", t1), http.StatusUnauthorized},
			{"member", memberB, fmt.Sprintf("/export/members.csv?org=%d", tree.Orgs["C.T1.V1.B1"].ID), http.StatusForbidden},
			{"no such table", admin, fmt.Sprintf("/export/secrets.csv?org=%d", t1), http.StatusNotFound},
			{"no org", admin, "/export/members.csv", http.StatusBadRequest},
		} {
			if status, body := get(t, api, tc.token, tc.path); status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, status, body, tc.status)
			}
		}
		exports := d.Client.AuditLog.Query().Where(auditlog.OpEQ(auditlog.OpExport)).AllX(viewer.NewSystemContext(t.Context()))
		if len(exports) != 2 || exports[0].OrgID != t1 || exports[0].Actor != apitest.Username("ORG_ADMIN", "C.T1") {
			t.Errorf("audited exports: %d, first %+v; want 2 by the township admin", len(exports), exports)
		}
	})
}
