package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/audit"
)

// TestRunEmailBlindSessions: `umli run` with SMTP proxies that have no certificate in
// front of a real server offering STARTTLS and of one on an implicit-TLS port. swaks
// sends through them with TLS, so the sessions pass unread. Each one moves
// umli_email_blind_sessions_total{source,protocol,reason}; the log says a session went
// blind without any address; the audit log has a BlindSession entry with the LIID for
// the session whose client address is a target (known before TLS) and unattributed
// entries (network element, protocol, reason, count; no identity) for the others.
func TestRunEmailBlindSessions(t *testing.T) {
	r := newRig(t)
	swaks := testmail.Need(t, "swaks")
	bin, dir := r.bin, r.dir
	cert := testmail.NewCert(t, "mx")
	mx := testmail.StartSMTP(t, testmail.SMTPOptions{TLS: cert.Server})
	mxs := testmail.StartSMTP(t, testmail.SMTPOptions{TLS: cert.Server, Implicit: true})
	starttls, implicit, metricsAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	auditPath := filepath.Join(dir, "audit.jsonl")
	cfgPath := r.config(t, "mail-1", "OP-MAIL", fmt.Sprintf(`log: {level: debug}
metrics: {listen: "%s"}
audit: {file: "%s"}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
warrants:
  - {liid: BLIND-1, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{ip: 127.0.0.2}]}
email:
  proxies:
    - {source: mail-1, protocol: smtp, listen: "%s", upstream: "%s"}
    - {source: mail-2, protocol: smtp, listen: "%s", upstream: "%s", implicitTLS: true}
`, metricsAddr, auditPath, starttls, mx.Addr, implicit, mxs.Addr))
	umli := runConfig(t, bin, cfgPath)

	send := func(server, from, to string, extra ...string) {
		args := append([]string{"--server", server, "--from", from, "--to", to, "--timeout", "20"}, extra...)
		if out, err := exec.Command(swaks, args...).CombinedOutput(); err != nil {
			t.Fatalf("swaks %v: %v\n%s\n%s", args, err, out, umli.stderr.String())
		}
	}
	send(starttls, "carol@example.org", "dave@example.org", "--tls")                                  // non-target, STARTTLS
	send(starttls, "alice@example.net", "bob@example.org", "--tls", "--local-interface", "127.0.0.2") // target's address
	send(implicit, "erin@example.org", "frank@example.org", "--tlsc")                                 // implicit TLS
	if n, ns := len(mx.Messages()), len(mxs.Messages()); n != 2 || ns != 1 {
		t.Fatalf("upstream servers got %d and %d mails, want 2 and 1", n, ns)
	}

	want := []string{
		`umli_email_blind_sessions_total{protocol="smtp",reason="starttls",source="mail-1"} 2`,
		`umli_email_blind_sessions_total{protocol="smtp",reason="implicit-tls",source="mail-2"} 1`,
	}
	waitUntil(t, "the blind sessions on /metrics", func() bool {
		m := httpGet(t, "http://"+metricsAddr+"/metrics")
		for _, w := range want {
			if !strings.Contains(m, w) {
				return false
			}
		}
		return true
	})
	umli.terminate(t)

	log := umli.stderr.String()
	if !strings.Contains(log, "session went blind") || !strings.Contains(log, `"reason":"starttls"`) ||
		!strings.Contains(log, `"reason":"implicit-tls"`) {
		t.Errorf("log lacks the blind-session warnings:\n%s", log)
	}
	for _, s := range []string{"127.0.0.2", "alice@", "bob@", "carol@", "dave@", "erin@", "frank@"} {
		if strings.Contains(log, s) {
			t.Errorf("umli logged %q", s)
		}
	}

	raw, err := os.ReadFile(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		if e.Action != audit.ActionBlindSession {
			continue
		}
		d := e.Detail
		got = append(got, fmt.Sprintf("%s liid=%s ne=%s protocol=%s reason=%s sessions=%s", e.Result, d["liid"], d["ne"], d["protocol"], d["reason"], d["sessions"]))
		if len(d) > 5 {
			t.Errorf("BlindSession entry has more detail than liid, ne, protocol, reason, sessions: %v", d)
		}
	}
	assertSet(t, got, []string{
		"unattributed liid= ne=mail-1 protocol=smtp reason=starttls sessions=1",
		"target liid=BLIND-1 ne=mail-1 protocol=smtp reason=starttls sessions=",
		"unattributed liid= ne=mail-2 protocol=smtp reason=implicit-tls sessions=1",
	})
	for _, s := range []string{"127.0.0.", "@example."} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("audit log holds %q", s)
		}
	}
	var out, errb bytes.Buffer
	if code := dispatch([]string{"audit", "verify", auditPath}, nil, &out, &errb); code != 0 {
		t.Fatalf("umli audit verify: exit %d: %s %s", code, out.String(), errb.String())
	}
}

// assertSet compares got and want as multisets.
func assertSet(t *testing.T, got, want []string) {
	t.Helper()
	left := map[string]int{}
	for _, w := range want {
		left[w]++
	}
	for _, g := range got {
		left[g]--
	}
	for k, n := range left {
		if n != 0 {
			t.Errorf("BlindSession entries %q, want %q (%q off by %d)", got, want, k, -n)
			return
		}
	}
}
