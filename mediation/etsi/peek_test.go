package etsi

import (
	"bytes"
	"errors"
	"testing"

	"github.com/umli/umli/mediation/etsi/ber"
)

// peekAgrees checks that PeekHeader reads what the full decoder reads.
func peekAgrees(t testing.TB, name string, b []byte) {
	t.Helper()
	p, _, err := DecodePSPDU(b)
	if err != nil {
		t.Fatalf("%s: decode: %v", name, err)
	}
	hs, err := PeekHeader(b)
	if err != nil {
		t.Fatalf("%s: peek: %v", name, err)
	}
	want := HeaderSummary{LIID: []byte(p.Header.LIID), SequenceNumber: p.Header.SequenceNumber, Kind: payloadKind(&p.Payload)}
	if ne := p.Header.CommunicationIdentifier.NetworkIdentifier.NetworkElementIdentifier; ne != "" {
		want.NetworkElement = []byte(ne)
	}
	if c := p.Header.CommunicationIdentifier.CIN; c != nil {
		want.CIN, want.HasCIN = *c, true
	}
	if !bytes.Equal(hs.LIID, want.LIID) || !bytes.Equal(hs.NetworkElement, want.NetworkElement) || hs.CIN != want.CIN || hs.HasCIN != want.HasCIN ||
		hs.SequenceNumber != want.SequenceNumber || hs.Kind != want.Kind {
		t.Fatalf("%s: peek %+v (LIID %q, NE %q), decoder %+v (LIID %q, NE %q)", name, hs, hs.LIID, hs.NetworkElement, want, want.LIID, want.NetworkElement)
	}
}

func payloadKind(p *Payload) PayloadKind {
	switch {
	case p.IRI != nil:
		return PayloadIRI
	case p.CC != nil:
		return PayloadCC
	case p.TRI != nil:
		return PayloadTRI
	}
	return 0
}

func TestPeekHeaderGolden(t *testing.T) {
	for _, gv := range goldenVectors() {
		b := readGolden(t, gv.name)
		peekAgrees(t, gv.name, b)
		peekAgrees(t, gv.name+" (indefinite)", toIndefinite(t, b))
	}
}

func TestPeekHeader(t *testing.T) {
	enc := func(p PSPDU) []byte {
		b, err := p.AppendBER(nil, LatestVersion())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	noCIN := goldenHeader(9)
	noCIN.CommunicationIdentifier.CIN = nil
	big := goldenHeader(4294967295)
	big.LIID = "L-0123456789-0123456789-X" // 25 octets, the maximum
	tests := []struct {
		name string
		b    []byte
		want HeaderSummary
	}{
		{"keep-alive", enc(KeepAlivePDU(goldenHeader(3))), HeaderSummary{LIID: []byte("LIID-UM-0001"), NetworkElement: []byte("um-med-1"), CIN: 123456, HasCIN: true, SequenceNumber: 3, Kind: PayloadTRI}},
		{"no CIN", enc(KeepAliveResponsePDU(noCIN)), HeaderSummary{LIID: []byte("LIID-UM-0001"), NetworkElement: []byte("um-med-1"), SequenceNumber: 9, Kind: PayloadTRI}},
		{"largest numbers", enc(CCPDU(big, CCPayload{Contents: CCContents{MessagingCC: &MessagingCC{EventIdentifier: 1, ContentType: "audio/PCMA", Content: make([]byte, 70000)}}})),
			HeaderSummary{LIID: []byte(big.LIID), NetworkElement: []byte("um-med-1"), CIN: 123456, HasCIN: true, SequenceNumber: 4294967295, Kind: PayloadCC}},
		{"trailing bytes ignored", append(enc(KeepAlivePDU(goldenHeader(5))), 0x30, 0x00), HeaderSummary{LIID: []byte("LIID-UM-0001"), NetworkElement: []byte("um-med-1"), CIN: 123456, HasCIN: true, SequenceNumber: 5, Kind: PayloadTRI}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs, err := PeekHeader(tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(hs.LIID, tc.want.LIID) || !bytes.Equal(hs.NetworkElement, tc.want.NetworkElement) || hs.CIN != tc.want.CIN || hs.HasCIN != tc.want.HasCIN || hs.SequenceNumber != tc.want.SequenceNumber || hs.Kind != tc.want.Kind {
				t.Fatalf("got %+v, want %+v", hs, tc.want)
			}
		})
	}
}

func TestPeekHeaderErrors(t *testing.T) {
	// hdr is a PSHeader [1] with LIID "L", operator "O", CIN 7 and sequence number 2.
	hdr := []byte{0xA1, 0x10, 0x81, 0x01, 'L', 0xA3, 0x08, 0xA0, 0x03, 0x80, 0x01, 'O', 0x81, 0x01, 0x07, 0x84, 0x01, 0x02}
	pdu := func(parts ...[]byte) []byte {
		c := bytes.Join(parts, nil)
		return append([]byte{0x30, byte(len(c))}, c...)
	}
	ka := []byte{0xA2, 0x04, 0xA2, 0x02, 0x83, 0x00}
	if hs, err := PeekHeader(pdu(hdr, ka)); err != nil || string(hs.LIID) != "L" || hs.NetworkElement != nil || hs.CIN != 7 || !hs.HasCIN || hs.SequenceNumber != 2 || hs.Kind != PayloadTRI {
		t.Fatalf("hand-made PDU: %+v, %v", hs, err)
	}
	tests := []struct {
		name string
		b    []byte
		is   error
		path string
	}{
		{"empty", nil, ber.ErrTruncated, "PS-PDU"},
		{"not a SEQUENCE", []byte{0x31, 0x00}, ber.ErrValue, "PS-PDU"},
		{"truncated", pdu(hdr, ka)[:10], ber.ErrTruncated, "PS-PDU"},
		{"no header", pdu(ka), ErrMissing, "PS-PDU.pSHeader"},
		{"no payload", pdu(hdr), ErrMissing, "PS-PDU.payload"},
		{"foreign field", pdu([]byte{0xA5, 0x00}, hdr, ka), ErrUnexpectedTag, "PS-PDU"},
		{"empty LIID", pdu([]byte{0xA1, 0x05, 0x81, 0x00, 0x84, 0x01, 0x02}, ka), ErrConstraint, "PS-PDU.pSHeader.lawfulInterceptionIdentifier"},
		{"LIID too long", pdu(append([]byte{0xA1, 0x1D, 0x81, 0x1A}, append(bytes.Repeat([]byte{'x'}, 26), 0x84, 0x01, 0x02)...), ka), ErrConstraint, "PS-PDU.pSHeader.lawfulInterceptionIdentifier"},
		{"segmented LIID", pdu([]byte{0xA1, 0x08, 0xA1, 0x03, 0x04, 0x01, 'L', 0x84, 0x01, 0x02}, ka), ErrUnsupported, "PS-PDU.pSHeader.lawfulInterceptionIdentifier"},
		{"no LIID", pdu([]byte{0xA1, 0x03, 0x84, 0x01, 0x02}, ka), ErrMissing, "PS-PDU.pSHeader.lawfulInterceptionIdentifier"},
		{"no sequence number", pdu([]byte{0xA1, 0x03, 0x81, 0x01, 'L'}, ka), ErrMissing, "PS-PDU.pSHeader.sequenceNumber"},
		{"negative sequence number", pdu([]byte{0xA1, 0x06, 0x81, 0x01, 'L', 0x84, 0x01, 0xFF}, ka), ber.ErrValue, "PS-PDU.pSHeader.sequenceNumber"},
		{"CIN too large", pdu([]byte{0xA1, 0x11, 0x81, 0x01, 'L', 0xA3, 0x09, 0xA0, 0x00, 0x81, 0x05, 0x01, 0, 0, 0, 0, 0x84, 0x01, 0x02}, ka), ber.ErrValue, "PS-PDU.pSHeader.communicationIdentifier.communicationIdentityNumber"},
		{"NE too long", pdu(append(append([]byte{0xA1, 0x20, 0x81, 0x01, 'L', 0xA3, 0x18, 0xA0, 0x16, 0x80, 0x01, 'O', 0x81, 0x11}, "ne-0123456789abcd"...), 0x84, 0x01, 0x02), ka), ErrConstraint, "PS-PDU.pSHeader.communicationIdentifier.networkIdentifier.networkElementIdentifier"},
		{"universal tag in header", pdu([]byte{0xA1, 0x05, 0x04, 0x01, 'L', 0x84, 0x00}, ka), ErrUnexpectedTag, "PS-PDU.pSHeader"},
		{"empty payload", pdu(hdr, []byte{0xA2, 0x00}), ber.ErrTruncated, "PS-PDU.payload"},
		{"unknown payload", pdu(hdr, []byte{0xA2, 0x02, 0xA7, 0x00}), ErrUnsupported, "PS-PDU.payload"},
		{"primitive payload alternative", pdu(hdr, []byte{0xA2, 0x02, 0x80, 0x00}), ErrUnsupported, "PS-PDU.payload"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PeekHeader(tc.b)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DecodeError", err)
			}
			if !errors.Is(err, tc.is) || de.Path != tc.path || de.Offset < 0 || de.Offset > len(tc.b) {
				t.Fatalf("error %v (path %q, offset %d), want %v at %q", err, de.Path, de.Offset, tc.is, tc.path)
			}
		})
	}
}

// FuzzPeekHeader: PeekHeader never panics, reports errors with an offset inside the input,
// and agrees with the full decoder on every PDU the decoder accepts.
func FuzzPeekHeader(f *testing.F) {
	addGoldenSeeds(f)
	f.Add([]byte{0x30, 0x80, 0xA1, 0x80, 0x00, 0x00, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		hs, err := PeekHeader(b)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset > len(b) || de.Path == "" {
				t.Fatalf("error without offset/path: %#v", err)
			}
			if _, _, derr := DecodePSPDU(b); derr == nil {
				// The peek is stricter only where the decoder reassembles a segmented LIID.
				if !errors.Is(err, ErrUnsupported) {
					t.Fatalf("decoder accepts what peek refuses: %v", err)
				}
			}
			return
		}
		if len(hs.LIID) == 0 || len(hs.LIID) > 25 || hs.Kind < PayloadIRI || hs.Kind > PayloadTRI {
			t.Fatalf("peek result out of range: %+v", hs)
		}
		if _, _, derr := DecodePSPDU(b); derr == nil {
			peekAgrees(t, "fuzz", b)
		}
	})
}
