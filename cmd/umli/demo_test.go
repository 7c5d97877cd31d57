package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/internal/demo"
)

// TestDemoCommand runs `umli demo` as `make demo` does and checks that every source of
// the default demo reached the LEMF without gaps and that the deposit audio was written.
// (internal/demo's TestDemo checks the summary in depth.)
func TestDemoCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo-out")
	var stdout, stderr bytes.Buffer
	if code := demoCmd([]string{"--out", out, "--log", "warn"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	text := stdout.String()
	for _, want := range []string{"sequence gaps: 0\n", "NE " + demo.FreeSWITCHSource + " CIN 1\n",
		"NE " + demo.AsteriskSource + " CIN 1\n", "NE " + demo.MailSource + " CIN 1\n", "audio/wav", "audio/PCMU"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(text, "non-target ("+demo.NonTargetSource+"): dropped, nothing delivered\n") ||
		strings.Contains(text, "NE "+demo.NonTargetSource) {
		t.Errorf("the non-target's element appears in the summary:\n%s", text)
	}
	wavs, err := filepath.Glob(filepath.Join(out, "content", "*.wav"))
	if err != nil || len(wavs) == 0 {
		t.Fatalf("no WAV files in %s/content (%v)", out, err)
	}
	for _, f := range []string{"hi2.ber", "hi3.ber", "summary.json"} {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestDemoFlags(t *testing.T) {
	for _, args := range [][]string{{"--log", "loud"}, {"--nope"}} {
		var stderr bytes.Buffer
		if code := demoCmd(args, &bytes.Buffer{}, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2 (%s)", args, code, stderr.String())
		}
	}
}
