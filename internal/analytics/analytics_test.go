package analytics

import (
	"testing"
	"time"
)

func TestAsOf(t *testing.T) {
	d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }
	today := d(2026, 11, 28)
	for _, tc := range []struct {
		year int
		want time.Time
	}{
		{2026, today},
		{2025, d(2025, 12, 31)},
		{2027, d(2027, 1, 1)},
	} {
		if got := AsOf(tc.year, today); !got.Equal(tc.want) {
			t.Errorf("AsOf(%d) = %s, want %s", tc.year, got, tc.want)
		}
	}
	// On New Year's Day the year just begun is current, the last one past.
	if got := AsOf(2026, d(2026, 1, 1)); !got.Equal(d(2026, 1, 1)) {
		t.Errorf("AsOf on 1 January = %s", got)
	}
}

func TestAgeBands(t *testing.T) {
	var keys []string
	for i := range AgeBands {
		keys = append(keys, bandKey(i))
	}
	want := []string{"18-34", "35-44", "45-54", "55-64", "65-74", "75+"}
	for i := range want {
		if keys[i] != want[i] {
			t.Fatalf("bands %v, want %v", keys, want)
		}
	}
	// The bands meet without gaps or overlaps.
	for i := 1; i < len(AgeBands); i++ {
		if AgeBands[i].From != AgeBands[i-1].To+1 {
			t.Errorf("band %s does not start where %s ends", keys[i], keys[i-1])
		}
	}
}

func TestRankMetric(t *testing.T) {
	var m RankMetric
	for _, v := range rankMetrics {
		if err := m.UnmarshalGQL(string(v)); err != nil || m != v {
			t.Errorf("UnmarshalGQL(%s): %v, %s", v, err, m)
		}
	}
	for _, bad := range []any{"members", "", 3} {
		if err := m.UnmarshalGQL(bad); err == nil {
			t.Errorf("UnmarshalGQL(%v) accepted", bad)
		}
	}
}
