package etsi

import "testing"

// BenchmarkPeekHeader compares PeekHeader with a full decode on an IRI PDU and on a CC PDU
// with 16 KiB of content: the peek's cost must not grow with the content.
func BenchmarkPeekHeader(b *testing.B) {
	iri, cc := benchPDU(), CCPDU(goldenHeader(7), CCPayload{Contents: CCContents{MessagingCC: &MessagingCC{
		EventIdentifier: 1, ContentType: "audio/PCMA", Content: pcma(16 << 10)}}})
	iriPDU, err := iri.AppendBER(nil, LatestVersion())
	if err != nil {
		b.Fatal(err)
	}
	ccPDU, err := cc.AppendBER(nil, LatestVersion())
	if err != nil {
		b.Fatal(err)
	}
	for _, pc := range []struct {
		name string
		pdu  []byte
	}{{"IRI", iriPDU}, {"CC-16KiB", ccPDU}} {
		b.Run("peek/"+pc.name, func(b *testing.B) {
			b.ReportAllocs()
			m := startCPU()
			for b.Loop() {
				if _, err := PeekHeader(pc.pdu); err != nil {
					b.Fatal(err)
				}
			}
			m.report(b, 0)
		})
		b.Run("decode/"+pc.name, func(b *testing.B) {
			b.ReportAllocs()
			m := startCPU()
			for b.Loop() {
				if _, _, err := DecodePSPDU(pc.pdu); err != nil {
					b.Fatal(err)
				}
			}
			m.report(b, 0)
		})
	}
}
