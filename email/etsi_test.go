package email

import (
	"reflect"
	"testing"
	"time"

	"github.com/umli/umli/email/annex"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// TestRecordsEncode checks the contract with mediation: every record the example
// sessions produce encodes as a PS-PDU with the project's BER codec and decodes back
// to the same EmailIRI/EmailCC.
func TestRecordsEncode(t *testing.T) {
	sessions := map[Protocol][]annex.Step{SMTP: annex.SMTP(), POP3: annex.B6(), IMAP: annex.C4()}
	for proto, steps := range sessions {
		var in []step
		for _, st := range steps {
			d := FromClient
			if st.FromServer {
				d = FromServer
			}
			in = append(in, step{d, st.Data})
		}
		recs := feed(t, proto, Options{LoginDomain: "example.org"}, in)
		if len(recs) == 0 {
			t.Fatalf("%v: no records", proto)
		}
		for i, r := range recs {
			got := roundTrip(t, r)
			if r.EmailIRI != nil && !reflect.DeepEqual(normalizeIRI(got.IRI[0].Contents.EmailIRI), normalizeIRI(r.EmailIRI)) {
				t.Errorf("%v record %d: IRI changed in round trip:\n got %+v\nwant %+v", proto, i, got.IRI[0].Contents.EmailIRI, r.EmailIRI)
			}
			if r.EmailCC != nil && string(got.CC[0].Contents.EmailCC.Content) != string(r.EmailCC.Content) {
				t.Errorf("%v record %d: CC content changed", proto, i)
			}
		}
	}
}

// roundTrip encodes a record as a PS-PDU with the project's BER codec and decodes it
// back, so the records are known to be valid EmailIRI/EmailCC or MessagingIRI/MessagingCC.
func roundTrip(t *testing.T, r *record.Record) etsi.Payload {
	t.Helper()
	cin := uint32(7)
	ts := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	pdu := etsi.PSPDU{Header: etsi.PSHeader{
		LIID: "LIID-1",
		CommunicationIdentifier: etsi.CommunicationIdentifier{
			NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "op", NetworkElementIdentifier: r.Source},
			CIN:               &cin,
		},
		SequenceNumber: 1,
		TimeStamp:      &ts,
	}}
	typ, dir := etsi.IRIContinue, r.Direction
	switch {
	case r.EmailIRI != nil:
		pdu.Payload.IRI = []etsi.IRIPayload{{IRIType: &typ, Contents: etsi.IRIContents{EmailIRI: r.EmailIRI}}}
	case r.EmailCC != nil:
		pdu.Payload.CC = []etsi.CCPayload{{PayloadDirection: &dir, Contents: etsi.CCContents{EmailCC: r.EmailCC}}}
	case r.MessagingIRI != nil:
		// Mediation fills the event identifier from EventKey; a lone record takes 1.
		ev := uint32(1)
		iri := *r.MessagingIRI
		iri.EventIdentifier = &ev
		pdu.Payload.IRI = []etsi.IRIPayload{{IRIType: &typ, Contents: etsi.IRIContents{MessagingIRI: &iri}}}
	case r.MessagingCC != nil:
		cc := *r.MessagingCC
		cc.EventIdentifier = 1
		pdu.Payload.CC = []etsi.CCPayload{{PayloadDirection: &dir, Contents: etsi.CCContents{MessagingCC: &cc}}}
	default:
		t.Fatalf("record without payload: %+v", r)
	}
	b, err := pdu.AppendBER(nil, etsi.LatestVersion())
	if err != nil {
		t.Fatalf("encode %s: %v", describe(r), err)
	}
	got, _, err := etsi.DecodePSPDU(b)
	if err != nil {
		t.Fatalf("decode %s: %v", describe(r), err)
	}
	return got.Payload
}

// normalizeIRI drops what the decoder fills in (default object identifiers) and maps
// empty slices to nil, so a round trip compares equal.
func normalizeIRI(i *etsi.EmailIRI) etsi.EmailIRI {
	c := *i
	c.ObjID = nil
	if len(c.MessageID) == 0 {
		c.MessageID = nil
	}
	if c.AAAInformation != nil && c.AAAInformation.ASMTP != nil {
		a := *c.AAAInformation.ASMTP
		if len(a.Challenge) == 0 {
			a.Challenge = nil
		}
		c.AAAInformation = &etsi.AAAInformation{ASMTP: &a}
	}
	return c
}
