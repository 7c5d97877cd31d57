package e2e_test

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/siprec"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/sipsim"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

// startSRSPolicy serves the recording endpoint over UDP with connect policy p, submitting
// to sink, and returns its SIP address.
func startSRSPolicy(t *testing.T, sink record.Sink, p rtpcapture.ConnectPolicy) string {
	t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	ep, err := siprec.New(siprec.Config{Source: srsName, Sink: sink, Connect: p, MediaAddr: netip.MustParseAddr("127.0.0.1"), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = ep.ServeUDP(ctx, pc) }()
	t.Cleanup(func() {
		cancel()
		<-done
		_ = ep.Close()
		_ = pc.Close()
	})
	return pc.LocalAddr().String()
}

// fsEvent is a FreeSWITCH channel event of the deposit call uuid as the ESL client
// hands it to the adapter.
func fsEvent(uuid, name string, extra ...string) *feed.Event {
	e := &feed.Event{Dialect: feed.FreeSWITCH, Source: srsName, Received: time.Now()}
	hs := append([]string{"Event-Name", name, "Unique-ID", uuid, "Caller-Caller-ID-Number", "+4917011111"}, extra...)
	for i := 0; i+1 < len(hs); i += 2 {
		e.Headers = append(e.Headers, feed.Header{Name: hs[i], Value: hs[i+1]})
	}
	return e
}

// TestTable6ConnectCorrelation: TS 102 232-2 Table 6 — the MessagingCC of a UM call's
// RTP streams carry the event-identifier of that call's 'connect' MessagingIRI, and
// there is one connect per call. Both reporters of a connect run as in `umli run`: the
// SIPREC endpoint (events: connect, the default, or feed) and the FreeSWITCH feed's
// translator (fs.connect at CHANNEL_EXECUTE voicemail), sharing one
// rtpcapture.ConnectOnce in front of real mediation on a real redis-server; the SIPREC
// call carries the feed's channel UUID (X-FS-UUID), so both name the same CIN.
func TestTable6ConnectCorrelation(t *testing.T) {
	cases := []struct {
		name      string
		policy    rtpcapture.ConnectPolicy
		feedFirst bool // the feed's connect reaches umli before the SIPREC INVITE
	}{
		{"connect/siprec first", rtpcapture.ConnectOpen, false},
		{"connect/feed first", rtpcapture.ConnectOpen, true},
		{"feed/feed first", rtpcapture.ConnectNone, true},
		{"feed/media first", rtpcapture.ConnectNone, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			s := startSystem(t)
			guard := rtpcapture.NewConnectOnce(s.med, 0, 0)
			srs := startSRSPolicy(t, guard, c.policy)
			ad, err := adapter.New(adapter.Config{Translate: translate.Config{}, Logger: zerolog.Nop()}, guard)
			if err != nil {
				t.Fatal(err)
			}
			const uuid = "6f0c1d2e-0000-4000-8000-00000000t6"
			feedConnect := func() {
				if err := ad.Handle(ctx, fsEvent(uuid, "CHANNEL_EXECUTE", "Application", "voicemail", "Application-Data", "default um.example 2000")); err != nil {
					t.Fatal(err)
				}
			}
			if c.feedFirst {
				feedConnect()
			}
			res, err := sipsim.Deposit(ctx, sipsim.Config{SRS: srs, Box: boxAOR, PlatformUUID: uuid, Duration: 600 * time.Millisecond,
				Log: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)})
			if err != nil {
				t.Fatal(err)
			}
			if res.PlatformUUID != uuid {
				t.Fatalf("simulator used UUID %q", res.PlatformUUID)
			}
			if !c.feedFirst {
				feedConnect()
			}
			// Both legs complete at the LEMF before the feed ends the call, so no CC
			// arrives after the iRI-End.
			waitLEMF(ctx, t, s.lm.LEMF, func(c lemf.CINSummary) bool {
				n := 0
				for _, cs := range c.Content {
					if cs.Complete {
						n++
					}
				}
				return n == 2
			})
			if err := ad.Handle(ctx, fsEvent(uuid, "CHANNEL_HANGUP_COMPLETE")); err != nil {
				t.Fatal(err)
			}
			waitLEMF(ctx, t, s.lm.LEMF, func(c lemf.CINSummary) bool {
				n := len(c.Events)
				return n > 0 && c.Events[n-1].IRIType == "iRI-End"
			})
			if err := s.med.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			s.stop(t)
			sum := s.lm.Summary()
			if len(sum.LIIDs) != 1 || len(sum.LIIDs[0].CINs) != 1 || sum.Gaps != 0 || sum.Duplicates != 0 {
				t.Fatalf("want one LIID with one CIN, no gaps or duplicates: %+v", sum)
			}
			cin := sum.LIIDs[0].CINs[0]
			var connects []lemf.Event
			for _, e := range cin.Events {
				if e.Category == "message-box:connect" {
					connects = append(connects, e)
				}
			}
			if len(connects) != 1 {
				t.Fatalf("%d connect IRIs for one call, want 1: %+v", len(connects), cin.Events)
			}
			con := connects[0]
			if con.IRIType != "iRI-Begin" || con.EventIdentifier == nil {
				t.Fatalf("connect %+v: want the iRI-Begin with an event-identifier", con)
			}
			if len(cin.Content) != 2 {
				t.Fatalf("content streams %+v, want one per direction", cin.Content)
			}
			for _, cs := range cin.Content {
				if cs.Payload != "MessagingCC" || cs.EventIdentifier == nil || *cs.EventIdentifier != *con.EventIdentifier {
					t.Errorf("stream %+v: MessagingCC event-identifier must be the connect's %d", cs, *con.EventIdentifier)
				}
			}
			if last := cin.Events[len(cin.Events)-1]; last.Category != "message-box:disconnect" {
				t.Errorf("sequence ends with %+v, want the feed's disconnect", last)
			}
			// With events: connect both reported the connect; the guard delivered one.
			if wantDropped := c.policy == rtpcapture.ConnectOpen; (guard.Dropped()+guard.Trimmed() > 0) != wantDropped {
				t.Errorf("guard dropped %d, trimmed %d; a second report expected: %v", guard.Dropped(), guard.Trimmed(), wantDropped)
			}
		})
	}
}

// waitLEMF waits until the LEMF's only CIN satisfies cond.
func waitLEMF(ctx context.Context, t *testing.T, lm *lemf.LEMF, cond func(lemf.CINSummary) bool) {
	t.Helper()
	for {
		for _, l := range lm.Summary().LIIDs {
			for _, c := range l.CINs {
				if cond(c) {
					return
				}
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("LEMF: %+v", lm.Summary())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
