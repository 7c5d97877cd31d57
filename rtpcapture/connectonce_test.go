package rtpcapture_test

import (
	"context"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
)

func connectRec(src, key string, ids ...record.Identity) *record.Record {
	ev := etsi.BoxConnect
	return &record.Record{Source: src, CorrelationKey: key, Boundary: record.Open, EventKey: rtpcapture.ConnectEventKey, Identities: ids,
		MessagingIRI: &etsi.MessagingIRI{Category: &etsi.MessagingEventCategory{MessageBox: &ev}}}
}

// TestConnectOnce: one call's connect reported by the recording endpoint and by the UM
// feed reaches mediation once per identity (TS 102 232-2 clause 8.1: one connect event,
// whose event-identifier the RTP CC repeat, Table 6); everything else passes unchanged.
func TestConnectOnce(t *testing.T) {
	box := record.Identity{Kind: record.IdentityBoxID, Value: "2000@um.example"}
	sipBox := record.Identity{Kind: record.IdentitySIPURI, Value: "sip:2000@um.example"}
	caller := record.Identity{Kind: record.IdentityE164, Value: "+4917011111"}
	msisdn := record.Identity{Kind: record.IdentityE164, Value: "+4917022222"}
	cc := func(key string) *record.Record {
		return &record.Record{Source: "fs-1", CorrelationKey: key, Boundary: record.Continue, EventKey: rtpcapture.ConnectEventKey,
			Identities: []record.Identity{box}, MessagingCC: &etsi.MessagingCC{}}
	}
	cases := []struct {
		name string
		in   []*record.Record
		want [][]record.Identity // identities of each record passed on, in order
	}{
		{"second report of the same identities is dropped",
			[]*record.Record{connectRec("fs-1", "u1", caller, box), connectRec("fs-1", "u1", box, caller)},
			[][]record.Identity{{caller, box}}},
		{"second report keeps only identities not yet connected",
			[]*record.Record{connectRec("fs-1", "u1", box, sipBox), connectRec("fs-1", "u1", caller, box, msisdn)},
			[][]record.Identity{{box, sipBox}, {caller, msisdn}}},
		{"per party connects of the endpoint are not duplicates of each other",
			[]*record.Record{connectRec("fs-1", "u1", caller), connectRec("fs-1", "u1", box), connectRec("fs-1", "u1", caller, box)},
			[][]record.Identity{{caller}, {box}}},
		{"other calls and other network elements are separate",
			[]*record.Record{connectRec("fs-1", "u1", box), connectRec("fs-1", "u2", box), connectRec("fs-2", "u1", box)},
			[][]record.Identity{{box}, {box}, {box}}},
		{"CC and other IRIs pass",
			[]*record.Record{connectRec("fs-1", "u1", box), cc("u1"), cc("u1")},
			[][]record.Identity{{box}, {box}, {box}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sink := capturetest.NewSink()
			g := rtpcapture.NewConnectOnce(sink, 0, 0)
			for _, r := range c.in {
				if err := g.Submit(context.Background(), r); err != nil {
					t.Fatal(err)
				}
			}
			got := sink.Records()
			if len(got) != len(c.want) {
				t.Fatalf("%d records passed, want %d", len(got), len(c.want))
			}
			for i, r := range got {
				if len(r.Identities) != len(c.want[i]) {
					t.Fatalf("record %d identities %v, want %v", i, r.Identities, c.want[i])
				}
				for j := range r.Identities {
					if r.Identities[j] != c.want[i][j] {
						t.Errorf("record %d identities %v, want %v", i, r.Identities, c.want[i])
					}
				}
			}
		})
	}
	// The caller's record is never modified: a trimmed connect is a copy.
	sink := capturetest.NewSink()
	g := rtpcapture.NewConnectOnce(sink, 0, 0)
	_ = g.Submit(context.Background(), connectRec("fs-1", "u1", box))
	second := connectRec("fs-1", "u1", box, caller)
	_ = g.Submit(context.Background(), second)
	if len(second.Identities) != 2 || g.Trimmed() != 1 {
		t.Errorf("submitted record changed to %v (trimmed %d)", second.Identities, g.Trimmed())
	}
}

// TestConnectOnceForgets: a call is remembered for the TTL and the table is bounded, so
// memory stays flat; a forgotten call's next connect is delivered again.
func TestConnectOnceForgets(t *testing.T) {
	box := record.Identity{Kind: record.IdentityBoxID, Value: "2000@um.example"}
	sink := capturetest.NewSink()
	g := rtpcapture.NewConnectOnce(sink, 50*time.Millisecond, 2)
	for _, k := range []string{"a", "b", "c", "a"} { // c evicts a
		_ = g.Submit(context.Background(), connectRec("fs-1", k, box))
	}
	if n := len(sink.Records()); n != 4 || g.Dropped() != 0 {
		t.Fatalf("%d passed, %d dropped; want 4 and 0 (a forgotten when c came)", n, g.Dropped())
	}
	_ = g.Submit(context.Background(), connectRec("fs-1", "c", box))
	if g.Dropped() != 1 {
		t.Fatalf("dropped %d, want 1 (c still remembered)", g.Dropped())
	}
	time.Sleep(60 * time.Millisecond)
	_ = g.Submit(context.Background(), connectRec("fs-1", "c", box))
	if n := len(sink.Records()); n != 5 {
		t.Fatalf("%d passed after the TTL, want 5", n)
	}
}

// TestConnectOnceReleaseToPlainSink: in front of a sink that keeps records it took and
// says nothing about releasing them (mediation's Submit queues r), a released chunk's
// memory may be reused by the source at once; what the sink kept must not change.
func TestConnectOnceReleaseToPlainSink(t *testing.T) {
	sink := capturetest.NewSink()
	g := rtpcapture.NewConnectOnce(sink, 0, 0)
	cid, seq := uint32(1), uint32(7)
	content := []byte("chunk-7")
	r := &record.Record{Source: "ast-1", CorrelationKey: "sip:c1", Boundary: record.Continue, EventKey: rtpcapture.ConnectEventKey,
		Identities:  []record.Identity{{Kind: record.IdentityE164, Value: "+4917011111"}},
		MessagingCC: &etsi.MessagingCC{ContentIdentifier: &cid, SequenceNumber: &seq, Content: content}}
	released := 0
	if err := g.SubmitRelease(context.Background(), r, func() { released++ }); err != nil {
		t.Fatal(err)
	}
	if released != 1 {
		t.Fatalf("released %d times, want 1", released)
	}
	// The source reuses the chunk for the next one.
	copy(content, "chunk-8")
	seq, cid = 8, 0
	r.Identities[0].Value = "+0"
	got := sink.Records()
	if len(got) != 1 {
		t.Fatalf("%d records", len(got))
	}
	k := got[0]
	if string(k.MessagingCC.Content) != "chunk-7" || *k.MessagingCC.SequenceNumber != 7 || *k.MessagingCC.ContentIdentifier != 1 || k.Identities[0].Value != "+4917011111" {
		t.Errorf("kept record changed with the source's memory: %q seq %d cid %d %v", k.MessagingCC.Content, *k.MessagingCC.SequenceNumber, *k.MessagingCC.ContentIdentifier, k.Identities)
	}
}
