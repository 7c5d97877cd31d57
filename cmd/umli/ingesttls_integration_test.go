package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/internal/testcert"
)

// TestRunIngestMTLS: `umli run` with a mutual-TLS JSON-lines listener and a mutual-TLS
// webhook (bearer token on top). Peers without a valid client certificate (plaintext,
// no certificate, a certificate of another CA) and a webhook request with a good
// certificate but a wrong token send a forged deposit for the target: none reaches the
// LEMF. An authenticated peer's deposit does, on each listener, and the audit log
// names it by its certificate subject.
func TestRunIngestMTLS(t *testing.T) {
	r := newRig(t)
	bin, dir, lm := r.bin, r.dir, r.lm
	ca, other := testcert.NewCA(t, "ingest-ca"), testcert.NewCA(t, "rogue-ca")
	srvLeaf := ca.Issue(t, "umli-ingest", testcert.Server)
	good := ca.Issue(t, "pbx-1", testcert.Client)
	rogue := other.Issue(t, "pbx-1", testcert.Client)
	certFile := testcert.WriteFile(t, dir, "srv.pem", srvLeaf.CertPEM)
	keyFile := testcert.WriteFile(t, dir, "srv.key", srvLeaf.KeyPEM)
	caFile := testcert.WriteFile(t, dir, "ca.pem", ca.PEM)
	tokenFile := filepath.Join(dir, "token")
	const token = "tok-ingest-5a4b3c"
	writeFile(t, tokenFile, token+"\n")
	auditFile := filepath.Join(dir, "audit.log")
	hook, lines := freeAddr(t), freeAddr(t)
	tlsSec := fmt.Sprintf(`{cert: "%s", key: "%s", ca: "%s"}`, certFile, keyFile, caFile)
	cfgPath := r.config(t, "mtls-1", "OP-MTLS", fmt.Sprintf(`log: {level: debug}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
audit: {file: "%s"}
warrants:
  - {liid: MTLS-1, destination: lea, scope: iri, start: 2020-01-01T00:00:00Z, targets: [{boxID: "2000@um.example.net"}]}
umsys:
  systemID: um-mtls
  jsonLines:
    - {source: lines-um-1, listen: "%s", tls: %s}
  webhooks:
    - {source: hook-um-1, listen: "%s", path: /events, tokenFile: "%s", tls: %s}
`, auditFile, lines, tlsSec, hook, tokenFile, tlsSec))
	p := runConfig(t, bin, cfgPath)

	deposit := func(session string) string {
		return fmt.Sprintf(`{"session": "%s", "box": "2000@um.example.net", "time": "2026-11-23T09:00:00Z", "event": "deposit", "status": "operation-succeeded"}`, session)
	}
	clientTLS := func(c *testcert.Leaf) *tls.Config {
		cfg := &tls.Config{RootCAs: ca.Pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
		if c != nil {
			leaf := c.TLS
			// Sent whatever the server's CA list says, as an attacker would.
			cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &leaf, nil }
		}
		return cfg
	}
	// Forged deposits on the JSON-lines port: plaintext, TLS without and with a rogue certificate.
	if c, err := net.Dial("tcp", lines); err == nil {
		_, _ = c.Write([]byte(deposit("forged-plain") + "\n"))
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _ = c.Read(make([]byte, 64))
		c.Close()
	}
	for _, c := range []*testcert.Leaf{nil, rogue} {
		conn, err := tls.Dial("tcp", lines, clientTLS(c))
		if err == nil {
			_, _ = conn.Write([]byte(deposit("forged-tls") + "\n"))
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err = conn.Read(make([]byte, 64))
			conn.Close()
		}
		if err == nil {
			t.Errorf("JSON-lines peer with certificate %v: served", c != nil)
		}
	}
	post := func(c *testcert.Leaf, auth, body string) (int, error) {
		cl := &http.Client{Transport: &http.Transport{TLSClientConfig: clientTLS(c)}, Timeout: 10 * time.Second}
		defer cl.CloseIdleConnections()
		req, err := http.NewRequest(http.MethodPost, "https://"+hook+"/events", strings.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", auth)
		resp, err := cl.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	// Forged deposits on the webhook: a good token without a client certificate or with
	// a rogue one, and a good certificate with a wrong token.
	for _, c := range []*testcert.Leaf{nil, rogue} {
		if code, err := post(c, "Bearer "+token, deposit("forged-hook")); err == nil {
			t.Errorf("webhook without a valid client certificate answered %d", code)
		}
	}
	if code, err := post(good, "Bearer wrong", deposit("forged-token")); err != nil || code != http.StatusUnauthorized {
		t.Errorf("webhook with a wrong token: %d %v", code, err)
	}
	refused := func() int { return strings.Count(readFile(t, auditFile), `"result":"refused"`) }
	for end := time.Now().Add(20 * time.Second); refused() < 6; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("audit holds %d refusals, want 6:\n%s\nlog:\n%s", refused(), readFile(t, auditFile), p.stderr.String())
		}
	}

	// The authenticated peers' deposits.
	conn, err := tls.Dial("tcp", lines, clientTLS(good))
	if err != nil {
		t.Fatalf("authenticated JSON-lines peer: %v", err)
	}
	if _, err := conn.Write([]byte(deposit("real-lines") + "\n")); err != nil {
		t.Fatal(err)
	}
	if code, err := post(good, "Bearer "+token, deposit("real-hook")); err != nil || code/100 != 2 {
		t.Fatalf("authenticated webhook POST: %d %v\n%s", code, err, p.stderr.String())
	}
	deposits := func() int {
		n := 0
		for _, l := range lm.Summary().LIIDs {
			for _, c := range l.CINs {
				for _, e := range c.Events {
					if e.Category == "message:deposit" {
						n++
					}
				}
			}
		}
		return n
	}
	waitUntil(t, "the two authenticated deposits at the LEMF", func() bool { return deposits() >= 2 })
	conn.Close()
	p.terminate(t)
	lm.Stop(t)
	if n := deposits(); n != 2 {
		t.Errorf("LEMF holds %d deposit IRIs, want 2 (the authenticated peers' only)", n)
	}
	al := readFile(t, auditFile)
	if n := strings.Count(al, `"result":"refused"`); n != 6 {
		t.Errorf("audit holds %d refusals, want 6 (3 JSON-lines, 2 webhook TLS, 1 token)\n%s", n, al)
	}
	for _, want := range []string{`"actor":"CN=pbx-1"`, `"reason":"not_tls"`, `"reason":"no_certificate"`, `"reason":"bad_certificate"`, `"reason":"bad_token"`} {
		if !strings.Contains(al, want) {
			t.Errorf("audit lacks %s", want)
		}
	}
	if strings.Contains(al, "2000@um.example.net") || strings.Contains(p.stderr.String(), "2000@um.example.net") {
		t.Error("the target identity reached the audit log or the log")
	}
}
