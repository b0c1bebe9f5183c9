package export_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partyorg/partyorg/ent/auditlog"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/classification"
	"github.com/partyorg/partyorg/internal/export"
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

// tokens signs fixture accounts in once each.
type tokens struct {
	api *apitest.API
	by  map[string]string
}

func (ts *tokens) of(t *testing.T, username string) string {
	if username == "" {
		return ""
	}
	if _, ok := ts.by[username]; !ok {
		ts.by[username] = ts.api.Login(t, username, apitest.Password).Token
	}
	return ts.by[username]
}

// readCSV checks the byte-order mark and parses the rest.
func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV without a byte-order mark: starts %q", body[:min(len(body), 8)])
	}
	rows, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// sameRows compares a worksheet's rows with a CSV's: Excel drops
// trailing empty cells.
func sameRows(sheet, csvRows [][]string) bool {
	return slices.EqualFunc(sheet, csvRows, func(a, b []string) bool {
		return len(a) <= len(b) && slices.Equal(a, b[:len(a)]) &&
			!slices.ContainsFunc(b[len(a):], func(s string) bool { return s != "" })
	})
}

// colsInOrder checks that each worksheet lists its column widths in
// column order, as Excel wants (else it offers to repair the file).
func colsInOrder(t *testing.T, xlsx []byte) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	minAttr := regexp.MustCompile(`<col min="(\d+)"`)
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		var mins []int
		for _, m := range minAttr.FindAllSubmatch(b, -1) {
			n, _ := strconv.Atoi(string(m[1]))
			mins = append(mins, n)
		}
		if len(mins) == 0 || !slices.IsSorted(mins) {
			t.Errorf("%s: column widths for columns %v, want them in order", f.Name, mins)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func firstColumn(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r[0])
	}
	slices.Sort(out)
	return out
}

var (
	orgAdmin = func(o string) string { return apitest.Username(rolebinding.RoleOrgAdmin, o) }
	viewerOf = func(o string) string { return apitest.Username(rolebinding.RoleViewer, o) }
	memberOf = func(o string) string { return apitest.Username(rolebinding.RoleMember, o) }
)

// TestExports exports every table as callers of several levels and
// roles: each sheet's CSV (with a BOM) holds exactly the rows of the
// org's subtree in the year, the workbook holds every sheet with the
// CSVs' rows, frozen header rows and the columns' widths; a MEMBER is
// refused, an org outside the caller's scope does not exist, no token
// is 401; a VIEWER sees members' personal numbers masked; each export
// that answers is in the audit trail, and only those.
func TestExports(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := newWorld(t, d)
		ts := &tokens{api: w.api, by: map[string]string{}}
		url := func(table, format, org string, y int, sheet string) string {
			u := fmt.Sprintf("/export/%s.%s?org=%d&year=%d", table, format, w.tree.Orgs[org].ID, y)
			if sheet != "" {
				u += "&sheet=" + sheet
			}
			return u
		}
		answered := 0
		for _, name := range slices.Sorted(maps.Keys(export.Tables)) {
			table := export.Tables[name]
			t.Run(name, func(t *testing.T) {
				for _, c := range []struct {
					desc, user, org string
					year            int
				}{
					{"township admin", orgAdmin("C.T1"), "C.T1", year},
					{"township admin, a village below", orgAdmin("C.T1"), "C.T1.V2", year},
					{"village admin", orgAdmin("C.T1.V1"), "C.T1.V1", year},
					{"township viewer", viewerOf("C.T1"), "C.T1", year},
					{"county viewer, the year before", viewerOf("C"), "C", year - 1},
					{"admin, the year after", "admin", "C", year + 1},
				} {
					token := ts.of(t, c.user)
					csvs := map[string][][]string{}
					for _, s := range table.Sheets {
						status, body := get(t, w.api, token, url(name, "csv", c.org, c.year, s.Key))
						if status != http.StatusOK {
							t.Fatalf("%s, %s CSV: %d %s", c.desc, s.Key, status, body)
						}
						answered++
						rows := readCSV(t, body)
						var headers []string
						for _, col := range s.Columns {
							headers = append(headers, col.Header)
						}
						if !slices.Equal(rows[0], headers) {
							t.Errorf("%s, %s headers %v, want %v", c.desc, s.Key, rows[0], headers)
						}
						want := w.want(name+"/"+s.Key, c.org, c.year)
						if len(want) == 0 && c.year == year {
							t.Fatalf("the fixture has no %s/%s rows under %s", name, s.Key, c.org)
						}
						slices.Sort(want)
						if got := firstColumn(rows[1:]); !slices.Equal(got, want) {
							t.Errorf("%s, %s rows %v, want %v", c.desc, s.Key, got, want)
						}
						csvs[s.Key] = rows
					}
					// Without ?sheet= a CSV is the first sheet.
					status, body := get(t, w.api, token, url(name, "csv", c.org, c.year, ""))
					if answered++; status != http.StatusOK || !sameRows(readCSV(t, body), csvs[table.Sheets[0].Key]) {
						t.Errorf("%s, CSV without a sheet: %d, not the first sheet", c.desc, status)
					}

					status, body = get(t, w.api, token, url(name, "xlsx", c.org, c.year, ""))
					if status != http.StatusOK {
						t.Fatalf("%s, xlsx: %d %s", c.desc, status, body)
					}
					answered++
					f, err := excelize.OpenReader(bytes.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					var sheetNames []string
					for _, s := range table.Sheets {
						sheetNames = append(sheetNames, s.Name)
						rows, err := f.GetRows(s.Name)
						if err != nil {
							t.Fatal(err)
						}
						if !sameRows(rows, csvs[s.Key]) {
							t.Errorf("%s, sheet %s differs from its CSV:\n%v\n%v", c.desc, s.Name, rows, csvs[s.Key])
						}
						if panes, err := f.GetPanes(s.Name); err != nil || !panes.Freeze || panes.YSplit != 1 {
							t.Errorf("%s, sheet %s: header row not frozen: %+v %v", c.desc, s.Name, panes, err)
						}
						for i, col := range s.Columns {
							cn, _ := excelize.ColumnNumberToName(i + 1)
							if width, err := f.GetColWidth(s.Name, cn); err != nil || width != col.Width {
								t.Errorf("%s, sheet %s column %s: width %v %v, want %v", c.desc, s.Name, cn, width, err, col.Width)
							}
						}
					}
					if got := f.GetSheetList(); !slices.Equal(got, sheetNames) {
						t.Errorf("%s: sheets %v, want %v", c.desc, got, sheetNames)
					}
					colsInOrder(t, body)
					f.Close()
				}

				for _, c := range []struct {
					desc, user, org, query string
					status                 int
				}{
					{"a member", memberOf("C.T1.V1.B1"), "C.T1.V1.B1", "", http.StatusForbidden},
					{"another township", orgAdmin("C.T1"), "C.T2", "", http.StatusNotFound},
					{"a village viewer, its township", viewerOf("C.T1.V1"), "C.T1", "", http.StatusNotFound},
					{"no token", "", "C.T1", "", http.StatusUnauthorized},
					{"no such sheet", orgAdmin("C.T1"), "C.T1", "&sheet=nope", http.StatusBadRequest},
					{"no such year", orgAdmin("C.T1"), "C.T1", "&year=24", http.StatusBadRequest},
				} {
					for _, format := range []string{"csv", "xlsx"} {
						path := fmt.Sprintf("/export/%s.%s?org=%d%s", name, format, w.tree.Orgs[c.org].ID, c.query)
						if status, body := get(t, w.api, ts.of(t, c.user), path); status != c.status {
							t.Errorf("%s, %s: %d %s, want %d", c.desc, format, status, body, c.status)
						}
					}
				}
			})
		}

		t.Run("masking", func(t *testing.T) {
			// A VIEWER of the county who also runs township T1 sees T1's
			// members whole and the others masked.
			mixed := "viewer.c.and.t1.admin"
			u, err := account.Create(sysCtx(), d.Client, account.NewUser{Username: mixed, Password: apitest.Password,
				Role: ptr(rolebinding.RoleViewer), OrgID: &w.tree.Orgs["C"].ID})
			must(t, err)
			_, err = account.Grant(sysCtx(), d.Client, u.ID, rolebinding.RoleOrgAdmin, &w.tree.Orgs["C.T1"].ID)
			must(t, err)
			for _, c := range []struct {
				user, org string
				whole     func(name string) bool
			}{
				{viewerOf("C.T1"), "C.T1", func(string) bool { return false }},
				{orgAdmin("C.T1"), "C.T1", func(string) bool { return true }},
				{mixed, "C", func(name string) bool { return strings.HasPrefix(name, "C.T1.") }},
			} {
				status, body := get(t, w.api, ts.of(t, c.user), url("members", "csv", c.org, year, ""))
				if status != http.StatusOK {
					t.Fatalf("%s: %d %s", c.user, status, body)
				}
				answered++
				rows := readCSV(t, body)
				phoneCol, idCol := slices.Index(rows[0], "联系电话"), slices.Index(rows[0], "公民身份号码")
				for _, r := range rows[1:] {
					phone, id := w.phone[r[0]], w.identity[r[0]]
					if !c.whole(r[0]) {
						phone, id = classification.MaskPhone(phone), classification.MaskNationalID(id)
					}
					if r[phoneCol] != phone || r[idCol] != id {
						t.Errorf("%s sees %s's numbers as %s, %s; want %s, %s", c.user, r[0], r[phoneCol], r[idCol], phone, id)
					}
				}
			}
		})

		for _, path := range []string{"/export/secrets.csv?org=1", "/export/members.pdf?org=1", "/export/members.csv"} {
			if status, _ := get(t, w.api, ts.of(t, "admin"), path); status != http.StatusNotFound && status != http.StatusBadRequest {
				t.Errorf("%s: %d, want 404 or 400", path, status)
			}
		}
		exports := d.Client.AuditLog.Query().Where(auditlog.OpEQ(auditlog.OpExport)).
			Order(auditlog.ByID()).AllX(viewer.NewSystemContext(t.Context()))
		if len(exports) != answered {
			t.Fatalf("audited exports: %d, want the %d that answered", len(exports), answered)
		}
		if e := exports[0]; e.OrgID != w.tree.Orgs["C.T1"].ID || e.Actor != orgAdmin("C.T1") || e.Changes["table"] != "households" {
			t.Errorf("first audited export %+v, want the township admin's households", e)
		}
	})
}
