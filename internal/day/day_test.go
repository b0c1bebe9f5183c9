package day_test

import (
	"testing"
	"time"

	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
)

func TestOfUsesCountyZone(t *testing.T) {
	// 2026-03-01 17:30 UTC is already 2 March in China.
	got := day.Of(time.Date(2026, 3, 1, 17, 30, 0, 0, time.UTC))
	if day.Format(got) != "2026-03-02" {
		t.Fatalf("Of = %s, want 2026-03-02", day.Format(got))
	}
}

func TestOn(t *testing.T) {
	today := day.Today()
	tomorrow := today.AddDate(0, 0, 1)
	yesterday := today.AddDate(0, 0, -1)
	for _, tc := range []struct {
		name string
		on   *time.Time
		want time.Time
		code errs.Code
	}{
		{"default today", nil, today, ""},
		{"today", &today, today, ""},
		{"yesterday", &yesterday, yesterday, ""},
		{"tomorrow", &tomorrow, time.Time{}, errs.BadUserInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := day.On(tc.on)
			code, _ := errs.CodeOf(err)
			if code != tc.code || !got.Equal(tc.want) {
				t.Fatalf("On = %v, %v; want %v, code %q", got, err, tc.want, tc.code)
			}
		})
	}
}

func TestParse(t *testing.T) {
	for _, s := range []string{"2026-02-30", "2026-2-3", "", "2026-02-03T00:00:00Z"} {
		if _, err := day.Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
	d, err := day.Parse("2024-02-29")
	if err != nil || day.Format(d) != "2024-02-29" {
		t.Fatalf("Parse leap day = %v, %v", d, err)
	}
}

func TestMonth(t *testing.T) {
	m, err := day.ParseMonth("2026-02")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		d    string
		want bool
	}{{"2026-01-31", false}, {"2026-02-01", true}, {"2026-02-28", true}, {"2026-03-01", false}} {
		d, _ := day.Parse(tc.d)
		if got := m.Contains(d); got != tc.want {
			t.Errorf("%s in 2026-02 = %v, want %v", tc.d, got, tc.want)
		}
	}
	if _, err := day.ParseMonth("2026-13"); err == nil {
		t.Error("month 13 accepted")
	}
}
