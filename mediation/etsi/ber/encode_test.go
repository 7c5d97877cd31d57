package ber

import (
	"bytes"
	"encoding/hex"
	"math"
	"testing"
	"time"
)

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAppendPrimitives(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"int 0", AppendInteger(nil, Ctx(4), 0), "840100"},
		{"int 127", AppendInteger(nil, Ctx(4), 127), "84017f"},
		{"int 128", AppendInteger(nil, Ctx(4), 128), "84020080"},
		{"int 123456", AppendInteger(nil, Ctx(1), 123456), "810301e240"},
		{"int -1", AppendInteger(nil, Univ(TagInteger), -1), "0201ff"},
		{"int -128", AppendInteger(nil, Univ(TagInteger), -128), "020180"},
		{"int -129", AppendInteger(nil, Univ(TagInteger), -129), "0202ff7f"},
		{"int max", AppendInteger(nil, Univ(TagInteger), math.MaxInt64), "02087fffffffffffffff"},
		{"int min", AppendInteger(nil, Univ(TagInteger), math.MinInt64), "02088000000000000000"},
		{"uint 2^32-1", AppendUnsigned(nil, Ctx(0), math.MaxUint32), "800500ffffffff"},
		{"uint max", AppendUnsigned(nil, Ctx(0), math.MaxUint64), "800900ffffffffffffffff"},
		{"enum", AppendEnumerated(nil, Ctx(8), 1), "880101"},
		{"bool true", AppendBoolean(nil, Ctx(4), true), "8401ff"},
		{"bool false", AppendBoolean(nil, Ctx(4), false), "840100"},
		{"null", AppendNull(nil, Ctx(3)), "8300"},
		{"octets", AppendOctetString(nil, Ctx(2), []byte("DE")), "82024445"},
		{"string", AppendString(nil, Univ(TagUTF8String), "ü"), "0c02c3bc"},
		{"high tag 31", AppendNull(nil, Ctx(31)), "9f1f00"},
		{"high tag 200", AppendNull(nil, Ctx(200)), "9f814800"},
		{"long length", AppendOctetString(nil, Ctx(6), make([]byte, 200))[:3], "8681c8"},
		{"length 300", AppendOctetString(nil, Ctx(6), make([]byte, 300))[:4], "8682012c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bytes.Equal(tt.got, mustHex(t, tt.want)) {
				t.Fatalf("got %x want %s", tt.got, tt.want)
			}
		})
	}
}

func TestAppendOID(t *testing.T) {
	got, err := AppendOID(nil, Ctx(0), []uint32{0, 4, 0, 2, 2, 5, 1, 43})
	if err != nil || !bytes.Equal(got, mustHex(t, "8007040002020501"+"2b")) {
		t.Fatalf("li-psDomainId: %x %v", got, err)
	}
	got, err = AppendRelativeOID(nil, Ctx(0), []uint32{5, 2, 20, 3})
	if err != nil || !bytes.Equal(got, mustHex(t, "800405021403")) {
		t.Fatalf("relative: %x %v", got, err)
	}
	got, err = AppendRelativeOID(nil, Ctx(0), []uint32{128, math.MaxUint32})
	if err != nil || !bytes.Equal(got, mustHex(t, "800781008fffffff7f")) {
		t.Fatalf("multi-octet arcs: %x %v", got, err)
	}
	for _, bad := range [][]uint32{nil, {1}, {3, 1}, {1, 40}} {
		if _, err := AppendOID(nil, Ctx(0), bad); err == nil {
			t.Errorf("AppendOID(%v) accepted", bad)
		}
	}
	if _, err := AppendRelativeOID(nil, Ctx(0), nil); err == nil {
		t.Error("empty relative OID accepted")
	}
}

func TestBeginEndLongContent(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 255, 256, 65535, 65536, 1 << 24} {
		dst := []byte{0xAA}
		dst = Begin(dst, Sequence())
		m := len(dst)
		dst = append(dst, bytes.Repeat([]byte{7}, n)...)
		dst = End(dst, m)
		want := append([]byte{0xAA, 0x30}, AppendLength(nil, n)...)
		if !bytes.Equal(dst[:len(want)], want) || len(dst) != len(want)+n || (n > 0 && dst[len(dst)-1] != 7) {
			t.Fatalf("n=%d: header %x", n, dst[:min(len(dst), 8)])
		}
		e, size, err := parseElement(dst[1:], 1, 0, DefaultMaxDepth)
		if err != nil || size != len(dst)-1 || len(e.Content) != n {
			t.Fatalf("n=%d: reparse %v size %d", n, err, size)
		}
	}
}

func TestGeneralizedTime(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 11, 23, 10, 45, 19, 0, time.UTC), "20261123104519Z"},
		{time.Date(2026, 1, 2, 3, 4, 5, 120_000_000, time.UTC), "20260102030405.12Z"},
		{time.Date(1999, 12, 31, 23, 59, 59, 1, time.UTC), "19991231235959.000000001Z"},
		{time.Date(2026, 6, 1, 2, 0, 0, 0, time.FixedZone("CEST", 7200)), "20260601000000Z"},
	}
	for _, tt := range tests {
		got, err := AppendGeneralizedTime(nil, Ctx(5), tt.t)
		if err != nil {
			t.Fatal(err)
		}
		if string(got[2:]) != tt.want || int(got[1]) != len(tt.want) {
			t.Errorf("%v: got %q want %q", tt.t, got[2:], tt.want)
		}
		back, err := ParseGeneralizedTime(got[2:])
		if err != nil || !back.Equal(tt.t) {
			t.Errorf("%q: parsed %v %v", tt.want, back, err)
		}
	}
	if _, err := AppendGeneralizedTime(nil, Ctx(5), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("year 10000 accepted")
	}
}

func TestParseGeneralizedTime(t *testing.T) {
	ok := map[string]time.Time{
		"2026112310Z":                time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
		"202611231045":               time.Date(2026, 11, 23, 10, 45, 0, 0, time.UTC),
		"20261123104519,5Z":          time.Date(2026, 11, 23, 10, 45, 19, 500_000_000, time.UTC),
		"20261123104519+0100":        time.Date(2026, 11, 23, 9, 45, 19, 0, time.UTC),
		"20261123104519-0130":        time.Date(2026, 11, 23, 12, 15, 19, 0, time.UTC),
		"20261123104519.1234567891Z": time.Date(2026, 11, 23, 10, 45, 19, 123456789, time.UTC),
	}
	for in, want := range ok {
		got, err := ParseGeneralizedTime([]byte(in))
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: got %v %v want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2026", "20261323104519Z", "20260230104519Z", "20261123104519.Z", "20261123104519Zx", "20261123104519+01", "2026112310451a"} {
		if _, err := ParseGeneralizedTime([]byte(in)); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
