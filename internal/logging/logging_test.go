package logging_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/internal/logging"
)

func TestMask(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`Key (national_id)=(41010219800101123X) already exists`, `Key (national_id)=(410102********123X) already exists`},
		{"phone 13812345678.", "phone 138****5678."},
		{"order 1234567890123456789012 stays", "order 1234567890123456789012 stays"},
		{"id 8589934592", "id 8589934592"},
	} {
		if got := logging.Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLoggerMasks(t *testing.T) {
	var buf bytes.Buffer
	logging.New(&buf).Error("internal error", "err", errors.New("duplicate 410102198001011234"), "detail", "call 13912345678")
	out := buf.String()
	if strings.Contains(out, "198001011234") || strings.Contains(out, "13912345678") {
		t.Fatalf("log holds a personal number: %s", out)
	}
	if !strings.Contains(out, "410102********1234") || !strings.Contains(out, "139****5678") {
		t.Fatalf("log lacks the masked numbers: %s", out)
	}
}
