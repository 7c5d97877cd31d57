package demo

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/pducheck"
)

// TestBuiltinGenerators runs the socket-free record generators through the demo: the
// target's voicemail session and mail reach both warrants as scoped, the non-target
// in between is dropped, the mail session left open is closed by the idle timeout
// (its send becomes iRI-Begin, the synthesized logoff iRI-End).
func TestBuiltinGenerators(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	err := Run(context.Background(), Options{OutDir: dir, Out: &out, Scenarios: Builtin(),
		Log: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"sequence gaps: 0\n", "iRI-End message-box:logout", "e-mail-logoff status-unknown",
		"audio/PCMU 8000 bytes in 50 chunks, complete"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	got, err := pducheck.Read(filepath.Join(dir, "hi2.ber"), filepath.Join(dir, "hi3.ber"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[pducheck.Stream]int{
		{LIID: LIIDA, NE: UMSource, CIN: 1}:                      7,
		{LIID: LIIDA, NE: UMSource, CIN: 1, CC: true}:            50,
		{LIID: LIIDB, NE: UMSource, CIN: 1}:                      7,
		{LIID: LIIDA, NE: GeneratorMailSource, CIN: 1}:           2,
		{LIID: LIIDA, NE: GeneratorMailSource, CIN: 1, CC: true}: 1,
	}
	for st, n := range want {
		if got.Count(st) != n {
			t.Errorf("%v: %d PDUs, want %d", st, got.Count(st), n)
		}
	}
	if len(got.PDUs) != len(want) {
		t.Errorf("%d streams %v, want %d (the non-target must not appear)", len(got.PDUs), got.PDUs, len(want))
	}
}
