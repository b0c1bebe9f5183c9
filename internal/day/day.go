// Package day handles calendar days and months as the practices use them:
// a Date is the county's local calendar day ("YYYY-MM-DD"), a month is
// "YYYY-MM". A day is held as a time.Time at midnight UTC, so that it
// compares, stores and prints the same on SQLite and PostgreSQL whatever
// their time zones.
package day

import (
	"time"

	"entgo.io/ent/dialect"

	"github.com/partyorg/partyorg/internal/errs"
)

// Layout and MonthLayout are the wire forms of a day and a month.
const (
	Layout      = "2006-01-02"
	MonthLayout = "2006-01"
)

// Zone is the counties' time zone (China Standard Time, no daylight
// saving): "today" is the county's local day, not the server's.
var Zone = time.FixedZone("CST", 8*60*60)

// SchemaType stores an ent day field as an SQL date:
//
//	field.Time("on").SchemaType(day.SchemaType).Annotations(entgql.Type("Date"))
var SchemaType = map[string]string{dialect.Postgres: "date", dialect.SQLite: "date"}

// Of returns the day of t in the county's time zone.
func Of(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today is the county's current day.
func Today() time.Time { return Of(time.Now()) }

// Format writes a day as "YYYY-MM-DD".
func Format(d time.Time) string { return d.UTC().Format(Layout) }

// Parse reads "YYYY-MM-DD"; anything else is BAD_USER_INPUT.
func Parse(s string) (time.Time, error) {
	d, err := time.Parse(Layout, s)
	if err != nil {
		return time.Time{}, errs.New(errs.BadUserInput, "malformed date %q: want YYYY-MM-DD", s)
	}
	return d, nil
}

// On is the day a workflow act happened: the given day (for paper records
// entered later) or today, never in the future (BAD_USER_INPUT).
func On(on *time.Time) (time.Time, error) {
	today := Today()
	if on == nil {
		return today, nil
	}
	d := Trunc(*on)
	if d.After(today) {
		return time.Time{}, errs.New(errs.BadUserInput, "the day %s is in the future", Format(d))
	}
	return d, nil
}

// NotFuture refuses a recorded day after today (BAD_USER_INPUT); what
// names the day in the message.
func NotFuture(what string, d time.Time) error {
	if Trunc(d).After(Today()) {
		return errs.New(errs.BadUserInput, "%s %s is in the future", what, Format(d))
	}
	return nil
}

// Trunc drops any time of day from a day value read back from a database
// or a client: its date as written is the day.
func Trunc(d time.Time) time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
}

// Month is a calendar month "YYYY-MM": its first day and the first day of
// the next month.
type Month struct {
	Start, End time.Time
}

// ParseMonth reads "YYYY-MM"; anything else is BAD_USER_INPUT.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse(MonthLayout, s)
	if err != nil {
		return Month{}, errs.New(errs.BadUserInput, "malformed month %q: want YYYY-MM", s)
	}
	return Month{Start: t, End: t.AddDate(0, 1, 0)}, nil
}

// Contains reports whether day d falls in the month.
func (m Month) Contains(d time.Time) bool {
	d = Trunc(d)
	return !d.Before(m.Start) && d.Before(m.End)
}

// String is "YYYY-MM".
func (m Month) String() string { return m.Start.Format(MonthLayout) }
