package etsi

import (
	"os"
	"path/filepath"
	"testing"
)

// TestValidateGoldenVectors: every golden PDU umli's encoder wrote is clean under the
// strict check (the check and the encoder were written from the schema independently).
func TestValidateGoldenVectors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "pdu", "*.ber"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden vectors: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for off := 0; off < len(b); {
			vs, n, err := Validate(b[off:])
			if err != nil {
				t.Fatalf("%s at %d: %v", f, off, err)
			}
			for _, v := range vs {
				t.Errorf("%s: PDU at %d: %s", filepath.Base(f), off, v)
			}
			off += n
		}
	}
}
