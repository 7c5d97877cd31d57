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

// TestValidateAcceptsGeneratedPDUs: random PDUs over the whole model (the round-trip
// generator), encoded by umli for version20 and, after ForVersion, ver9, pass the strict
// check: the encoder and the independent checker agree on the schema.
func TestValidateAcceptsGeneratedPDUs(t *testing.T) {
	for seed := range uint64(3000) {
		x := newGen(seed).pdu()
		clearObjIDs(&x) // the generator draws arbitrary ones
		for _, v := range []Version{LatestVersion(), Seed9Version()} {
			p, _ := x.ForVersion(v)
			b, err := p.AppendBER(nil, v)
			if err != nil {
				t.Fatalf("seed %d version %d: encode: %v", seed, v.Email, err)
			}
			vs, n, err := Validate(b)
			if err != nil || n != len(b) {
				t.Fatalf("seed %d version %d: %v (%d of %d)", seed, v.Email, err, n, len(b))
			}
			for _, vi := range vs {
				t.Errorf("seed %d version %d: %s", seed, v.Email, vi)
			}
			if t.Failed() {
				t.FailNow()
			}
		}
	}
}
