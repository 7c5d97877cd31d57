package demo

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/pducheck"
)

// TestDemo runs the whole demo and checks what the LEMF wrote: the summary says 0 gaps,
// the files decode without gap or reuse, the expected sequences are there, and (when
// ../shared exists) the independent Erlang decoder accepts both files.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := Run(context.Background(), Options{OutDir: dir, Out: &out, Log: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"sequence gaps: 0\n", "LIID " + LIIDA, "LIID " + LIIDB, "iRI-End message-box:logout", "e-mail-logoff status-unknown", "audio/PCMU 8000 bytes in 50 chunks, complete"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	files := []string{filepath.Join(dir, "hi2.ber"), filepath.Join(dir, "hi3.ber")}
	got, err := pducheck.Read(files...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Reused) > 0 || len(got.Gaps()) > 0 {
		t.Fatalf("reused %v gaps %v", got.Reused, got.Gaps())
	}
	want := map[pducheck.Stream]int{
		{LIID: LIIDA, NE: UMSource, CIN: 1}:             7,
		{LIID: LIIDA, NE: UMSource, CIN: 1, CC: true}:   50,
		{LIID: LIIDB, NE: UMSource, CIN: 1}:             7,
		{LIID: LIIDA, NE: MailSource, CIN: 2}:           2,
		{LIID: LIIDA, NE: MailSource, CIN: 2, CC: true}: 1,
	}
	for st, n := range want {
		if got.Count(st) != n {
			t.Errorf("%v: %d PDUs, want %d", st, got.Count(st), n)
		}
	}
	if len(got.PDUs) != len(want) {
		t.Errorf("%d streams, want %d (the non-target must not appear)", len(got.PDUs), len(want))
	}
	decoder := "../../../shared/tools/etsi-decode"
	if _, err := os.Stat(decoder); err != nil {
		t.Logf("independent decoder not present (%v); skipped that check", err)
		return
	}
	cmd := exec.Command(decoder, files...)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("etsi-decode: %v\n%s", err, b)
	}
	if lines := strings.Count(string(b), "\n"); lines != got.Total+strings.Count(string(b), "keep-alive") {
		t.Errorf("etsi-decode printed %d PDUs, we read %d (+keep-alives)", lines, got.Total)
	}
}
