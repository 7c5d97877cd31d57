package rtpcapture_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
)

// TestSpecTable6RTPSignalling: TS 102 232-2 Table 6 for the two RTP legs of a call into the
// UM system, seen from each party's warrant: CCPayload.payloadDirection fromTarget for
// what the party sends and toTarget for what it hears; MessagingCC.content-identifier 0
// for fromTarget and 1 for toTarget; MessagingCC.event-identifier that of the party's
// 'connect' IRI (the same event key in the same sequence); content-type the mime type of
// the RTP payload type (audio/PCMU for 0, audio/PCMA for 8); content the RTP payloads
// without RTP headers. Sequence-numbering starts at 0 and the last chunk carries
// end-of-sequence (clause 8.1).
func TestSpecTable6RTPSignalling(t *testing.T) {
	ctx := context.Background()
	sink := capturetest.NewSink()
	s := depositSession(t, sink, nil)
	caller := s.NewLeg(rtpcapture.SideCaller, nil)
	um := s.NewLeg(rtpcapture.SideUM, nil)
	var fromCaller, fromUM []byte
	for i := 0; i < 25; i++ {
		at := time.Unix(1000, 0).Add(time.Duration(i) * 20 * time.Millisecond)
		if err := caller.Push(ctx, rtpPacket(t, 7, uint16(i), uint32(i*160), 0, tone(i)), at); err != nil {
			t.Fatal(err)
		}
		if err := um.Push(ctx, rtpPacket(t, 9, uint16(i), uint32(i*160), 8, tone(100+i)), at); err != nil {
			t.Fatal(err)
		}
		fromCaller, fromUM = append(fromCaller, tone(i)...), append(fromUM, tone(100+i)...)
	}
	caller.Close(ctx)
	um.Close(ctx)
	recs := sink.Records()

	connectKey := map[record.Identity]string{}
	for _, r := range recs {
		if m := r.MessagingIRI; m != nil && m.Category != nil && m.Category.MessageBox != nil && *m.Category.MessageBox == etsi.BoxConnect {
			connectKey[r.Identities[0]] = r.EventKey
			if r.EventKey == "" {
				t.Errorf("connect IRI of %v has no event key for its CC to share", r.Identities)
			}
		}
	}
	views := []struct {
		party    record.Identity
		cid      uint32
		dir      etsi.PayloadDirection
		ctype    string
		payloads []byte
	}{
		{callerID, 0, etsi.DirectionFromTarget, "audio/PCMU", fromCaller}, // the caller speaks
		{callerID, 1, etsi.DirectionToTarget, "audio/PCMA", fromUM},       // and hears the UM system
		{boxID, 0, etsi.DirectionFromTarget, "audio/PCMA", fromUM},        // the box's side plays
		{boxID, 1, etsi.DirectionToTarget, "audio/PCMU", fromCaller},      // and receives the caller
	}
	for _, v := range views {
		if _, ok := connectKey[v.party]; !ok {
			t.Fatalf("%v: no connect IRI", v.party)
		}
		cc := capturetest.CC(recs, v.party, v.cid)
		if len(cc) == 0 {
			t.Fatalf("%v content-identifier %d: no CC", v.party, v.cid)
		}
		for i, r := range cc {
			m := r.MessagingCC
			if r.Direction != v.dir {
				t.Errorf("%v cid %d chunk %d: payloadDirection %v, want %v", v.party, v.cid, i, r.Direction, v.dir)
			}
			if r.EventKey != connectKey[v.party] || r.CorrelationKey != rtpcapture.CorrelationKeyFor("", "abc@host") {
				t.Errorf("%v cid %d chunk %d: event key %q in %q, want the connect's %q", v.party, v.cid, i, r.EventKey, r.CorrelationKey, connectKey[v.party])
			}
			if m.ContentType != v.ctype {
				t.Errorf("%v cid %d chunk %d: content-type %q, want %q", v.party, v.cid, i, m.ContentType, v.ctype)
			}
			if m.SequenceNumber == nil || *m.SequenceNumber != uint32(i) || m.EndOfSequence != (i == len(cc)-1) {
				t.Errorf("%v cid %d chunk %d: sequence-number %v end-of-sequence %v", v.party, v.cid, i, m.SequenceNumber, m.EndOfSequence)
			}
		}
		if got := capturetest.Content(cc, v.ctype); !bytes.Equal(got, v.payloads) {
			t.Errorf("%v cid %d: content is not the RTP payloads (%d vs %d bytes)", v.party, v.cid, len(got), len(v.payloads))
		}
	}
	for _, r := range recs {
		if r.MessagingCC == nil {
			continue
		}
		if cid := *r.MessagingCC.ContentIdentifier; (cid == 0) != (r.Direction == etsi.DirectionFromTarget) || cid > 1 {
			t.Errorf("CC with content-identifier %d and direction %v", cid, r.Direction)
		}
	}
}
