package mediation

import (
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
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
	f.Fuzz(func(t *testing.T, b []byte) {
		jr, err := decodeBlob(b)
		if err == nil {
			if _, err := contentKind(&jr.Record); err != nil {
				t.Fatalf("accepted a record without exactly one content: %v", err)
			}
		}
	})
}
