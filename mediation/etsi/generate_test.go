package etsi

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestGeneratedTablesUpToDate re-runs the generator (the same command as go:generate in
// generate.go) into a temporary directory and fails on any difference from the committed
// files: the enum tables and constraint constants are what the ASN.1 says, not an edit.
func TestGeneratedTablesUpToDate(t *testing.T) {
	shared := sharedDir()
	if _, err := os.Stat(shared); os.IsNotExist(err) {
		t.Skipf("%s absent (set UMLI_SHARED)", shared)
	}
	out := t.TempDir()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goBin, "run", "./internal/asn1gen",
		"-asn1", filepath.Join(shared, "asn1"),
		"-annexd", filepath.Join(shared, "spec", "ETSI-TS-102-232-2-V3.3.1.txt"),
		"-map", "asn1gen.spec", "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("asn1gen: %v\n%s", err, b)
	}
	for _, name := range []string{"asn1_enums_gen.go", "asn1_constraints_gen.go"} {
		want, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale or hand-edited: run go generate ./mediation/etsi", name)
		}
	}
}
