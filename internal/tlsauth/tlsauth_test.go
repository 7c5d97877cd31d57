package tlsauth

import (
	"bufio"
	"crypto/tls"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/umli/umli/internal/testcert"
	"github.com/umli/umli/internal/testmetric"
)

type auditRec struct {
	peer, subject, reason string
	ok                    bool
}

type memAudit struct {
	mu   sync.Mutex
	recs []auditRec
}

func (a *memAudit) IngestPeer(_, peer, subject string, ok bool, reason string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.recs = append(a.recs, auditRec{peer, subject, reason, ok})
}

func (a *memAudit) snapshot() []auditRec {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]auditRec(nil), a.recs...)
}

// TestListenerRefusesUnauthenticatedPeers runs real TLS handshakes: each bad
// peer is refused with its reason counted and audited, its bytes never reach
// Accept's caller, and an authenticated peer is served after every refusal.
func TestListenerRefusesUnauthenticatedPeers(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.NewCA(t, "ingest CA")
	other := testcert.NewCA(t, "other CA")
	srv := ca.Issue(t, "umli", testcert.Server)
	good := ca.Issue(t, "pbx-1", testcert.Client)
	expired := ca.IssueUntil(t, "old", testcert.Client, time.Now().Add(-time.Minute))
	wrongUsage := ca.Issue(t, "server-as-client", testcert.Server)
	foreign := other.Issue(t, "intruder", testcert.Client)

	cfg := &Config{
		CertFile:         testcert.WriteFile(t, dir, "srv.pem", srv.CertPEM),
		KeyFile:          testcert.WriteFile(t, dir, "srv.key", srv.KeyPEM),
		ClientCAFile:     testcert.WriteFile(t, dir, "ca.pem", ca.PEM),
		HandshakeTimeout: 300 * time.Millisecond,
	}
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	audit := &memAudit{}
	l, err := NewListener(raw, cfg, Options{Name: "jsonlines", Metrics: m, Audit: audit})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	// The "parser": every line that reaches it, with the peer's subject.
	got := make(chan string, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					got <- Subject(c) + "|" + sc.Text()
				}
			}(c)
		}
	}()
	addr := l.Addr().String()

	sendTLS := func(cert *tls.Certificate, line string) error {
		cc := &tls.Config{RootCAs: ca.Pool, ServerName: "127.0.0.1"}
		if cert != nil {
			// Send the certificate even when the server's CA list excludes
			// it, as an attacker would.
			cc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
		}
		c, err := tls.Dial("tcp", addr, cc)
		if err != nil {
			return err
		}
		defer c.Close()
		if _, err := c.Write([]byte(line + "\n")); err != nil {
			return err
		}
		// TLS 1.3 reports a client-cert rejection on the first read.
		_ = c.SetReadDeadline(time.Now().Add(time.Second))
		_, err = c.Read(make([]byte, 1))
		return err
	}
	expectServed := func(tag string) {
		t.Helper()
		_ = sendTLS(&good.TLS, "good "+tag)
		select {
		case s := <-got:
			if s != "CN=pbx-1|good "+tag {
				t.Fatalf("after %s: parser got %q, want the authenticated line", tag, s)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("after %s: authenticated peer not served", tag)
		}
	}

	expectServed("start")
	cases := []struct {
		name   string
		reason string
		send   func()
	}{
		{"no certificate", ReasonNoCert, func() { _ = sendTLS(nil, "forged no-cert") }},
		{"other CA", ReasonBadCert, func() { _ = sendTLS(&foreign.TLS, "forged other-ca") }},
		{"expired", ReasonBadCert, func() { _ = sendTLS(&expired.TLS, "forged expired") }},
		{"wrong key usage", ReasonBadCert, func() { _ = sendTLS(&wrongUsage.TLS, "forged usage") }},
		{"plaintext", ReasonPlaintext, func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, _ = c.Write([]byte(`{"event":"deposit","mailbox":"target"}` + "\n"))
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			_, _ = c.Read(make([]byte, 64))
		}},
		{"stalled handshake", ReasonTimeout, func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			// Say nothing; the server must give up after HandshakeTimeout.
			_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
			_, _ = c.Read(make([]byte, 1))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := testmetric.Counter(m.Refused("jsonlines", tc.reason))
			tc.send()
			deadline := time.Now().Add(5 * time.Second)
			for testmetric.Counter(m.Refused("jsonlines", tc.reason)) != before+1 {
				if time.Now().After(deadline) {
					t.Fatalf("refused{reason=%s} = %v, want %v", tc.reason,
						testmetric.Counter(m.Refused("jsonlines", tc.reason)), before+1)
				}
				time.Sleep(10 * time.Millisecond)
			}
			expectServed(tc.name)
		})
	}
	select {
	case s := <-got:
		t.Fatalf("an unauthenticated peer's bytes reached the parser: %q", s)
	default:
	}
	recs := audit.snapshot()
	var accepted, refused int
	for _, r := range recs {
		if r.ok {
			accepted++
			if r.subject != "CN=pbx-1" {
				t.Errorf("audited subject %q, want CN=pbx-1", r.subject)
			}
		} else {
			refused++
			if r.subject != "" || strings.Contains(r.reason, "forged") {
				t.Errorf("refusal audit carries input or subject: %+v", r)
			}
		}
	}
	if accepted != len(cases)+1 || refused != len(cases) {
		t.Errorf("audit: %d accepted, %d refused; want %d and %d", accepted, refused, len(cases)+1, len(cases))
	}
}

// TestServerTLSErrors names the missing or bad file.
func TestServerTLSErrors(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.NewCA(t, "ca")
	srv := ca.Issue(t, "umli", testcert.Server)
	cert := testcert.WriteFile(t, dir, "s.pem", srv.CertPEM)
	key := testcert.WriteFile(t, dir, "s.key", srv.KeyPEM)
	junk := testcert.WriteFile(t, dir, "junk.pem", []byte("not pem"))
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no cert", Config{KeyFile: key}, "cert_file and key_file"},
		{"missing CA", Config{CertFile: cert, KeyFile: key, ClientCAFile: dir + "/nope.pem"}, "client_ca_file"},
		{"junk CA", Config{CertFile: cert, KeyFile: key, ClientCAFile: junk}, "no PEM certificates"},
		{"bad key", Config{CertFile: cert, KeyFile: junk}, cert},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.cfg.ServerTLS()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to name %q", err, tc.want)
			}
		})
	}
}
