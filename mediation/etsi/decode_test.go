package etsi

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/umli/umli/mediation/etsi/ber"
)

func readGolden(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(goldenDir, name+".ber"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// toIndefinite re-encodes every constructed element of b with the indefinite length form.
func toIndefinite(t testing.TB, b []byte) []byte {
	t.Helper()
	var out []byte
	r := ber.NewReader(b, 0, 0)
	for !r.Empty() {
		e, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		raw := b[e.Offset : e.ContentOffset+len(e.Content)]
		if !e.Tag.Constructed {
			out = append(out, raw...)
			continue
		}
		out = ber.AppendTag(out, e.Tag)
		out = append(out, 0x80)
		out = append(out, toIndefinite(t, e.Content)...)
		out = append(out, 0, 0)
	}
	return out
}

func TestDecodeIndefiniteLengths(t *testing.T) {
	for _, gv := range goldenVectors() {
		def := readGolden(t, gv.name)
		want, _, err := DecodePSPDU(def)
		if err != nil {
			t.Fatal(err)
		}
		indef := toIndefinite(t, def)
		got, n, err := DecodePSPDU(append(indef, 0xAA))
		if err != nil {
			t.Fatalf("%s: %v", gv.name, err)
		}
		if n != len(indef) || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: indefinite form decodes differently (n=%d of %d)", gv.name, n, len(indef))
		}
		if fl, err := ber.FrameLength(indef, 0); err != nil || fl != len(indef) {
			t.Fatalf("%s: FrameLength %d %v", gv.name, fl, err)
		}
	}
}

func TestDecodeTruncatedEverywhere(t *testing.T) {
	b := readGolden(t, "messagingIRI-all-properties")
	for n := 0; n < len(b); n++ {
		_, _, err := DecodePSPDU(b[:n])
		var de *DecodeError
		if !errors.As(err, &de) || !errors.Is(err, ber.ErrTruncated) || de.Offset != 0 || de.Path != "PS-PDU" {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
	// Truncation inside the indefinite form is found where the inner element breaks off.
	indef := toIndefinite(t, b)
	for n := 0; n < len(indef); n++ {
		_, _, err := DecodePSPDU(indef[:n])
		var de *DecodeError
		if !errors.As(err, &de) || !errors.Is(err, ber.ErrTruncated) || de.Offset > n {
			t.Fatalf("indefinite truncated to %d: %v", n, err)
		}
	}
}

// mutate returns a copy of b with b[i] = v.
func mutate(b []byte, i int, v byte) []byte {
	c := append([]byte(nil), b...)
	c[i] = v
	return c
}

func TestDecodeBadInput(t *testing.T) {
	sample := readGolden(t, "messagingIRI-message-box-login")
	liidOff := bytes.Index(sample, []byte("LIID-UM-0001")) - 2                              // the [1] identifier
	statusOff := bytes.Index(sample, []byte{0x84, 0x01, byte(StatusOperationFailed), 0xa5}) // status [4], then party-information [5]
	iriTypeOff := bytes.Index(sample, []byte{0x80, 0x01, byte(IRIReport), 0x81})            // iRIType [0], then timeStamp [1]
	if liidOff < 0 || statusOff < 0 || iriTypeOff < 0 {
		t.Fatal("sample layout changed")
	}
	deep := []byte{}
	for i := 0; i < 40; i++ {
		deep = append(deep, 0xB4, 0x80) // [20] constructed, indefinite: an unknown header extension
	}
	for i := 0; i < 40; i++ {
		deep = append(deep, 0, 0)
	}
	tests := []struct {
		name    string
		in      []byte
		wantErr error
		wantOff int
		path    string
	}{
		{"empty", nil, ber.ErrTruncated, 0, "PS-PDU"},
		{"wrong outer tag", mutate(sample, 0, 0x31), ber.ErrValue, 0, "PS-PDU"},
		{"absurd length", []byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0}, ber.ErrLength, 0, "PS-PDU"},
		{"length beyond input", []byte{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0}, ber.ErrTruncated, 0, "PS-PDU"},
		{"over-long inner length", mutate(sample, liidOff+1, 0x7f), ber.ErrTruncated, liidOff, "PS-PDU.pSHeader"},
		{"enum value unknown", mutate(sample, statusOff+2, 0x09), ErrUnknownEnum, statusOff, "PS-PDU.payload.iRIPayloadSequence[0].iRIContents.messagingIRI.status"},
		{"iRIType unknown", mutate(sample, iriTypeOff+2, 0x07), ErrUnknownEnum, iriTypeOff, "PS-PDU.payload.iRIPayloadSequence[0].iRIType"},
		{"status tag turned into trigger", mutate(sample, statusOff, 0x86), ErrUnexpectedTag, statusOff + 3, "PS-PDU.payload.iRIPayloadSequence[0].iRIContents.messagingIRI"},
		{"constructed where primitive", mutate(sample, statusOff, 0xa4), ber.ErrConstructed, statusOff, "PS-PDU.payload.iRIPayloadSequence[0].iRIContents.messagingIRI.status"},
		{"deep nesting", headerWithExtension(t, sample, deep), ber.ErrTooDeep, -1, "PS-PDU.pSHeader"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := DecodePSPDU(tt.in)
			var de *DecodeError
			if !errors.As(err, &de) || !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if (tt.wantOff >= 0 && de.Offset != tt.wantOff) || de.Path != tt.path {
				t.Fatalf("got offset %d path %q, want %d %q (%v)", de.Offset, de.Path, tt.wantOff, tt.path, err)
			}
		})
	}
}

func TestDecodeMissingAndExtensions(t *testing.T) {
	// A header extension from a future version ([20], well-formed) is skipped.
	sample := readGolden(t, "tri-keep-alive")
	want, _, err := DecodePSPDU(sample)
	if err != nil {
		t.Fatal(err)
	}
	ext := headerWithExtension(t, sample, []byte{0x94, 0x02, 0xCA, 0xFE})
	got, n, err := DecodePSPDU(ext)
	if err != nil || n != len(ext) || !reflect.DeepEqual(got, want) {
		t.Fatalf("extension not skipped: %v", err)
	}
	// A PS-PDU without payload names the missing field.
	h := want.Header
	hb, err := (&PSPDU{Header: h, Payload: Payload{TRI: &TRIPayload{Kind: TRIKeepAlive}}}).AppendBER(nil, LatestVersion())
	if err != nil {
		t.Fatal(err)
	}
	r := ber.NewReader(hb, 0, 0)
	outer, _ := r.Next()
	cr, _ := outer.Children()
	hdr, _ := cr.Next()
	onlyHeader := ber.AppendTag(nil, ber.Sequence())
	onlyHeader = ber.AppendLength(onlyHeader, hdr.ContentOffset-hdr.Offset+len(hdr.Content))
	onlyHeader = append(onlyHeader, hb[hdr.Offset:hdr.ContentOffset+len(hdr.Content)]...)
	_, _, err = DecodePSPDU(onlyHeader)
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrMissing) || de.Path != "PS-PDU.payload" || de.Offset != 0 {
		t.Fatalf("missing payload: %v", err)
	}
}

// headerWithExtension appends ext to the pSHeader of the PS-PDU in b (definite lengths).
func headerWithExtension(t testing.TB, b, ext []byte) []byte {
	t.Helper()
	r := ber.NewReader(b, 0, 0)
	outer, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	cr, _ := outer.Children()
	hdr, _ := cr.Next()
	rest := cr.Rest()
	content := append(append([]byte(nil), hdr.Content...), ext...)
	h := ber.AppendTag(nil, hdr.Tag)
	h = ber.AppendLength(h, len(content))
	h = append(h, content...)
	body := append(h, rest...)
	out := ber.AppendTag(nil, ber.Sequence())
	out = ber.AppendLength(out, len(body))
	return append(out, body...)
}

func TestDecodeConsumesOnePDU(t *testing.T) {
	a := readGolden(t, "tri-keep-alive")
	b := readGolden(t, "messagingCC-first-segment")
	stream := append(append([]byte(nil), a...), b...)
	_, n, err := DecodePSPDU(stream)
	if err != nil || n != len(a) {
		t.Fatalf("first: %d %v", n, err)
	}
	p, n2, err := DecodePSPDU(stream[n:])
	if err != nil || n2 != len(b) || p.Payload.CC == nil {
		t.Fatalf("second: %d %v", n2, err)
	}
}
