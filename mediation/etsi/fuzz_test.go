package etsi

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/umli/umli/mediation/etsi/ber"
)

// addGoldenSeeds seeds f with every golden PDU, its indefinite-length form and the shared sample.
func addGoldenSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(goldenDir, "*.ber"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(toIndefinite(f, b))
	}
	if b, err := os.ReadFile(filepath.Join(sharedDir(), "asn1", "erlc", "sample_messagingIRI_PS-PDU.ber")); err == nil {
		f.Add(b)
	}
}

// FuzzDecodePSPDU: the decoder never panics, agrees with FrameLength, and whatever it
// decodes re-encodes and decodes to the same value and valid JSON.
func FuzzDecodePSPDU(f *testing.F) {
	addGoldenSeeds(f)
	f.Add([]byte{0x30, 0x80, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00})
	f.Add([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, n, err := DecodePSPDU(b)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset > len(b) || de.Path == "" {
				t.Fatalf("error without offset/path: %#v", err)
			}
			return
		}
		if fl, err := ber.FrameLength(b, 0); err != nil || fl != n {
			t.Fatalf("FrameLength %d, %v; DecodePSPDU used %d", fl, err, n)
		}
		out, err := p.AppendBER(nil, LatestVersion())
		if err != nil {
			t.Fatalf("decoded value does not re-encode: %v", err)
		}
		q, m, err := DecodePSPDU(out)
		if err != nil || m != len(out) {
			t.Fatalf("re-encoding does not decode: %v", err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("decode(encode(decode(b))) != decode(b)\n%s\n%s", dump(p), dump(q))
		}
		js, err := p.JSON()
		if err != nil || !json.Valid(js) {
			t.Fatalf("JSON: %v %s", err, js)
		}
	})
}

// FuzzRoundTrip drives the value generator with the fuzzer's bytes: decode(encode(x)) == x
// for the latest version, and for ver9 after ForVersion.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"", "\x00", "seed", "\xff\xff\xff\xff\xff\xff\xff\xff\x01\x02\x03\x04\x05\x06\x07\x08"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		x := newGenBytes(b).pdu()
		for _, v := range []Version{LatestVersion(), Seed9Version()} {
			want := x
			if v != LatestVersion() {
				want, _ = x.ForVersion(v)
			}
			enc, err := want.AppendBER(nil, v)
			if err != nil {
				t.Fatalf("version %d: encode: %v", v.Email, err)
			}
			got, n, err := DecodePSPDU(enc)
			if err != nil || n != len(enc) {
				t.Fatalf("version %d: decode: %v", v.Email, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("version %d: round trip differs\n got %s\nwant %s", v.Email, dump(got), dump(want))
			}
		}
	})
}
