package etsi

import (
	"encoding/json"
	"reflect"
	"testing"
)

// roundTrip encodes x for v, decodes it and returns the decoded value.
func roundTrip(t testing.TB, x *PSPDU, v Version) PSPDU {
	t.Helper()
	b, err := x.AppendBER(nil, v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	got, n, err := DecodePSPDU(b)
	if err != nil {
		t.Fatalf("decode: %v\n% x", err, b)
	}
	if n != len(b) {
		t.Fatalf("decode consumed %d of %d", n, len(b))
	}
	return got
}

func TestRandomRoundTrip(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	for seed := uint64(0); seed < uint64(n); seed++ {
		x := newGen(seed).pdu()
		got := roundTrip(t, &x, LatestVersion())
		if !reflect.DeepEqual(got, x) {
			t.Fatalf("seed %d: decode(encode(x)) != x\n got %+v\nwant %+v", seed, dump(got), dump(x))
		}
		js, err := got.JSON()
		if err != nil {
			t.Fatalf("seed %d: JSON: %v", seed, err)
		}
		if !json.Valid(js) {
			t.Fatalf("seed %d: invalid JSON %s", seed, js)
		}
	}
}

// TestRandomVersion9 checks ForVersion: its result always encodes for ver9 and round-trips.
func TestRandomVersion9(t *testing.T) {
	v9 := Seed9Version()
	for seed := uint64(0); seed < 1500; seed++ {
		x := newGen(seed).pdu()
		down, _ := x.ForVersion(v9)
		got := roundTrip(t, &down, v9)
		if !reflect.DeepEqual(got, down) {
			t.Fatalf("seed %d: ver9 round trip differs\n got %s\nwant %s", seed, dump(got), dump(down))
		}
	}
}

func dump(p PSPDU) string {
	js, err := p.JSON()
	if err != nil {
		return err.Error()
	}
	return string(js)
}
