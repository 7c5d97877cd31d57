package ber

import (
	"bytes"
	"errors"
	"testing"
)

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr error
		wantOff int
	}{
		{"empty", "", ErrTruncated, 0},
		{"missing length", "30", ErrTruncated, 0},
		{"content past end", "3005020101", ErrTruncated, 0},
		{"length octets past end", "3082", ErrTruncated, 0},
		{"five length octets", "3085ffffffffff", ErrLength, 0},
		{"reserved 0xff length", "30ff", ErrLength, 0},
		{"absurd length", "3084ffffffff00", ErrLength, 0},
		{"indefinite primitive", "0480", ErrIndefinitePrimitive, 0},
		{"indefinite without EOC", "3080020101", ErrTruncated, 0},
		{"indefinite inner truncated", "30800205", ErrTruncated, 2},
		{"tag number truncated", "1f", ErrTruncated, 0},
		{"tag number too big", "1f8181818101", ErrTagNumber, 0},
		{"tag number leading zero", "1f8001", ErrTagNumber, 0},
		{"stray EOC", "0000", ErrValue, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(mustHex(t, tt.in), 0, 0)
			_, err := r.Next()
			var be *Error
			if !errors.Is(err, tt.wantErr) || !errors.As(err, &be) || be.Offset != tt.wantOff {
				t.Fatalf("got %v, want %v at %d", err, tt.wantErr, tt.wantOff)
			}
		})
	}
}

func TestReaderIndefinite(t *testing.T) {
	// SEQUENCE (indefinite) { [0] (indefinite, constructed) { INTEGER 5 } , NULL }
	in := mustHex(t, "3080a080020105000005000000ff")
	r := NewReader(in, 100, 0)
	e, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if !e.Indefinite || e.Offset != 100 || e.ContentOffset != 102 || r.Offset() != 113 || !bytes.Equal(r.Rest(), []byte{0xff}) {
		t.Fatalf("element %+v, reader at %d", e, r.Offset())
	}
	c, _ := e.Children()
	inner, err := c.Next()
	if err != nil || inner.Tag != CtxC(0) {
		t.Fatalf("inner %+v %v", inner, err)
	}
	ic, _ := inner.Children()
	i, err := ic.Next()
	if err != nil {
		t.Fatal(err)
	}
	if v, err := i.Int64(); err != nil || v != 5 || i.Offset != 104 {
		t.Fatalf("int %d %v at %d", v, err, i.Offset)
	}
	n, err := c.Next()
	if err != nil || n.Null() != nil || !c.Empty() {
		t.Fatalf("null %v", err)
	}
}

func TestReaderDepth(t *testing.T) {
	var in []byte
	for i := 0; i < 40; i++ {
		in = append(in, 0x30, 0x80)
	}
	for i := 0; i < 40; i++ {
		in = append(in, 0, 0)
	}
	r := NewReader(in, 0, 0)
	_, err := r.Next()
	if !errors.Is(err, ErrTooDeep) {
		t.Fatalf("indefinite nesting: %v", err)
	}
	// Definite nesting is caught when the caller descends.
	in = nil
	for i := 0; i < 40; i++ {
		in = append([]byte{0x30, byte(len(in))}, in...)
	}
	r = NewReader(in, 0, 0)
	var e Element
	for err == nil || !errors.Is(err, ErrTooDeep) {
		if e, err = r.Next(); err != nil {
			break
		}
		r, err = e.Children()
		if err != nil {
			break
		}
	}
	var be *Error
	if !errors.Is(err, ErrTooDeep) || !errors.As(err, &be) || be.Offset != 2*(DefaultMaxDepth+1) {
		t.Fatalf("definite nesting: %v", err)
	}
}

func TestElementValues(t *testing.T) {
	el := func(h string) *Element {
		r := NewReader(mustHex(t, h), 0, 0)
		e, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		return &e
	}
	if v, err := el("0201ff").Int64(); err != nil || v != -1 {
		t.Errorf("int -1: %d %v", v, err)
	}
	if _, err := el("0200").Int64(); err == nil {
		t.Error("empty INTEGER accepted")
	}
	if _, err := el("0209010000000000000000").Int64(); err == nil {
		t.Error("9-octet int64 accepted")
	}
	if v, err := el("020900ffffffffffffffff").Uint64(); err != nil || v != 1<<64-1 {
		t.Errorf("uint64 max: %d %v", v, err)
	}
	if _, err := el("0201ff").Uint64(); err == nil {
		t.Error("negative as unsigned accepted")
	}
	if _, err := el("02050100000000").Uint32(); err == nil {
		t.Error("2^32 as uint32 accepted")
	}
	if _, err := el("01020000").Bool(); err == nil {
		t.Error("two-octet BOOLEAN accepted")
	}
	if err := el("050100").Null(); err == nil {
		t.Error("NULL with content accepted")
	}
	if b, err := el("2480040261620401630000").Bytes(); err != nil || string(b) != "abc" {
		t.Errorf("segmented string: %q %v", b, err)
	}
	if _, err := el("2403020100").Bytes(); err == nil {
		t.Error("segment of wrong type accepted")
	}
	if _, err := el("0c02c328").Text(true); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
	if o, err := el("06072b060104018237").OID(); err != nil || len(o) != 7 || o[0] != 1 || o[1] != 3 || o[6] != 311 {
		t.Errorf("OID: %v %v", o, err)
	}
	if o, err := el("0603813403").OID(); err != nil || o[0] != 2 || o[1] != 100 {
		t.Errorf("OID with first arc 2: %v %v", o, err)
	}
	for _, bad := range []string{"0d00", "0d0185", "0d028001", "0d0690808080800f"} {
		if _, err := el(bad).RelativeOID(); err == nil {
			t.Errorf("relative OID %s accepted", bad)
		}
	}
}

func TestFrameLength(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		max     int
		want    int
		wantErr error
	}{
		{"complete", "3003020101ffff", 0, 5, nil},
		{"empty", "", 0, 0, ErrIncomplete},
		{"header only", "30", 0, 0, ErrIncomplete},
		{"long length incomplete", "3082", 0, 0, ErrIncomplete},
		{"partial content", "30050201", 0, 0, ErrIncomplete},
		{"too long", "3082ffff", 1000, 0, ErrTooLong},
		{"at max", "3003020101", 5, 5, nil},
		{"over max by one", "3003020101", 4, 0, ErrTooLong},
		{"indefinite complete", "30800201010000aa", 0, 7, nil},
		{"indefinite incomplete", "3080020101", 0, 0, ErrIncomplete},
		{"indefinite over max", "30800201010000", 6, 0, ErrTooLong},
		{"malformed length", "30ff", 0, 0, ErrLength},
		{"indefinite primitive", "0280", 0, 0, ErrIndefinitePrimitive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FrameLength(mustHex(t, tt.in), tt.max)
			if !errors.Is(err, tt.wantErr) || (err == nil && tt.wantErr != nil) || got != tt.want {
				t.Fatalf("got %d, %v; want %d, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
