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
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/auditlog"
	"github.com/partyorg/partyorg/internal/audit"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Action is the policy action that allows exporting a table's type.
const Action = "export"

// page is how many rows are read at a time.
const page = 1000

// Table is one exportable table.
type Table struct {
	// Sheet names the worksheet (and the file for people).
	Sheet string
	// Type is the ent type whose Action the caller needs at the org.
	Type    string
	Columns []Column
	// Rows emits the rows under org for year, a page at a time.
	Rows func(ctx context.Context, c *ent.Client, org *ent.Org, year int, emit func([]string) error) error
}

// Column is a header and its width in Excel's units (characters).
type Column struct {
	Header string
	Width  float64
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
		err = audit.Record(ctx, c, audit.Entry{Op: auditlog.OpExport, Type: t.Type, ObjectID: o.ID, OrgID: o.ID,
			Changes: map[string]any{"table": name, "format": format, "year": year}})
		if err != nil {
			errs.Respond(w, http.StatusInternalServerError, errs.Internal, "internal error")
			return
		}
		file := fmt.Sprintf("%s-%d-%d.%s", name, o.ID, year, format)
		w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
		if format == "csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			err = writeCSV(ctx, w, c, t, o, year)
		} else {
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			err = writeXLSX(ctx, w, c, t, o, year)
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
	return strings.Join(ns, ", ")
}

func writeCSV(ctx context.Context, w http.ResponseWriter, c *ent.Client, t Table, o *ent.Org, year int) error {
	if _, err := w.Write([]byte("\xEF\xBB\xBF")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	headers := make([]string, len(t.Columns))
	for i, col := range t.Columns {
		headers[i] = col.Header
	}
	if err := cw.Write(headers); err != nil {
		return err
	}
	n := 0
	err := t.Rows(ctx, c, o, year, func(row []string) error {
		if n++; n%page == 0 {
			cw.Flush()
		}
		return cw.Write(row)
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

func writeXLSX(ctx context.Context, w http.ResponseWriter, c *ent.Client, t Table, o *ent.Org, year int) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", t.Sheet); err != nil {
		return err
	}
	// The stream writer keeps rows past a small buffer in a temporary
	// file, not in memory.
	sw, err := f.NewStreamWriter(t.Sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	header := make([]any, len(t.Columns))
	for i, col := range t.Columns {
		if err := sw.SetColWidth(i+1, i+1, col.Width); err != nil {
			return err
		}
		header[i] = excelize.Cell{StyleID: bold, Value: col.Header}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	rowNum := 1
	err = t.Rows(ctx, c, o, year, func(row []string) error {
		rowNum++
		cells := make([]any, len(row))
		for i, v := range row {
			cells[i] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, rowNum)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// Date writes a day for a table ("" for none).
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return day.Format(t)
}
