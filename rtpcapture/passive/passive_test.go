package passive

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/rs/zerolog"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
	"github.com/umli/umli/rtpcapture/pcapgen"
)

const callsPcap = "../testdata/calls.pcap"

type keys struct{ got []rtpcapture.DTMFEvent }

func (k *keys) DTMF(_ context.Context, ev rtpcapture.DTMFEvent) { k.got = append(k.got, ev) }

func TestCommittedPcapIsGenerated(t *testing.T) {
	committed, err := os.ReadFile(callsPcap)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := pcapgen.WriteCalls(&buf, pcapgen.PassiveCalls()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, buf.Bytes()) {
		t.Fatal("testdata/calls.pcap differs from the generator: go run ./rtpcapture/cmd/rtppcap -kind calls -o rtpcapture/testdata/calls.pcap")
	}
}

func TestPassiveCapture(t *testing.T) {
	ctx := context.Background()
	sink := capturetest.NewSink()
	k := &keys{}
	capt, err := New(Config{Source: "tap-1", Sink: sink, DTMF: k, Pilots: []string{"8000"}, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(callsPcap)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := capt.ReadPcap(ctx, f); err != nil {
		t.Fatal(err)
	}
	if capt.Stats.Calls != 2 || capt.Stats.Strangers != 5 || capt.Stats.SIPErrors != 0 || capt.Stats.SIP != 12 {
		t.Errorf("stats = %+v", capt.Stats)
	}
	recs := sink.Records()
	calls := pcapgen.PassiveCalls()
	deposit, retrieve := calls[0], calls[1]

	id := func(kind record.IdentityKind, v string) record.Identity { return record.Identity{Kind: kind, Value: v} }
	expect := func(s pcapgen.Stream, pt uint8) []byte {
		b, err := s.Expected(pt)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name   string
		who    record.Identity
		cid    uint32
		dir    etsi.PayloadDirection
		key    string
		ctype  string
		stream pcapgen.Stream
		pt     uint8
	}{
		{"deposit: caller's voice to the box owner", id(record.IdentityE164, "+4917022222"), 1, etsi.DirectionToTarget, "0b7f6c1e-5d1a-4d0e-9a57-2f1e3c4d5b6a", "audio/PCMU", deposit.CallerRTP, 0},
		{"deposit: greeting from the box owner's box", id(record.IdentityBoxID, "+4917022222@carrier.example"), 0, etsi.DirectionFromTarget, "0b7f6c1e-5d1a-4d0e-9a57-2f1e3c4d5b6a", "audio/PCMU", deposit.UMRTP, 0},
		{"deposit: the caller as target", id(record.IdentityE164, "+4917011111"), 0, etsi.DirectionFromTarget, "0b7f6c1e-5d1a-4d0e-9a57-2f1e3c4d5b6a", "audio/PCMU", deposit.CallerRTP, 0},
		{"retrieve: owner's side", id(record.IdentityBoxID, "2000@um.example"), 0, etsi.DirectionFromTarget, "sip:retrieve-1@198.51.100.7", "audio/PCMU", retrieve.CallerRTP, 0},
		{"retrieve: owner's key presses", id(record.IdentityBoxID, "2000@um.example"), 0, etsi.DirectionFromTarget, "sip:retrieve-1@198.51.100.7", "audio/telephone-event", retrieve.CallerRTP, 101},
		{"retrieve: playback to the owner", id(record.IdentitySIPURI, "sip:2000@um.example"), 1, etsi.DirectionToTarget, "sip:retrieve-1@198.51.100.7", "audio/PCMU", retrieve.UMRTP, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cc := capturetest.CC(recs, tc.who, tc.cid)
			if !capturetest.Ended(cc) {
				t.Fatalf("%d chunks, last without end-of-sequence", len(cc))
			}
			for i, r := range cc {
				if r.CorrelationKey != tc.key || r.Direction != tc.dir || *r.MessagingCC.SequenceNumber != uint32(i) ||
					r.EventKey != rtpcapture.ConnectEventKey || r.Source != "tap-1" {
					t.Errorf("chunk %d: %+v", i, r)
				}
			}
			want := expect(tc.stream, tc.pt)
			if got := capturetest.Content(cc, tc.ctype); !bytes.Equal(got, want) {
				t.Errorf("%s content: %d bytes, want the %d bytes sent and not lost", tc.ctype, len(got), len(want))
			}
		})
	}
	if len(k.got) != 2 || k.got[0].Key != '1' || k.got[1].Key != '#' || k.got[0].CorrelationKey != "sip:retrieve-1@198.51.100.7" {
		t.Errorf("dtmf = %+v", k.got)
	}
	var connects int
	for _, r := range recs {
		if r.MessagingIRI != nil && r.Boundary == record.Open {
			connects++
		}
	}
	if connects != 3 {
		t.Errorf("connect IRIs = %d, want 2 for the deposit (caller, box owner) and 1 for the retrieval", connects)
	}
}
