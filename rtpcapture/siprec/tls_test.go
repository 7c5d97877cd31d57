package siprec

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/rs/zerolog"
	"github.com/umli/umli/internal/testcert"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
)

// selfSigned returns a server certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	ca := testcert.NewCA(t, "umli-srs-ca")
	return ca.Issue(t, "umli-srs", testcert.Server).TLS, ca.Pool
}

func TestRecordingOverTLS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cert, pool := selfSigned(t)
	sink := capturetest.NewSink()
	ep, err := New(Config{Source: "srs-tls", Sink: sink, MediaAddr: netip.MustParseAddr("127.0.0.1"), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = ep.ServeTLS(sctx, l, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}()
	t.Cleanup(func() { stop(); <-done; _ = ep.Close() })

	quiet := slog.New(slog.DiscardHandler)
	ua, err := sipgo.NewUA(sipgo.WithUserAgentHostname("127.0.0.1"), sipgo.WithUserAgenTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(quiet)))
	if err != nil {
		t.Fatal(err)
	}
	defer ua.Close()
	cli, err := sipgo.NewClient(ua, sipgo.WithClientLogger(quiet), sipgo.WithClientHostname("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	uri := sip.Uri{Scheme: "sip", User: "2000", Host: "127.0.0.1", Port: port, UriParams: sip.NewParams()}
	uri.UriParams.Add("transport", "tls")
	req := sip.NewRequest(sip.INVITE, uri)
	req.SetTransport("TLS")
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: "+4930111", Host: "carrier.example"}, Params: sip.NewParams()}
	from.Params.Add("tag", "t1")
	req.AppendHeader(from)
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: "2000", Host: "um.example"}, Params: sip.NewParams()})
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	req.SetBody([]byte(offer(netip.MustParseAddrPort("127.0.0.1:40000"))))
	dua := sipgo.DialogUA{Client: cli, ContactHDR: sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "src", Host: "127.0.0.1"}}}
	dlg, err := dua.WriteInvite(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if err := dlg.WaitAnswer(ctx, sipgo.AnswerOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := dlg.Ack(ctx); err != nil {
		t.Fatal(err)
	}
	a := newRTPSender(t, "127.0.0.1")
	var want []byte
	var seq uint16 = 9
	a.send(t, answerPort(t, dlg.InviteResponse.Body()), &seq, 12, true, &want)
	if err := dlg.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	box := record.Identity{Kind: record.IdentityBoxID, Value: "2000@um.example"}
	recs, err := sink.WaitFor(ctx, func(r []*record.Record) bool {
		return capturetest.Ended(capturetest.CC(r, box, rtpcapture.ContentToTarget))
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := capturetest.Content(capturetest.CC(recs, box, rtpcapture.ContentToTarget), "audio/PCMA"); !bytes.Equal(got, want) {
		t.Errorf("content over TLS signalling: %d bytes, want %d", len(got), len(want))
	}
}
