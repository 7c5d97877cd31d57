package rtpcapture_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
)

// packets splits fuzz input into packets, each prefixed by a one-byte length.
func packets(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		n := int(data[0])
		data = data[1:]
		if n > len(data) {
			n = len(data)
		}
		out = append(out, data[:n])
		data = data[n:]
	}
	return out
}

func seedStream(f *testing.F, seqs ...uint16) []byte {
	var b []byte
	for i, s := range seqs {
		raw, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: uint8(i % 2 * 101), SequenceNumber: s,
			Timestamp: uint32(s) * 160, SSRC: uint32(1 + i/5)}, Payload: []byte{11, 0x80, 0, 160, 1, 2}}).Marshal()
		if err != nil {
			f.Fatal(err)
		}
		b = append(b, byte(len(raw)))
		b = append(b, raw...)
	}
	return b
}

// FuzzRTPPath pushes arbitrary datagrams through a leg (unmarshal, reorder, DTMF,
// chunking) and checks the MessagingCC invariants: sequence numbers from 0 without
// gaps, end-of-sequence only on the last chunk, and never more content than accepted.
func FuzzRTPPath(f *testing.F) {
	f.Add(seedStream(f, 1, 2, 3, 5, 4, 4, 9))
	f.Add(seedStream(f, 65535, 0, 1, 30000, 2, 3))
	f.Add([]byte{3, 0x80, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		sink := capturetest.NewSink()
		s, err := rtpcapture.NewSession(ctx, rtpcapture.SessionConfig{
			Source: "fuzz", CorrelationKey: "k", Sink: sink, Window: 4, DTMF: discardKeys{},
			Parties: []rtpcapture.Party{{Side: rtpcapture.SideCaller, Identities: []record.Identity{{Kind: record.IdentityE164, Value: "1234"}}}},
		}, time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		leg := s.NewLeg(rtpcapture.SideCaller, rtpcapture.PayloadTypes{101: {Name: "telephone-event", ClockRate: 8000}})
		// ref is the reorder buffer alone, fed what the leg accepted: the leg's content
		// and counts must be its output, whatever shortcuts the leg takes.
		var want []byte
		ref := rtpcapture.NewReorder(4, func(p *rtpcapture.Packet) { want = append(want, p.Payload...) })
		var accepted int
		for i, p := range packets(data) {
			if err := leg.Push(ctx, p, time.Unix(int64(i), 0)); err == nil {
				var pk rtp.Packet
				if pk.Unmarshal(p) == nil {
					accepted += len(pk.Payload)
					ref.Push(&rtpcapture.Packet{SSRC: pk.SSRC, Seq: pk.SequenceNumber, Timestamp: pk.Timestamp,
						PayloadType: pk.PayloadType, Marker: pk.Marker, Payload: pk.Payload})
				}
			}
			if i%7 == 6 {
				leg.Tick(ctx, time.Unix(int64(i)+10, 0)) // 10 s idle: drains the buffer
				ref.Drain()
			}
		}
		st := leg.Close(ctx)
		ref.Drain()
		if st.Reorder != ref.Stats {
			t.Fatalf("leg reorder stats %+v, reorder buffer alone %+v", st.Reorder, ref.Stats)
		}
		cc := capturetest.CC(sink.Records(), record.Identity{Kind: record.IdentityE164, Value: "1234"}, rtpcapture.ContentFromTarget)
		var delivered int
		for i, r := range cc {
			if *r.MessagingCC.SequenceNumber != uint32(i) {
				t.Fatalf("chunk %d has sequence number %d", i, *r.MessagingCC.SequenceNumber)
			}
			if r.MessagingCC.EndOfSequence != (i == len(cc)-1) {
				t.Fatalf("chunk %d of %d: end-of-sequence %v", i, len(cc), r.MessagingCC.EndOfSequence)
			}
			delivered += len(r.MessagingCC.Content)
		}
		if delivered > accepted {
			t.Fatalf("delivered %d bytes, accepted only %d", delivered, accepted)
		}
		var got []byte
		for _, r := range cc {
			got = append(got, r.MessagingCC.Content...)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("leg delivered %d bytes, the reorder buffer alone releases %d, or they differ", len(got), len(want))
		}
	})
}

type discardKeys struct{}

func (discardKeys) DTMF(context.Context, rtpcapture.DTMFEvent) {}

// FuzzCallInfo classifies calls from arbitrary header values.
func FuzzCallInfo(f *testing.F) {
	f.Add("<sip:+4917011111@carrier.example>;tag=1", "<sip:8000@um.example>", "<sip:2000@um.example>;reason=no-answer", "")
	f.Add(`"x" <tel:+49;phone-context=a>`, "sip:@", "<sip:a@[::1]:5060>", "retrieve")
	f.Fuzz(func(t *testing.T, from, to, diversion, mode string) {
		ci := rtpcapture.CallInfo{CallID: "c", From: from, To: to, Diversion: []string{diversion}, HistoryInfo: []string{to, from}, ModeHint: mode, BoxHint: diversion}
		p := ci.Classify([]string{"8000"})
		if p.CorrelationKey != "sip:c" || len(p.Parties) == 0 {
			t.Fatalf("plan = %+v", p)
		}
		for _, party := range p.Parties {
			for _, id := range party.Identities {
				if id.Value == "" {
					t.Fatalf("empty identity in %+v", p)
				}
			}
		}
	})
}
