package etsi

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/pdu golden vectors")

const goldenDir = "testdata/pdu"

// TestGolden encodes every golden vector and compares it with testdata/pdu/NAME.ber, decodes
// the file back and compares the value, and compares our JSON with NAME.json.
func TestGolden(t *testing.T) {
	vectors := goldenVectors()
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, gv := range vectors {
		t.Run(gv.name, func(t *testing.T) {
			b, err := gv.pdu.AppendBER(nil, gv.v)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			dec, n, err := DecodePSPDU(b)
			if err != nil || n != len(b) {
				t.Fatalf("decode: %v (%d of %d)", err, n, len(b))
			}
			js, err := dec.JSON()
			if err != nil {
				t.Fatal(err)
			}
			js = append(js, '\n')
			berPath := filepath.Join(goldenDir, gv.name+".ber")
			jsonPath := filepath.Join(goldenDir, gv.name+".json")
			if *update {
				if err := os.WriteFile(berPath, b, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(jsonPath, js, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			wantBER, err := os.ReadFile(berPath)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			if !bytes.Equal(b, wantBER) {
				t.Fatalf("encoding differs from %s:\n got %x\nwant %x", berPath, b, wantBER)
			}
			wantJSON, err := os.ReadFile(jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(js, wantJSON) {
				t.Fatalf("JSON differs from %s:\n got %s\nwant %s", jsonPath, js, wantJSON)
			}
			// The decoded value is the vector with the encoder's defaults filled in.
			want := withDefaults(gv.pdu, gv.v)
			if !reflect.DeepEqual(dec, want) {
				t.Fatalf("decoded value differs:\n got %s\nwant %s", dump(dec), dump(want))
			}
		})
	}
}

// withDefaults fills what the encoder fills (object ids) and drops what v does not carry.
func withDefaults(p PSPDU, v Version) PSPDU {
	p, _ = p.ForVersion(v)
	if p.Header.DomainID == nil {
		p.Header.DomainID = OID{0, 4, 0, 2, 2, 5, 1, v.Header}
	}
	for i := range p.Payload.IRI {
		c := &p.Payload.IRI[i].Contents
		if c.MessagingIRI != nil && c.MessagingIRI.ObjID == nil {
			x := *c.MessagingIRI
			x.ObjID = OID{5, 2, v.Email, objMessagingIRI}
			c.MessagingIRI = &x
		}
		if c.EmailIRI != nil && c.EmailIRI.ObjID == nil {
			x := *c.EmailIRI
			x.ObjID = OID{5, 2, v.Email, objEmailIRI}
			c.EmailIRI = &x
		}
	}
	for i := range p.Payload.CC {
		c := &p.Payload.CC[i].Contents
		if c.MessagingCC != nil && c.MessagingCC.ObjID == nil {
			x := *c.MessagingCC
			x.ObjID = OID{5, 2, v.Email, objMessagingCC}
			c.MessagingCC = &x
		}
		if c.EmailCC != nil && c.EmailCC.ObjID == nil {
			x := *c.EmailCC
			x.ObjID = OID{5, 2, v.Email, objEmailCC}
			c.EmailCC = &x
		}
	}
	return p
}

// TestGoldenFilesComplete checks that every file in testdata/pdu belongs to a vector, so a
// stale vector cannot linger unchecked.
func TestGoldenFilesComplete(t *testing.T) {
	names := map[string]bool{}
	for _, gv := range goldenVectors() {
		names[gv.name+".ber"] = true
		names[gv.name+".json"] = true
	}
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(names) {
		t.Errorf("%d files in %s, %d expected", len(entries), goldenDir, len(names))
	}
	for _, e := range entries {
		if !names[e.Name()] {
			t.Errorf("%s/%s is not produced by any golden vector", goldenDir, e.Name())
		}
	}
}
