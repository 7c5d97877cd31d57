package siprec

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/umli/umli/internal/testcert"
	"github.com/umli/umli/internal/testmetric"
	"github.com/umli/umli/internal/tlsauth"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
)

// selfSigned returns a server certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	ca := testcert.NewCA(t, "umli-srs-ca")
	return ca.Issue(t, "umli-srs", testcert.Server).TLS, ca.Pool
}

func TestRecordingOverTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	recordOverTLS(t, func(ctx context.Context, ep *Endpoint, l net.Listener) error {
		return ep.ServeTLS(ctx, l, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
}

// TestRecordingOverMutualTLS: behind tlsauth (as umli run serves rtp.siprec.tls) an SRC
// without a client certificate is refused before its INVITE is read, counted; one with
// a certificate of the configured CA records.
func TestRecordingOverMutualTLS(t *testing.T) {
	ca := testcert.NewCA(t, "umli-srs-ca")
	srcCA := testcert.NewCA(t, "src-ca")
	dir := t.TempDir()
	srv := ca.Issue(t, "umli-srs", testcert.Server)
	files := map[string][]byte{"crt": srv.CertPEM, "key": srv.KeyPEM, "ca": srcCA.PEM}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	reg := prometheus.NewRegistry()
	m, err := tlsauth.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	conf := &tlsauth.Config{CertFile: filepath.Join(dir, "crt"), KeyFile: filepath.Join(dir, "key"), ClientCAFile: filepath.Join(dir, "ca")}
	serve := func(ctx context.Context, ep *Endpoint, l net.Listener) error {
		tl, err := tlsauth.NewListener(l, conf, tlsauth.Options{Name: "siprec", Metrics: m, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			return err
		}
		return ep.ServeTLSListener(ctx, tl)
	}
	client := srcCA.Issue(t, "src-1", testcert.Client)
	recordOverTLS(t, serve, &tls.Config{RootCAs: ca.Pool, Certificates: []tls.Certificate{client.TLS}, MinVersion: tls.VersionTLS12})

	// Without a client certificate: the connection is closed before a byte is read, the
	// refusal counted, nothing recorded. (TLS 1.3 checks the client's certificate after
	// the client's handshake ends, so the refusal shows on the first read.)
	_, l, sink := startTLSEndpoint(t, serve)
	c, err := tls.Dial("tcp", l.Addr().String(), &tls.Config{RootCAs: ca.Pool, MinVersion: tls.VersionTLS12})
	if err == nil {
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		_, _ = c.Write([]byte("INVITE sip:2000@127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n"))
		if _, err = c.Read(make([]byte, 512)); err == nil {
			t.Fatal("an SRC without a client certificate got an answer")
		}
	}
	// The peer may see the alert before the listener counts it: wait for the count.
	refused := m.Refused("siprec", tlsauth.ReasonNoCert)
	for end := time.Now().Add(5 * time.Second); testmetric.Counter(refused) < 1 && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := testmetric.Counter(refused); n < 1 {
		t.Errorf("refusals (no certificate) = %v, want >= 1", n)
	}
	if got := sink.Records(); len(got) != 0 {
		t.Errorf("%d records from an unauthenticated SRC", len(got))
	}
}

// startTLSEndpoint serves an endpoint with serve on a loopback listener until cleanup.
func startTLSEndpoint(t *testing.T, serve func(context.Context, *Endpoint, net.Listener) error) (*Endpoint, net.Listener, *capturetest.Sink) {
	t.Helper()
	sink := capturetest.NewSink()
	ep, err := New(Config{Source: "srs-tls", Sink: sink, MediaAddr: netip.MustParseAddr("127.0.0.1"), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = serve(sctx, ep, l)
	}()
	t.Cleanup(func() { stop(); <-done; _ = ep.Close() })
	return ep, l, sink
}

// inviteOverTLS sends a recording INVITE over TLS and waits for its answer.
func inviteOverTLS(t *testing.T, ctx context.Context, l net.Listener, clientTLS *tls.Config) (*sipgo.DialogClientSession, error) {
	t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	ua, err := sipgo.NewUA(sipgo.WithUserAgentHostname("127.0.0.1"), sipgo.WithUserAgenTLSConfig(clientTLS),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(quiet)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ua.Close() })
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
		return nil, err
	}
	if err := dlg.WaitAnswer(ctx, sipgo.AnswerOptions{}); err != nil {
		return nil, err
	}
	return dlg, nil
}

// recordOverTLS records one call over TLS signalling and checks its content.
func recordOverTLS(t *testing.T, serve func(context.Context, *Endpoint, net.Listener) error, clientTLS *tls.Config) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, l, sink := startTLSEndpoint(t, serve)
	dlg, err := inviteOverTLS(t, ctx, l, clientTLS)
	if err != nil {
		t.Fatal(err)
	}
	if err := dlg.Ack(ctx); err != nil {
		t.Fatal(err)
	}
	a := newRTPSender(t, "127.0.0.1")
	var want []byte
	var seq uint16 = 9
	a.send(t, answerPort(t, dlg.InviteResponse.Body()), &seq, 12, true, &want)
	if got := byeContent(t, ctx, dlg, sink); !bytes.Equal(got, want) {
		t.Errorf("content over TLS signalling: %d bytes, want %d", len(got), len(want))
	}
}
