package demo

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/simulators/lemf"
)

// TestDemoOutputHasNoConstraintViolations: what the default demo delivers (hi2.ber,
// hi3.ber) passes the strict LEA check (etsi.Validate via lemf.CheckFiles) without a
// single violation: sizes, character sets, enumeration values for the declared version,
// e164-format in the ISUP layout, and so on.
func TestDemoOutputHasNoConstraintViolations(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := Run(context.Background(), Options{OutDir: dir, Out: &out, Log: zerolog.Nop()}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var lines bytes.Buffer
	rep, err := lemf.CheckFiles(&lines, filepath.Join(dir, "hi2.ber"), filepath.Join(dir, "hi3.ber"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.PDUs == 0 {
		t.Fatal("the demo delivered no PDUs")
	}
	if rep.Violations != 0 {
		t.Fatalf("%d violations in %d of %d PDUs:\n%s", rep.Violations, rep.Violating, rep.PDUs, lines.String())
	}
	t.Logf("%d PDUs checked, no violations", rep.PDUs)
}
