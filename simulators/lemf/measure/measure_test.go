package measure

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/simulators/lemf"
)

// writeDir lays out a LEMF output directory holding records and hi2 bytes.
func writeDir(tb testing.TB, records string, hi2 []byte) string {
	dir := tb.TempDir()
	for name, b := range map[string][]byte{lemf.RecordsFile: []byte(records), lemf.HI2File: hi2, lemf.HI3File: nil} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// TestMeasureBadInput: a damaged LEMF output gives an error naming the file and place.
func TestMeasureBadInput(t *testing.T) {
	for _, tc := range []struct{ name, records, err string }{
		{"not json", "{\n", "records.jsonl line 1"},
		{"bad pdu", `{"hi":"HI2","offset":0,"received":"2026-01-01T00:00:00Z"}` + "\n", "HI2 at 0"},
		{"nothing", "", "no PDU with a time stamp"},
		// A last line without its newline is still being written: skipped, not an error.
		{"partial last line", `{"hi":"HI2","off`, "no PDU with a time stamp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Measure(writeDir(t, tc.records, []byte{0xff, 0x01}))
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
		})
	}
}

// FuzzMeasure: whatever a LEMF output directory holds, Measure answers without panicking.
func FuzzMeasure(f *testing.F) {
	f.Add(`{"hi":"HI2","offset":0,"received":"2026-01-01T00:00:00Z"}`, []byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Add(`{"hi":"HI2","offset":99}`+"\n"+`{"hi":"HI3","error":"x"}`, []byte{})
	f.Fuzz(func(t *testing.T, records string, hi2 []byte) {
		_, _ = Measure(writeDir(t, records, hi2))
	})
}

// TestSettle: an empty or absent LEMF directory settles at 0; a bad quiet period and an
// ended context are errors.
func TestSettle(t *testing.T) {
	ctx := context.Background()
	for _, dir := range []string{writeDir(t, "", nil), filepath.Join(t.TempDir(), "absent")} {
		if n, err := Settle(ctx, 20*time.Millisecond, dir); err != nil || n != 0 {
			t.Fatalf("Settle(%s) = %d, %v", dir, n, err)
		}
	}
	if _, err := Settle(ctx, 0, t.TempDir()); err == nil || !strings.Contains(err.Error(), "quiet period") {
		t.Fatalf("quiet 0: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Settle(cctx, time.Hour, t.TempDir()); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Fatalf("ended context: %v", err)
	}
}
