package etsi

import (
	"bytes"
	"errors"
	"testing"
)

// TestPeekHeaderTRI: for a tRIPayload PeekHeader names the TRIPayload alternative (TS 102
// 232-1 TRIPayload: testPDU [0] ... cINReset [6]), which is what a keep-alive exchange needs;
// for IRI and CC it leaves TRI zero, and an alternative the module lacks is ErrUnsupported.
func TestPeekHeaderTRI(t *testing.T) {
	h := goldenHeader(1)
	for _, k := range []TRIKind{TRITest, TRIPadding, TRIKeepAlive, TRIKeepAliveResponse, TRIFirstSegment, TRILastSegment, TRICINReset} {
		t.Run(k.String(), func(t *testing.T) {
			p := TRIPDU(h, k)
			if k == TRIPadding {
				p.Payload.TRI.Padding = []byte{0, 0}
			}
			b, err := p.AppendBER(nil, LatestVersion())
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range [][]byte{b, toIndefinite(t, b)} {
				hs, err := PeekHeader(in)
				if err != nil {
					t.Fatal(err)
				}
				if hs.Kind != PayloadTRI || hs.TRI != k {
					t.Fatalf("peek %v/%v, want TRI/%v", hs.Kind, hs.TRI, k)
				}
			}
		})
	}
	ccp := CCPDU(h, CCPayload{Contents: CCContents{MessagingCC: &MessagingCC{EventIdentifier: 1, ContentType: "audio/PCMA", Content: []byte("x")}}})
	cc, err := ccp.AppendBER(nil, LatestVersion())
	if err != nil {
		t.Fatal(err)
	}
	if hs, err := PeekHeader(cc); err != nil || hs.Kind != PayloadCC || hs.TRI != 0 {
		t.Fatalf("CC: %+v, %v", hs, err)
	}
	// hdr as in TestPeekHeaderErrors; the tRIPayload carries [9], which TRIPayload lacks.
	hdr := []byte{0xA1, 0x10, 0x81, 0x01, 'L', 0xA3, 0x08, 0xA0, 0x03, 0x80, 0x01, 'O', 0x81, 0x01, 0x07, 0x84, 0x01, 0x02}
	c := append(bytes.Clone(hdr), 0xA2, 0x04, 0xA2, 0x02, 0x89, 0x00)
	_, err = PeekHeader(append([]byte{0x30, byte(len(c))}, c...))
	var de *DecodeError
	if !errors.Is(err, ErrUnsupported) || !errors.As(err, &de) || de.Path != "PS-PDU.payload.tRIPayload" {
		t.Fatalf("unknown TRIPayload alternative: %v", err)
	}
}
