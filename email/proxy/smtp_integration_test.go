package proxy

import (
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

func swaksArgs(addr, auth string, extra ...string) []string {
	host, port, _ := strings.Cut(addr, ":")
	args := []string{"--server", host, "--port", port, "--helo", "client.example",
		"--from", "alice@example.org", "--to", "bob@example.net,reject-me@example.net,carol@example.net",
		"--header", "Message-Id: <swaks-1@example.org>", "--body", "Hello Bob.\n.dot line\n"}
	if auth != "" {
		args = append(args, "--auth", auth, "--auth-user", "alice", "--auth-password", "pw")
	}
	return append(args, extra...)
}

// TestSMTPThroughProxySwaks sends with swaks (AUTH PLAIN, LOGIN, CRAM-MD5, refused AUTH)
// through the proxy to a go-smtp server.
func TestSMTPThroughProxySwaks(t *testing.T) {
	swaks := testmail.Need(t, "swaks")
	srv := testmail.StartSMTP(t, testmail.SMTPOptions{Users: map[string]string{"alice": "pw"}})
	tests := []struct {
		name, auth string
		method     etsi.AAAAuthMethod
		extra      []string
	}{
		{"PLAIN", "PLAIN", etsi.AuthMethodUndefined, nil},
		{"LOGIN", "LOGIN", etsi.AuthMethodUndefined, nil},
		{"CRAM-MD5", "CRAM-MD5", etsi.AuthMethodCRAMMD5, nil},
		{"PLAIN pipelined", "PLAIN", etsi.AuthMethodUndefined, []string{"--pipeline"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sink := newCollectSink()
			addr, _ := startProxy(t, Config{Upstream: srv.Addr, Protocol: email.SMTP}, sink, email.HandoffConfig{})
			before := len(srv.Messages())
			run(t, swaks, swaksArgs(addr, tc.auth, tc.extra...)...)
			if len(srv.Messages()) != before+1 {
				t.Fatal("the server did not receive the mail")
			}
			recs := sink.waitClosed(t, 1)
			assertStrings(t, "smtp session", iriSequence(recs, keys(recs)[0]), []string{
				iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded),
				iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded),
				iri(record.Report, etsi.EmailSend, etsi.EmailStatusUnknown),
				iri(record.Close, etsi.EmailLogoff, etsi.EmailStatusSucceeded),
			})
			checkSend(t, recs, srv.Messages()[before].Data)
			a := firstIRI(recs, etsi.EmailSend).EmailIRI.AAAInformation.ASMTP
			if a.Username != "alice" || *a.AuthMethod != tc.method || *a.Result != etsi.AAASucceeded || len(a.Response) == 0 {
				t.Errorf("ASMTPAAAInformation = %+v", a)
			}
			// Challenge and response as exchanged: base64 text (ASMTPAAAInformation).
			ch, err := base64.StdEncoding.DecodeString(string(a.Challenge))
			if tc.auth == "CRAM-MD5" && (err != nil || !strings.HasSuffix(string(ch), "@mx.test>")) {
				t.Errorf("CRAM-MD5 challenge %q", a.Challenge)
			}
			if _, err := base64.StdEncoding.DecodeString(strings.Split(string(a.Response), "\n")[0]); err != nil {
				t.Errorf("response %q is not the base64 sent: %v", a.Response, err)
			}
		})
	}
	t.Run("refused", func(t *testing.T) {
		sink := newCollectSink()
		addr, _ := startProxy(t, Config{Upstream: srv.Addr, Protocol: email.SMTP}, sink, email.HandoffConfig{})
		args := swaksArgs(addr, "")
		args = append(args, "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "wrong")
		if out, err := runErr(swaks, args...); err == nil {
			t.Fatalf("swaks with a wrong password succeeded:\n%s", out)
		}
		recs := sink.waitClosed(t, 1)
		assertStrings(t, "smtp session", iriSequence(recs, keys(recs)[0]), []string{
			iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded),
			iri(record.Report, etsi.EmailLogonFailure, etsi.EmailStatusFailed),
			iri(record.Close, etsi.EmailLogoff, etsi.EmailStatusSucceeded),
		})
	})
}

// checkSend asserts the send IRI and its message CC against what the server got.
func checkSend(t *testing.T, recs []*record.Record, received []byte) {
	t.Helper()
	send := firstIRI(recs, etsi.EmailSend)
	s := send.EmailIRI
	// AUTH as alice, MAIL FROM alice@example.org and no LoginDomain: the tap cannot tell
	// the server assured the sender, so e-mail-Sender-Validity is absent.
	if *s.Sender != "alice@example.org" || !slices.Equal(s.Recipients, []string{"bob@example.net", "carol@example.net"}) ||
		*s.TotalRecipientCount != 2 || string(s.MessageID) != "<swaks-1@example.org>" ||
		s.SenderValidity != nil || s.ProtocolID != etsi.ProtocolSMTP {
		t.Errorf("send IRI = %+v", s)
	}
	if !ccHas(recs, send, etsi.DirectionFromTarget, dotStuffed(string(received))) {
		t.Errorf("no CC equal to the received message %q among %q", received, ccContent(recs, send, etsi.DirectionFromTarget))
	}
	for _, r := range recs {
		if r.EventKey == send.EventKey && (!hasEmail(r, "bob@example.net") || !hasEmail(r, "alice@example.org")) {
			t.Errorf("%s: identities %v", describe(r), r.Identities)
		}
	}
}

// TestSMTPThroughProxyTLS covers STARTTLS terminated with the operator's certificate,
// STARTTLS passed through, and implicit TLS terminated.
func TestSMTPThroughProxyTLS(t *testing.T) {
	swaks := testmail.Need(t, "swaks")
	serverCert := testmail.NewCert(t, "mx")
	operatorCert := testmail.NewCert(t, "operator")
	users := map[string]string{"alice": "pw"}
	starttls := testmail.StartSMTP(t, testmail.SMTPOptions{Users: users, TLS: serverCert.Server})
	implicit := testmail.StartSMTP(t, testmail.SMTPOptions{Users: users, TLS: serverCert.Server, Implicit: true})
	full := []string{
		iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded),
		iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded),
		iri(record.Report, etsi.EmailSend, etsi.EmailStatusUnknown),
		iri(record.Close, etsi.EmailLogoff, etsi.EmailStatusSucceeded),
	}
	tests := []struct {
		name  string
		srv   *testmail.SMTPServer
		cfg   Config
		flag  string
		want  []string
		parse bool
	}{
		{"STARTTLS terminated", starttls, Config{TLS: operatorCert.Server, UpstreamTLS: serverCert.Client}, "--tls", full, true},
		{"STARTTLS passed through", starttls, Config{}, "--tls", []string{
			iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded),
			iri(record.Close, etsi.EmailLogoff, etsi.EmailStatusUnknown),
		}, false},
		{"implicit TLS terminated", implicit, Config{ImplicitTLS: true, TLS: operatorCert.Server, UpstreamTLS: serverCert.Client},
			"--tls-on-connect", full, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sink := newCollectSink()
			cfg := tc.cfg
			cfg.Upstream, cfg.Protocol = tc.srv.Addr, email.SMTP
			addr, _ := startProxy(t, cfg, sink, email.HandoffConfig{})
			before := len(tc.srv.Messages())
			run(t, swaks, swaksArgs(addr, "PLAIN", tc.flag)...)
			if len(tc.srv.Messages()) != before+1 {
				t.Fatal("the server did not receive the mail")
			}
			recs := sink.waitClosed(t, 1)
			assertStrings(t, "smtp session", iriSequence(recs, keys(recs)[0]), tc.want)
			if tc.parse {
				checkSend(t, recs, tc.srv.Messages()[before].Data)
			}
		})
	}
}

// stuckSink never takes a record: mediation is down.
type stuckSink struct{}

func (stuckSink) Submit(ctx context.Context, _ *record.Record) error {
	<-ctx.Done()
	return errors.New("mediation unavailable")
}

// TestProxyKeepsServingWhenSinkStuck: the mail still flows, records are dropped and
// counted.
func TestProxyKeepsServingWhenSinkStuck(t *testing.T) {
	swaks := testmail.Need(t, "swaks")
	srv := testmail.StartSMTP(t, testmail.SMTPOptions{Users: map[string]string{"alice": "pw"}})
	addr, h := startProxy(t, Config{Upstream: srv.Addr, Protocol: email.SMTP}, stuckSink{}, email.HandoffConfig{MaxRecords: 2, Wait: 2 * time.Second})
	for range 3 {
		run(t, swaks, swaksArgs(addr, "PLAIN")...)
	}
	if n := len(srv.Messages()); n != 3 {
		t.Fatalf("server received %d mails, want 3", n)
	}
	st := h.Stats()
	if st.Dropped == 0 || st.Submitted != 0 {
		t.Fatalf("stats %+v: want drops and nothing submitted", st)
	}
}
