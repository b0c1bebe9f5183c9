// Package export writes tables of the caller's scope as Excel workbooks
// (.xlsx: Chinese headers, frozen header row, column widths) or UTF-8 CSV
// with a byte-order mark (so that Excel reads the Chinese), at
// GET /export/{table}.{xlsx|csv}?org=ID&year=Y. Rows are read and written
// a page at a time, so a county's 30,000 members take bounded memory.
// Reads go through the ent client as the caller: the scope and the
// masking of personal numbers apply as in the API. Every export is in
// the audit trail.
package export

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/auditlog"
	"github.com/partyorg/partyorg/internal/audit"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Action is the policy action that allows exporting a table's type.
const Action = "export"

// page is how many rows are read at a time.
const page = 1000

// Tables are partyorg's exports by name.
var Tables = map[string]Table{
	"members":    members,
	"points":     pointsTable,
	"pledges":    pledges,
	"households": households,
}

// Table is one exportable table: one or more sheets about one practice.
// A workbook holds every sheet; a CSV holds one, the first unless the
// request names another (?sheet=key).
type Table struct {
	// Type is the ent type whose Action the caller needs at the org.
	Type   string
	Sheets []Sheet
}

// Sheet is one worksheet of a table.
type Sheet struct {
	// Key names the sheet in a request (?sheet=results) and a CSV's file name.
	Key string
	// Name is the worksheet's title.
	Name    string
	Columns []Column
	// Rows emits the rows under org for year, a page at a time.
	Rows func(ctx context.Context, c *ent.Client, org *ent.Org, year int, emit Emit) error
}

// Emit writes one row: strings, ints (numbers in a workbook, so that
// Excel sums them) or nil for an empty cell.
type Emit func(cells ...any) error

// Column is a header and its width in Excel's units (characters).
type Column struct {
	Header string
	Width  float64
}

// sheet finds a table's sheet by key.
func (t Table) sheet(key string) (Sheet, bool) {
	for _, s := range t.Sheets {
		if s.Key == key {
			return s, true
		}
	}
	return Sheet{}, false
}

func (t Table) keys() string {
	var ks []string
	for _, s := range t.Sheets {
		ks = append(ks, s.Key)
	}
	return strings.Join(ks, ", ")
}

// Handler serves the tables by name. The request's context must carry
// its viewer (auth.Middleware).
func Handler(c *ent.Client, tables map[string]Table) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		v := viewer.FromContext(ctx)
		if v == nil {
			errs.Respond(w, http.StatusUnauthorized, errs.Unauthenticated, "sign in first: send Authorization: Bearer <token>")
			return
		}
		name, format, _ := strings.Cut(r.PathValue("file"), ".")
		t, ok := tables[name]
		if !ok || (format != "csv" && format != "xlsx") {
			errs.Respond(w, http.StatusNotFound, errs.NotFound, "no such export: tables are "+names(tables)+", as .xlsx or .csv")
			return
		}
		orgID, err := strconv.Atoi(r.URL.Query().Get("org"))
		if err != nil {
			errs.Respond(w, http.StatusBadRequest, errs.BadUserInput, "give the org: ?org=ID")
			return
		}
		year := day.Today().Year()
		if y := r.URL.Query().Get("year"); y != "" {
			if year, err = strconv.Atoi(y); err != nil || year < 2000 || year > 2100 {
				errs.Respond(w, http.StatusBadRequest, errs.BadUserInput, "year must be a year such as 2026")
				return
			}
		}
		sheets, file := t.Sheets, name
		if key := r.URL.Query().Get("sheet"); key != "" {
			s, ok := t.sheet(key)
			if !ok {
				errs.Respond(w, http.StatusBadRequest, errs.BadUserInput, "the sheets of "+name+" are "+t.keys())
				return
			}
			sheets, file = []Sheet{s}, name+"-"+key
		} else if format == "csv" {
			sheets = t.Sheets[:1]
		}
		o, err := c.Org.Get(ctx, orgID)
		switch {
		case ent.IsNotFound(err):
			errs.Respond(w, http.StatusNotFound, errs.NotFound, "Org not found")
			return
		case err != nil:
			errs.Respond(w, http.StatusInternalServerError, errs.Internal, "internal error")
			return
		case !v.Allow(o.Path, t.Type, Action):
			errs.Respond(w, http.StatusForbidden, errs.Forbidden, "not permitted to export "+name)
			return
		}
		changes := map[string]any{"table": name, "format": format, "year": year}
		if len(sheets) < len(t.Sheets) {
			changes["sheet"] = sheets[0].Key
		}
		err = audit.Record(ctx, c, audit.Entry{Op: auditlog.OpExport, Type: t.Type, ObjectID: o.ID, OrgID: o.ID, Changes: changes})
		if err != nil {
			errs.Respond(w, http.StatusInternalServerError, errs.Internal, "internal error")
			return
		}
		// Masking decides per member's branch, as GraphQL does: a caller
		// who may identify members in part of its scope needs their paths.
		ctx = authz.WithPathLoader(ctx, c)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%d-%d.%s"`, file, o.ID, year, format))
		if format == "csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			err = writeCSV(ctx, w, c, sheets[0], o, year)
		} else {
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			err = writeXLSX(ctx, w, c, sheets, o, year)
		}
		// Headers are gone by now: a failure can only cut the file short.
		_ = err
	})
}

func names(tables map[string]Table) string {
	var ns []string
	for n := range tables {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return strings.Join(ns, ", ")
}

func headers(s Sheet) []string {
	hs := make([]string, len(s.Columns))
	for i, col := range s.Columns {
		hs[i] = col.Header
	}
	return hs
}

// text is a cell as a CSV writes it.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

func writeCSV(ctx context.Context, w io.Writer, c *ent.Client, s Sheet, o *ent.Org, year int) error {
	if _, err := io.WriteString(w, "\xEF\xBB\xBF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(headers(s)); err != nil {
		return err
	}
	n := 0
	record := make([]string, len(s.Columns))
	err := s.Rows(ctx, c, o, year, func(cells ...any) error {
		if n++; n%page == 0 {
			cw.Flush()
		}
		for i, v := range cells {
			record[i] = text(v)
		}
		return cw.Write(record[:len(cells)])
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// writeXLSX writes one worksheet per sheet. Each sheet's rows go through
// excelize's stream writer, which keeps up to StreamChunkSize (16 MiB)
// of a sheet in memory, in a buffer that has grown to 32 MiB by then,
// and the rest in a temporary file; the zip is written straight to w
// rather than built in memory first (WriteTo would buffer the whole
// file).
func writeXLSX(ctx context.Context, w io.Writer, c *ent.Client, sheets []Sheet, o *ent.Org, year int) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, s := range sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", s.Name)
		} else {
			_, err = f.NewSheet(s.Name)
		}
		if err != nil {
			return err
		}
		if err := streamSheet(ctx, f, bold, c, s, o, year); err != nil {
			return err
		}
	}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	_, err = f.WriteTo(w)
	return err
}

// streamSheet writes a sheet's header, frozen, and its rows.
func streamSheet(ctx context.Context, f *excelize.File, bold int, c *ent.Client, s Sheet, o *ent.Org, year int) error {
	sw, err := f.NewStreamWriter(s.Name)
	if err != nil {
		return err
	}
	header := make([]any, len(s.Columns))
	// Last column first: excelize puts each new width before the ones
	// set earlier, and Excel wants them in column order.
	for i := len(s.Columns) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, s.Columns[i].Width); err != nil {
			return err
		}
		header[i] = excelize.Cell{StyleID: bold, Value: s.Columns[i].Header}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	rowNum := 1
	err = s.Rows(ctx, c, o, year, func(cells ...any) error {
		rowNum++
		cell, err := excelize.CoordinatesToCellName(1, rowNum)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// keyset reads rows a page at a time in ID order, each page after the
// last ID of the one before (no OFFSET, so every page costs the same),
// and hands each page to each.
func keyset[T any](ctx context.Context, fetch func(ctx context.Context, after int) ([]T, error), id func(T) int, each func([]T) error) error {
	for last := 0; ; {
		rows, err := fetch(ctx, last)
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			if err := each(rows); err != nil {
				return err
			}
			last = id(rows[len(rows)-1])
		}
		if len(rows) < page {
			return nil
		}
	}
}

// Date writes a day for a table ("" for none).
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return day.Format(t)
}

// optDate is Date of an optional day.
func optDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return Date(*t)
}

// label is an enum value's Chinese label, or the value itself when the
// table has none (a value added later still shows).
func label[K ~string](labels map[K]string, k K) string {
	if l, ok := labels[k]; ok {
		return l
	}
	return string(k)
}

// labels joins values' labels with the Chinese enumeration comma.
func labels[K ~string](ls map[K]string, ks []K) string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = label(ls, k)
	}
	return strings.Join(out, "、")
}

// orgName is an edge's org name, "" when the caller cannot see it.
func orgName(o *ent.Org) string {
	if o == nil {
		return ""
	}
	return o.Name
}
