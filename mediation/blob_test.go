package mediation

import (
	"bytes"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/session"
)

func TestBlobRoundTripDropsIdentities(t *testing.T) {
	ev := etsi.BoxLogin
	pw := "secret"
	r := &record.Record{
		Identities: []record.Identity{{Kind: record.IdentityE164, Value: "+491701234567"}},
		Source:     "ne", CorrelationKey: "k", Boundary: record.Open, EventKey: "e", Time: time.Unix(1700000000, 5000).UTC(),
		MessagingIRI: &etsi.MessagingIRI{Category: &etsi.MessagingEventCategory{MessageBox: &ev}, Status: etsi.StatusOperationSucceeded},
		CloseEvent:   &etsi.MessagingIRI{},
	}
	b, err := encodeBlob(r, false)
	if err != nil {
		t.Fatal(err)
	}
	jr, err := decodeBlob(b)
	if err != nil {
		t.Fatal(err)
	}
	if jr.Identities != nil || jr.CloseEvent != nil || jr.Synthesized {
		t.Fatalf("kept %+v", jr)
	}
	if !jr.Time.Equal(r.Time) || *jr.MessagingIRI.Category.MessageBox != etsi.BoxLogin || jr.EventKey != "e" {
		t.Fatalf("lost data: %+v", jr.Record)
	}
	// The generic e-mail end repeats no credentials.
	e := &record.Record{EmailIRI: &etsi.EmailIRI{EventType: etsi.EmailLogon, ProtocolID: etsi.ProtocolIMAP4,
		AAAInformation: &etsi.AAAInformation{IMAP: &etsi.IMAPAAAInformation{Username: "u", Password: &pw}}}}
	c := closeRecord(e, nil)
	if c.EmailIRI.AAAInformation != nil || c.EmailIRI.EventType != etsi.EmailLogoff || c.EmailIRI.Status != etsi.EmailStatusUnknown || c.Boundary != record.Close {
		t.Fatalf("generic end %+v", c.EmailIRI)
	}
	m := closeRecord(r, nil)
	if *m.MessagingIRI.Category.MessageBox != etsi.BoxDisconnect || m.MessagingIRI.Trigger != etsi.TriggerSystem {
		t.Fatalf("generic messaging end %+v", m.MessagingIRI)
	}
	if closeRecord(&record.Record{MessagingCC: &etsi.MessagingCC{}}, nil) != nil {
		t.Fatal("CC has no end")
	}
}

func TestContentKind(t *testing.T) {
	tests := []struct {
		r    record.Record
		ok   bool
		kind string
	}{
		{record.Record{MessagingIRI: &etsi.MessagingIRI{}}, true, "i"},
		{record.Record{EmailCC: &etsi.EmailCC{}}, true, "c"},
		{record.Record{}, false, ""},
		{record.Record{MessagingIRI: &etsi.MessagingIRI{}, EmailCC: &etsi.EmailCC{}}, false, ""},
		{record.Record{MessagingCC: &etsi.MessagingCC{}, Boundary: 9}, false, ""},
	}
	for i, tt := range tests {
		k, err := contentKind(&tt.r)
		if (err == nil) != tt.ok || (tt.ok && string(rune(k)) != tt.kind) {
			t.Errorf("case %d: kind %c err %v", i, k, err)
		}
	}
}

// FuzzDecodeBlob: journal records come back from Redis.
func FuzzDecodeBlob(f *testing.F) {
	f.Add([]byte(`{"Source":"ne","Boundary":1,"MessagingIRI":{"Status":3}}`))
	f.Add([]byte(`{"syn":true,"EmailIRI":{"EventType":7},"Time":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"MessagingCC":{"Content":"AAEC","EventIdentifier":4}}`))
	for i, r := range blobSamples() {
		b, err := encodeBlob(r, i%2 == 0)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		jr, err := decodeBlob(b)
		if err == nil {
			if _, err := contentKind(&jr.Record); err != nil {
				t.Fatalf("accepted a record without exactly one content: %v", err)
			}
		}
	})
}

// blobSamples are records whose contents use most fields the model has.
func blobSamples() []*record.Record {
	at := time.Date(2026, 3, 4, 5, 6, 7, 891234000, time.UTC)
	ev, box, pri := etsi.EventDeposit, etsi.BoxLogin, etsi.MessagingPriority(1)
	subj, pw, port, n := "subject", "pw", int64(143), uint32(3)
	id, cid, seq := uint32(9), uint32(1), uint32(77)
	valid := etsi.MessagingPartyValidity(1)
	return []*record.Record{
		{Source: "um-1", CorrelationKey: "s1", Boundary: record.Open, EventKey: "m1", Time: at, Claim: "ev1:0",
			MessagingIRI: &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging, SystemIdentifier: []byte("ums"),
				Category: &etsi.MessagingEventCategory{Message: &ev}, Status: etsi.StatusOperationSucceeded,
				PartyInformation: []etsi.MessagingPartyInformation{{Qualifier: 1, Identity: etsi.MessagingPartyIdentity{E164: "491701234567"}}, {Qualifier: 2, Identity: etsi.MessagingPartyIdentity{EmailAddresses: []string{"a@example.net"}}, Validity: &valid}},
				Trigger:          etsi.TriggerUser, Properties: []etsi.MessagingProperty{{Priority: &pri}, {Subject: &subj}, {MessageDate: &at}},
				EventIdentifier: &id, BoxIdentifier: []byte("1000"), TotalRecipientCount: &n}},
		{Source: "um-1", CorrelationKey: "s2", Boundary: record.Continue, Time: at,
			MessagingIRI: &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging, Category: &etsi.MessagingEventCategory{MessageBox: &box}, Status: etsi.StatusUnknown, Trigger: etsi.TriggerSystem, ObjID: etsi.OID{5, 2, 20, 3}}},
		{Source: "mail", CorrelationKey: "c", Boundary: record.Standalone, Time: at,
			EmailIRI: &etsi.EmailIRI{EventType: etsi.EmailLogon, ClientAddress: &etsi.IPAddress{Type: etsi.IPType(0), Binary: []byte{10, 0, 0, 1}},
				ServerPort: &port, ProtocolID: etsi.ProtocolIMAP4, Recipients: []string{"b@example.net"}, Status: etsi.EmailStatusUnknown,
				AAAInformation: &etsi.AAAInformation{IMAP: &etsi.IMAPAAAInformation{Username: "u", Password: &pw}}}},
		{Source: "um-1", CorrelationKey: "s1", Boundary: record.Continue, EventKey: "m1", Direction: etsi.DirectionToTarget, Time: at,
			MessagingCC: &etsi.MessagingCC{EventIdentifier: 4, ContentIdentifier: &cid, SequenceNumber: &seq, ContentType: "audio/PCMU", Content: make([]byte, 160)}},
		{Source: "mail", CorrelationKey: "c", Boundary: record.Report, Direction: etsi.DirectionFromTarget,
			EmailCC: &etsi.EmailCC{Format: etsi.EmailFormatApplication, Content: []byte("From: a\r\n\r\nbody")}},
	}
}

// TestBinaryBlobRebuildsSamePDUs: a PDU built from a replayed (binary) journal record is
// byte for byte the PDU built from the record itself, for every schema version and
// timestamp style; the JSON form of earlier releases still reads back the same.
func TestBinaryBlobRebuildsSamePDUs(t *testing.T) {
	q := etsi.TimeStampQualifier(1)
	dests := []*Destination{
		{Name: "v20", Version: etsi.LatestVersion(), Timestamps: TimestampBoth, Operator: "OP", CountryCode: "DE", Qualifier: &q},
		{Name: "v9", Version: etsi.Version{Header: etsi.HeaderVersionLatest, Email: etsi.EmailVersionSeed}, Timestamps: TimestampGeneralized, Operator: "OP"},
	}
	m := &Mediator{}
	for i, r := range blobSamples() {
		b, err := encodeBlob(r, i == 2)
		if err != nil {
			t.Fatal(err)
		}
		if b[0] != blobBinary {
			t.Fatalf("sample %d journaled as %q, want the binary form", i, b[:1])
		}
		js, err := appendBlobJSON(nil, r, i == 2)
		if err != nil {
			t.Fatal(err)
		}
		for form, blob := range map[string][]byte{"binary": b, "json": js} {
			jr, err := decodeBlob(blob)
			if err != nil {
				t.Fatalf("sample %d %s: %v", i, form, err)
			}
			if jr.Synthesized != (i == 2) || jr.Source != r.Source || jr.CorrelationKey != r.CorrelationKey || jr.EventKey != r.EventKey ||
				jr.Claim != r.Claim || jr.Boundary != r.Boundary || jr.Direction != r.Direction || !jr.Time.Equal(r.Time) || jr.Time.IsZero() != r.Time.IsZero() {
				t.Fatalf("sample %d %s: envelope %+v, want %+v", i, form, jr.Record, *r)
			}
			for _, d := range dests {
				n := session.Numbers{CIN: 70000, IRIType: etsi.IRIContinue, EventID: 300}
				p := (&pduParams{liid: "LIID-1", dest: d, ne: "um-1", seq: 12345, at: r.Time}).withNumbers(&n)
				want, _, err := m.buildPDU(nil, p, r)
				if err != nil {
					t.Fatal(err)
				}
				got, _, err := m.buildPDU(nil, p, &jr.Record)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("sample %d %s %s: PDU from the journal differs\n got %x\nwant %x", i, form, d.Name, got, want)
				}
			}
		}
	}
}

// TestBlobOutOfBinaryFormFallsBackToJSON: content that only encodes after the Conform rules
// is journaled in the JSON form, and reads back.
func TestBlobOutOfBinaryFormFallsBackToJSON(t *testing.T) {
	r := &record.Record{Source: "ne", Boundary: record.Continue, Time: time.Unix(1700000000, 0),
		MessagingCC: &etsi.MessagingCC{ContentType: string(make([]byte, 4000)), Content: []byte{1}}}
	if _, err := (&etsi.PSPDU{Header: blobHeader, Payload: etsi.Payload{CC: []etsi.CCPayload{{Contents: etsi.CCContents{MessagingCC: r.MessagingCC}}}}}).AppendBER(nil, etsi.LatestVersion()); err == nil {
		t.Fatal("sample encodes without conforming: it tests nothing")
	}
	b, err := encodeBlob(r, false)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != '{' {
		t.Fatalf("journaled as %q, want JSON", b[:1])
	}
	jr, err := decodeBlob(b)
	if err != nil || jr.MessagingCC == nil || len(jr.MessagingCC.ContentType) != 4000 {
		t.Fatalf("decode: %v", err)
	}
}
