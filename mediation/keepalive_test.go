package mediation_test

import (
	"testing"

	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
)

// TestIsKeepAliveResponse: only a PS-PDU whose payload is the TRIPayload keep-aliveResponse
// alternative (TS 102 232-1 clause 6.3) counts as the LEMF's answer; a keep-alive, another
// TRIPayload, an IRI, garbage and a truncated response do not.
func TestIsKeepAliveResponse(t *testing.T) {
	h := etsi.PSHeader{LIID: mediation.KeepAliveLIID, SequenceNumber: 7, CommunicationIdentifier: etsi.CommunicationIdentifier{
		NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "OP", NetworkElementIdentifier: "ne-1"}}}
	enc := func(p etsi.PSPDU) []byte {
		b, err := p.AppendBER(nil, etsi.LatestVersion())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	resp := enc(etsi.KeepAliveResponsePDU(h))
	rt := etsi.IRIReport
	iri := enc(etsi.IRIPDU(h, etsi.IRIPayload{IRIType: &rt, Contents: etsi.IRIContents{MessagingIRI: &etsi.MessagingIRI{
		SystemType: etsi.SystemUnifiedMessaging, Status: etsi.StatusOperationSucceeded, Trigger: etsi.TriggerUser}}}))
	tests := []struct {
		name string
		b    []byte
		want bool
	}{
		{"keep-aliveResponse", resp, true},
		{"keep-alive", enc(etsi.KeepAlivePDU(h)), false},
		{"testPDU", enc(etsi.TRIPDU(h, etsi.TRITest)), false},
		{"IRI", iri, false},
		{"truncated keep-aliveResponse", resp[:len(resp)-3], false},
		{"empty", nil, false},
		{"garbage", []byte{0x30, 0x03, 0x02, 0x01, 0x00}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := mediation.IsKeepAliveResponse(tc.b); got != tc.want {
				t.Fatalf("IsKeepAliveResponse = %v, want %v", got, tc.want)
			}
		})
	}
}
