package rtpcapture_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/rs/zerolog"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
)

var (
	callerID = record.Identity{Kind: record.IdentityE164, Value: "4917011111"}
	boxID    = record.Identity{Kind: record.IdentityBoxID, Value: "2000@um.example"}
)

func depositSession(t *testing.T, sink record.Sink, dtmf rtpcapture.DTMFHandler) *rtpcapture.Session {
	t.Helper()
	s, err := rtpcapture.NewSession(context.Background(), rtpcapture.SessionConfig{
		Source:         "srs-test",
		CorrelationKey: rtpcapture.CorrelationKeyFor("", "abc@host"),
		Parties: []rtpcapture.Party{
			{Side: rtpcapture.SideCaller, Identities: []record.Identity{callerID}},
			{Side: rtpcapture.SideUM, Identities: []record.Identity{boxID}, Box: "2000@um.example"},
		},
		Sink: sink, DTMF: dtmf, Log: zerolog.Nop(),
	}, time.Unix(1000, 0))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rtpPacket(t *testing.T, ssrc uint32, seq uint16, ts uint32, pt uint8, payload []byte) []byte {
	t.Helper()
	b, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt, SequenceNumber: seq, Timestamp: ts, SSRC: ssrc}, Payload: payload}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func tone(seq int) []byte {
	p := make([]byte, 160)
	for i := range p {
		p[i] = byte(seq*7 + i)
	}
	return p
}

func TestLegDepositChunksBothViews(t *testing.T) {
	ctx := context.Background()
	sink := capturetest.NewSink()
	s := depositSession(t, sink, nil)
	leg := s.NewLeg(rtpcapture.SideCaller, nil)

	// 30 packets of 20 ms: #5 and #6 swapped, #9 duplicated, #20 lost.
	order := []int{0, 1, 2, 3, 4, 6, 5, 7, 8, 9, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 27, 28, 29}
	var want []byte
	for i := 0; i < 30; i++ {
		if i != 20 {
			want = append(want, tone(i)...)
		}
	}
	for _, i := range order {
		if err := leg.Push(ctx, rtpPacket(t, 42, uint16(100+i), uint32(i*160), 0, tone(i)), time.Unix(1000, 0)); err != nil {
			t.Fatal(err)
		}
	}
	st := leg.Close(ctx)
	if st.Reorder.Lost != 1 || st.Reorder.Duplicates+st.Reorder.Late != 1 || st.Accepted != 30 {
		t.Errorf("stats = %+v", st)
	}

	recs := sink.Records()
	var connects int
	for _, r := range recs {
		if r.MessagingIRI != nil {
			connects++
			if r.Boundary != record.Open || r.EventKey != rtpcapture.ConnectEventKey || *r.MessagingIRI.Category.MessageBox != etsi.BoxConnect ||
				r.MessagingIRI.Status != etsi.StatusOperationSucceeded || r.MessagingIRI.Trigger != etsi.TriggerUser || r.CorrelationKey != "sip:abc@host" {
				t.Errorf("connect record = %+v", r)
			}
		}
	}
	if connects != 2 {
		t.Errorf("connect records = %d, want one per party", connects)
	}
	views := []struct {
		id  record.Identity
		cid uint32
		dir etsi.PayloadDirection
	}{
		{callerID, rtpcapture.ContentFromTarget, etsi.DirectionFromTarget},
		{boxID, rtpcapture.ContentToTarget, etsi.DirectionToTarget},
	}
	for _, v := range views {
		cc := capturetest.CC(recs, v.id, v.cid)
		if len(cc) != 3 {
			t.Fatalf("%v: %d chunks, want 3 of 200 ms", v.id, len(cc))
		}
		for i, r := range cc {
			m := r.MessagingCC
			if *m.SequenceNumber != uint32(i) || m.ContentType != "audio/PCMU" || r.Direction != v.dir ||
				r.EventKey != rtpcapture.ConnectEventKey || r.Boundary != record.Continue || r.CorrelationKey != "sip:abc@host" {
				t.Errorf("%v chunk %d = %+v / %+v", v.id, i, r, m)
			}
			if m.EndOfSequence != (i == len(cc)-1) {
				t.Errorf("%v chunk %d end-of-sequence = %v", v.id, i, m.EndOfSequence)
			}
		}
		if got := capturetest.Content(cc, "audio/PCMU"); !bytes.Equal(got, want) {
			t.Errorf("%v: content differs from the payloads sent (%d vs %d bytes)", v.id, len(got), len(want))
		}
	}
}

type keys struct{ got []rtpcapture.DTMFEvent }

func (k *keys) DTMF(_ context.Context, ev rtpcapture.DTMFEvent) { k.got = append(k.got, ev) }

func TestLegDTMFAndPayloadTypeChange(t *testing.T) {
	ctx := context.Background()
	sink := capturetest.NewSink()
	k := &keys{}
	s := depositSession(t, sink, k)
	pts := rtpcapture.PayloadTypes{101: {Name: "telephone-event", ClockRate: 8000}}
	leg := s.NewLeg(rtpcapture.SideCaller, pts)
	seq := uint16(1)
	push := func(ts uint32, pt uint8, payload []byte) {
		t.Helper()
		if err := leg.Push(ctx, rtpPacket(t, 7, seq, ts, pt, payload), time.Unix(1000, 0)); err != nil {
			t.Fatal(err)
		}
		seq++
	}
	push(0, 8, tone(0))
	// Key '#' (11): three updates, then the end packet sent three times (RFC 4733 2.5.1.4).
	for _, d := range []uint16{160, 320, 480} {
		push(160, 101, []byte{11, 10, byte(d >> 8), byte(d)})
	}
	for i := 0; i < 3; i++ {
		push(160, 101, []byte{11, 0x80 | 10, 0x02, 0x80})
	}
	// Key '5' whose end packets are all lost.
	push(1000, 101, []byte{5, 10, 0, 160})
	push(1400, 8, tone(1))
	leg.Close(ctx)

	if len(k.got) != 2 || k.got[0].Key != '#' || k.got[0].Duration != 80*time.Millisecond || k.got[1].Key != '5' {
		t.Fatalf("dtmf = %+v, want '#' of 80 ms then '5'", k.got)
	}
	if k.got[0].CorrelationKey != "sip:abc@host" || len(k.got[0].Identities) != 1 || k.got[0].Identities[0] != callerID {
		t.Errorf("dtmf attribution = %+v", k.got[0])
	}
	cc := capturetest.CC(sink.Records(), boxID, rtpcapture.ContentToTarget)
	var types []string
	for _, r := range cc {
		types = append(types, r.MessagingCC.ContentType)
	}
	want := []string{"audio/PCMA", "audio/telephone-event", "audio/PCMA"}
	if len(types) != 3 || types[0] != want[0] || types[1] != want[1] || types[2] != want[2] {
		t.Errorf("content types = %v, want %v", types, want)
	}
	if got := capturetest.Content(cc, "audio/telephone-event"); len(got) != 7*4 {
		t.Errorf("telephone-event content = %d bytes, want 28", len(got))
	}
}

func TestLegRejectsBadPackets(t *testing.T) {
	ctx := context.Background()
	s := depositSession(t, capturetest.NewSink(), nil)
	leg := s.NewLeg(rtpcapture.SideUM, nil)
	rtcp := rtpPacket(t, 1, 1, 0, 72, nil)
	rtcp[1] = 200 // RTCP sender report
	v1 := rtpPacket(t, 1, 1, 0, 0, tone(0))
	v1[0] = 0x40
	tests := []struct {
		name string
		raw  []byte
		want error
	}{
		{"empty", nil, rtpcapture.ErrMalformed},
		{"short", []byte{0x80, 0, 0}, rtpcapture.ErrMalformed},
		{"version 1", v1, rtpcapture.ErrMalformed},
		{"huge", make([]byte, 9000), rtpcapture.ErrOversize},
		{"rtcp", rtcp, rtpcapture.ErrRTCP},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := leg.Push(ctx, tc.raw, time.Now()); !errors.Is(err, tc.want) {
				t.Errorf("Push = %v, want %v", err, tc.want)
			}
		})
	}
	st := leg.Close(ctx)
	if st.Malformed != 3 || st.Oversize != 1 || st.RTCP != 1 || st.Chunks != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestLegTickFlushesIdleChunk(t *testing.T) {
	ctx := context.Background()
	sink := capturetest.NewSink()
	s := depositSession(t, sink, nil)
	leg := s.NewLeg(rtpcapture.SideUM, nil)
	t0 := time.Unix(2000, 0)
	for i := 0; i < 3; i++ {
		if err := leg.Push(ctx, rtpPacket(t, 9, uint16(i), uint32(i*160), 0, tone(i)), t0); err != nil {
			t.Fatal(err)
		}
	}
	leg.Tick(ctx, t0.Add(50*time.Millisecond))
	if n := len(capturetest.CC(sink.Records(), callerID, rtpcapture.ContentToTarget)); n != 0 {
		t.Fatalf("chunk flushed too early: %d", n)
	}
	leg.Tick(ctx, t0.Add(time.Second))
	cc := capturetest.CC(sink.Records(), callerID, rtpcapture.ContentToTarget)
	if len(cc) != 1 || len(cc[0].MessagingCC.Content) != 3*160 || cc[0].MessagingCC.EndOfSequence {
		t.Fatalf("after idle tick: %d chunks", len(cc))
	}
}

func TestContentType(t *testing.T) {
	pts := rtpcapture.PayloadTypes{
		96:  {Name: "opus", ClockRate: 48000, Channels: 2},
		97:  {Name: "AMR", ClockRate: 8000},
		101: {Name: "telephone-event", ClockRate: 8000},
		8:   {Name: "PCMU", ClockRate: 8000}, // an rtpmap overrides the static table
	}
	tests := []struct {
		pt   uint8
		want string
	}{
		{0, "audio/PCMU"}, {8, "audio/PCMU"}, {9, "audio/G722"}, {18, "audio/G729"}, {3, "audio/GSM"},
		{13, "audio/CN"}, {96, "audio/opus"}, {97, "audio/AMR"}, {101, "audio/telephone-event"}, {120, "audio/x-pt120"},
	}
	for _, tc := range tests {
		if got := pts.Lookup(tc.pt).ContentType(); got != tc.want {
			t.Errorf("pt %d: %q, want %q", tc.pt, got, tc.want)
		}
	}
}

// copyingSink serializes what it needs before Submit returns, like a durable journal:
// the contract ReuseBuffers relies on.
type copyingSink struct{ content map[uint32][]byte }

func (s *copyingSink) Submit(_ context.Context, r *record.Record) error {
	if r.MessagingCC != nil && r.Identities[0] == boxID {
		cid := *r.MessagingCC.ContentIdentifier
		s.content[cid] = append(s.content[cid], r.MessagingCC.Content...)
	}
	return nil
}

func TestLegReuseBuffers(t *testing.T) {
	ctx := context.Background()
	sink := &copyingSink{content: map[uint32][]byte{}}
	s, err := rtpcapture.NewSession(ctx, rtpcapture.SessionConfig{
		Source: "srs-test", CorrelationKey: "k", Sink: sink, ReuseBuffers: true,
		Parties: []rtpcapture.Party{{Side: rtpcapture.SideUM, Identities: []record.Identity{boxID}}},
	}, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	leg := s.NewLeg(rtpcapture.SideCaller, nil)
	var want []byte
	for i := 0; i < 57; i++ {
		want = append(want, tone(i)...)
		if err := leg.Push(ctx, rtpPacket(t, 1, uint16(i), uint32(i*160), 0, tone(i)), time.Unix(1, 0)); err != nil {
			t.Fatal(err)
		}
	}
	if st := leg.Close(ctx); st.Chunks != 6 {
		t.Errorf("chunks = %d, want 6", st.Chunks)
	}
	if !bytes.Equal(sink.content[rtpcapture.ContentToTarget], want) {
		t.Errorf("content with reused buffers differs: %d bytes, want %d", len(sink.content[1]), len(want))
	}
}
