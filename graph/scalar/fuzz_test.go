package scalar_test

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/partyorg/partyorg/graph/scalar"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
)

// FuzzUnmarshalID: any client string is either a positive ID that writes
// back as itself, or BAD_USER_INPUT; never a panic or an internal error.
func FuzzUnmarshalID(f *testing.F) {
	for _, s := range []string{"1", "8589934592", "0", "-1", "", "1e3", "０１", "99999999999999999999", " 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := scalar.UnmarshalID(s)
		if err != nil {
			if code, _ := errs.CodeOf(err); code != errs.BadUserInput && !bytes.Contains([]byte(err.Error()), []byte("malformed ID")) {
				t.Fatalf("UnmarshalID(%q): %v is no BAD_USER_INPUT", s, err)
			}
			return
		}
		var buf bytes.Buffer
		scalar.MarshalID(id).MarshalGQL(&buf)
		if id <= 0 || buf.String() != strconv.Quote(strconv.Itoa(id)) {
			t.Fatalf("UnmarshalID(%q) = %d, written back as %s", s, id, buf.String())
		}
	})
}

// FuzzUnmarshalDate: a client's date is a real calendar day written
// exactly as YYYY-MM-DD, or BAD_USER_INPUT.
func FuzzUnmarshalDate(f *testing.F) {
	for _, s := range []string{"2026-02-28", "2024-02-29", "2026-02-29", "2026-13-01", "2026-1-1", "", "2026-01-01T00:00:00Z", "+2026-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := scalar.UnmarshalDate(s)
		if err != nil {
			if code, _ := errs.CodeOf(err); code != errs.BadUserInput {
				t.Fatalf("UnmarshalDate(%q): %v is no BAD_USER_INPUT", s, err)
			}
			return
		}
		if day.Format(d) != s {
			t.Fatalf("UnmarshalDate(%q) = %s", s, day.Format(d))
		}
	})
}
