package siprec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/pion/rtp"
	dto "github.com/prometheus/client_model/go"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
	"github.com/umli/umli/rtpcapture/sdpinfo"
)

// testSRC is a minimal recording client on sipgo: it sends INVITEs and in-dialog
// requests, and answers the BYE the endpoint sends on media timeout.
type testSRC struct {
	cli  *sipgo.Client
	dua  sipgo.DialogUA
	byes chan struct{}
}

func newTestSRC(t *testing.T) *testSRC {
	t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	ua, err := sipgo.NewUA(sipgo.WithUserAgentHostname("127.0.0.1"),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(quiet)))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	cli, err := sipgo.NewClient(ua, sipgo.WithClientLogger(quiet), sipgo.WithClientHostname("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &testSRC{cli: cli, byes: make(chan struct{}, 4)}
	s.dua = sipgo.DialogUA{Client: cli, ContactHDR: sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "src", Host: "127.0.0.1",
		Port: pc.LocalAddr().(*net.UDPAddr).Port}}}
	srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
		s.byes <- struct{}{}
	})
	go func() { _ = srv.ServeUDP(pc) }()
	t.Cleanup(func() {
		_ = pc.Close()
		_ = cli.Close()
		_ = ua.Close()
	})
	return s
}

func offer(media netip.AddrPort) string {
	return fmt.Sprintf("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio %d RTP/AVP 8\r\na=sendonly\r\n",
		media.Addr(), media.Addr(), media.Port())
}

func (s *testSRC) invite(ctx context.Context, srs, body string, headers ...sip.Header) (*sipgo.DialogClientSession, error) {
	dlg, err := s.dua.WriteInvite(ctx, inviteRequest(srs, body, headers...))
	if err != nil {
		return nil, err
	}
	if err := dlg.WaitAnswer(ctx, sipgo.AnswerOptions{}); err != nil {
		return dlg, err
	}
	return dlg, dlg.Ack(ctx)
}

// inviteRequest is a recording INVITE to srs carrying body.
func inviteRequest(srs, body string, headers ...sip.Header) *sip.Request {
	host, port, _ := net.SplitHostPort(srs)
	var p int
	fmt.Sscan(port, &p)
	req := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", User: "2000", Host: host, Port: p})
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: "+4930111", Host: "carrier.example"}, Params: sip.NewParams()}
	from.Params.Add("tag", "t1")
	req.AppendHeader(from)
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: "2000", Host: "um.example"}, Params: sip.NewParams()})
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	for _, h := range headers {
		req.AppendHeader(h)
	}
	req.SetBody([]byte(body))
	return req
}

// byeContent ends the call and returns the audio/PCMA the box's CC carried, once
// that CC has ended.
func byeContent(t *testing.T, ctx context.Context, dlg *sipgo.DialogClientSession, sink *capturetest.Sink) []byte {
	t.Helper()
	if err := dlg.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	box := record.Identity{Kind: record.IdentityBoxID, Value: "2000@um.example"}
	recs, err := sink.WaitEnded(ctx, box, rtpcapture.ContentToTarget)
	if err != nil {
		t.Fatal(err)
	}
	return capturetest.Content(capturetest.CC(recs, box, rtpcapture.ContentToTarget), "audio/PCMA")
}

func answerPort(t *testing.T, body []byte) netip.AddrPort {
	t.Helper()
	d, err := sdpinfo.ParseSDP(body)
	if err != nil {
		t.Fatalf("answer: %v", err)
	}
	return netip.AddrPortFrom(d.Streams[0].Addr, d.Streams[0].Port)
}

type rtpSender struct {
	conn *net.UDPConn
}

func newRTPSender(t *testing.T, ip string) *rtpSender {
	t.Helper()
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(ip), 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &rtpSender{conn: c}
}

// send writes n PCMA packets to dst; counted says whether the endpoint should keep them.
func (s *rtpSender) send(t *testing.T, dst netip.AddrPort, seq *uint16, n int, counted bool, into *[]byte) {
	t.Helper()
	for i := 0; i < n; i++ {
		payload := bytes.Repeat([]byte{byte(*seq)}, 160)
		raw, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 8, SequenceNumber: *seq, Timestamp: uint32(*seq) * 160, SSRC: 77}, Payload: payload}).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.conn.WriteToUDPAddrPort(raw, dst); err != nil {
			t.Fatal(err)
		}
		if counted {
			*into = append(*into, payload...)
			*seq++
		}
		// Pace a little so the kernel buffer never overflows; not a timing assertion.
		time.Sleep(time.Millisecond)
	}
}

func TestReinviteMovesSourceAndStrangersAreDropped(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sink := capturetest.NewSink()
	metrics, err := rtpcapture.NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, srs := startEndpoint(t, ctx, Config{Source: "srs-t", Sink: sink, Metrics: metrics})
	src := newTestSRC(t)
	a := newRTPSender(t, "127.0.0.1")
	b := newRTPSender(t, "127.0.0.2")

	dlg, err := src.invite(ctx, srs, offer(netip.MustParseAddrPort("127.0.0.1:40000")))
	if err != nil {
		t.Fatal(err)
	}
	dst := answerPort(t, dlg.InviteResponse.Body())
	var want []byte
	var seq uint16 = 500
	a.send(t, dst, &seq, 20, true, &want)
	b.send(t, dst, &seq, 5, false, &want) // not negotiated yet: strangers

	// The SRC moves its media to 127.0.0.2; the endpoint keeps its port.
	re := sip.NewRequest(sip.INVITE, dlg.InviteResponse.Contact().Address)
	re.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	re.SetBody([]byte(offer(netip.MustParseAddrPort("127.0.0.2:40000"))))
	res, err := dlg.Do(ctx, re)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("re-INVITE: %v %v", res, err)
	}
	if got := answerPort(t, res.Body()); got != dst {
		t.Fatalf("re-INVITE answer moved the port: %s, was %s", got, dst)
	}
	a.send(t, dst, &seq, 7, false, &want) // the old source is a stranger now
	b.send(t, dst, &seq, 20, true, &want)
	if got := byeContent(t, ctx, dlg, sink); !bytes.Equal(got, want) {
		t.Errorf("content %d bytes, want %d from the negotiated sources only", len(got), len(want))
	}
	var m dto.Metric
	if err := metrics.Dropped.WithLabelValues("srs-t", "unknown_source").Write(&m); err != nil {
		t.Fatal(err)
	}
	if n := m.GetCounter().GetValue(); n != 12 {
		t.Errorf("unknown_source drops = %v, want 12", n)
	}
}

func TestMediaTimeoutEndsLegAndCall(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sink := capturetest.NewSink()
	_, srs := startEndpoint(t, ctx, Config{Source: "srs-t", Sink: sink, MediaTimeout: 300 * time.Millisecond})
	src := newTestSRC(t)
	a := newRTPSender(t, "127.0.0.1")
	dlg, err := src.invite(ctx, srs, offer(netip.MustParseAddrPort("127.0.0.1:40000")))
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	var seq uint16 = 1
	a.send(t, answerPort(t, dlg.InviteResponse.Body()), &seq, 15, true, &want)
	// No BYE: the stream goes silent, the endpoint closes the leg and ends the call.
	select {
	case <-src.byes:
	case <-ctx.Done():
		t.Fatal("no BYE from the endpoint after media timeout")
	}
	box := record.Identity{Kind: record.IdentityBoxID, Value: "2000@um.example"}
	cc := capturetest.CC(sink.Records(), box, rtpcapture.ContentToTarget)
	if !capturetest.Ended(cc) || !bytes.Equal(capturetest.Content(cc, "audio/PCMA"), want) {
		t.Errorf("after media timeout: %d chunks, ended %v", len(cc), capturetest.Ended(cc))
	}
}

func TestRefusesBadOffers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sink := capturetest.NewSink()
	_, srs := startEndpoint(t, ctx, Config{Source: "srs-t", Sink: sink})
	src := newTestSRC(t)
	tests := []struct{ name, body string }{
		{"privileged port", offer(netip.MustParseAddrPort("127.0.0.1:53"))},
		{"not sdp", "hello"},
		{"no audio", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 5000 RTP/AVP 96\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := src.invite(ctx, srs, tc.body)
			var de *sipgo.ErrDialogResponse
			if !errors.As(err, &de) || de.Res.StatusCode != 488 || de.Res.GetHeader("Warning") == nil {
				t.Fatalf("INVITE: %v, want 488 with a Warning", err)
			}
		})
	}
	if n := len(sink.Records()); n != 0 {
		t.Errorf("%d records for refused offers", n)
	}
}

func TestSessionTimerLapseEndsCall(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sink := capturetest.NewSink()
	_, srs := startEndpoint(t, ctx, Config{Source: "srs-t", Sink: sink, MinSessionExpires: time.Second})
	src := newTestSRC(t)
	dlg, err := src.invite(ctx, srs, offer(netip.MustParseAddrPort("127.0.0.1:40000")),
		sip.NewHeader("Session-Expires", "1"), sip.NewHeader("Supported", "timer"))
	if err != nil {
		t.Fatal(err)
	}
	if h := dlg.InviteResponse.GetHeader("Session-Expires"); h == nil || h.Value() != "1;refresher=uac" {
		t.Fatalf("Session-Expires in answer = %v", h)
	}
	// A refresh (UPDATE) keeps the session; then the SRC falls silent and never refreshes.
	res, err := dlg.Do(ctx, sip.NewRequest(sip.UPDATE, dlg.InviteResponse.Contact().Address))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("UPDATE: %v %v", res, err)
	}
	select {
	case <-src.byes:
	case <-ctx.Done():
		t.Fatal("no BYE after the session timer lapsed")
	}
	var connects int
	for _, r := range sink.Records() {
		if r.MessagingIRI != nil {
			connects++
		}
	}
	if connects != 2 {
		t.Errorf("connect IRIs = %d, want one per party", connects)
	}
}
