package proxy

import (
	"bufio"
	"net"
	"strings"
	"testing"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// scriptedServer accepts one connection, sends greeting, answers each line per reply
// and closes after the last one (a server that hangs up mid-session).
func scriptedServer(t *testing.T, greeting string, replies ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		_, _ = c.Write([]byte(greeting))
		for _, rep := range replies {
			if _, err := r.ReadString('\n'); err != nil {
				return
			}
			_, _ = c.Write([]byte(rep))
		}
	}()
	return ln.Addr().String()
}

// TestProxySessionsEndWhenServerHangsUp: a server closing during STARTTLS (with TLS
// termination waiting for its answer) or while the client stays silent ends the
// session, and an open sequence is closed with status unknown.
func TestProxySessionsEndWhenServerHangsUp(t *testing.T) {
	cert := testmail.NewCert(t, "operator")
	tests := []struct {
		name    string
		cfg     Config
		replies []string
		send    string
		want    []string
	}{
		{"during STARTTLS", Config{TLS: cert.Server}, []string{"250 ok\r\n"}, "EHLO x\r\nSTARTTLS\r\n",
			[]string{iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded), iri(record.Close, etsi.EmailLogoff, etsi.EmailStatusUnknown)}},
		{"idle client", Config{}, []string{"250 ok\r\n", "421 timeout\r\n"}, "EHLO x\r\nNOOP\r\n",
			[]string{iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded), iri(record.Close, etsi.EmailLogoff, etsi.EmailStatusUnknown)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Upstream, cfg.Protocol = scriptedServer(t, "220 hi\r\n", tc.replies...), email.SMTP
			sink := newCollectSink()
			addr, p := startProxyP(t, cfg, sink)
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write([]byte(tc.send)); err != nil {
				t.Fatal(err)
			}
			// The client keeps its connection open; the proxy must still end the session.
			p.waitSessions(t, 1)
			recs := sink.waitClosed(t, 1)
			assertStrings(t, "session", iriSequence(recs, keys(recs)[0]), tc.want)
			if _, err := bufio.NewReader(c).ReadString('\x00'); err == nil || strings.Contains(err.Error(), "timeout") {
				t.Fatalf("client connection not closed: %v", err)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no upstream", Config{Protocol: email.SMTP, Emit: func(*record.Record) {}}, "no upstream"},
		{"no protocol", Config{Upstream: "127.0.0.1:1", Emit: func(*record.Record) {}}, "no state machine"},
		{"no emit", Config{Upstream: "127.0.0.1:1", Protocol: email.IMAP}, "no Emit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want an error with %q", err, tc.want)
			}
		})
	}
}
