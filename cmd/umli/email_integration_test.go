package main

import (
	"context"
	"fmt"
	"net/smtp"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/simulators/lemf"
)

// TestRunEmailProxy: an SMTP proxy configured in `umli run` relays a target's mail to a
// real SMTP server unchanged and delivers the EmailIRI (and the mail as EmailCC) to the
// LEMF; a non-target's mail is relayed and nothing about it reaches the LEMF or the log.
func TestRunEmailProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	bin := buildUMLI(t)
	srv := testredis.Start(t)
	dir := t.TempDir()
	lm, err := lemf.New(lemf.Config{OutDir: filepath.Join(dir, "lemf"), Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = lm.Run(context.Background()) }()
	t.Cleanup(func() { _ = lm.Close() })
	hi2, hi3 := lm.Addrs()
	mx := testmail.StartSMTP(t, testmail.SMTPOptions{})
	listen := freeAddr(t)
	cfgPath := filepath.Join(dir, "umli.yaml")
	writeFile(t, cfgPath, fmt.Sprintf(`instance: mail-1
operator: OP-MAIL
log: {level: debug}
redis: {addrs: ["%s"]}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
destinations:
  - {name: lea, hi2: "%s", hi3: "%s"}
warrants:
  - {liid: MAIL-1, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{email: alice@example.net}]}
email:
  proxies:
    - {source: mail-1, protocol: smtp, listen: "%s", upstream: "%s"}
`, srv.Addr, hi2, hi3, listen, mx.Addr))
	umli := runConfig(t, bin, cfgPath)
	stderr := umli.stderr

	send := func(from, to, subject string) {
		msg := "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nhello\r\n"
		if err := smtp.SendMail(listen, nil, from, []string{to}, []byte(msg)); err != nil {
			t.Fatalf("send through the proxy: %v\n%s", err, stderr.String())
		}
	}
	send("carol@example.org", "dave@example.org", "not a target")
	send("alice@example.net", "bob@example.org", "target mail")
	if n := len(mx.Messages()); n != 2 {
		t.Fatalf("upstream server got %d mails, want 2", n)
	}
	waitUntil(t, "EmailIRI and EmailCC at the LEMF", func() bool {
		for _, l := range lm.Summary().LIIDs {
			for _, c := range l.CINs {
				iri := false
				for _, e := range c.Events {
					iri = iri || e.Payload == "EmailIRI"
				}
				if iri && len(c.Content) > 0 {
					return true
				}
			}
		}
		return false
	})
	umli.terminate(t)
	for _, s := range []string{"alice@example.net", "carol@example.org", "dave@example.org"} {
		if strings.Contains(stderr.String(), s) {
			t.Errorf("umli logged %q", s)
		}
	}
	for _, l := range lm.Summary().LIIDs {
		if l.LIID != "MAIL-1" {
			t.Errorf("LEMF got LIID %q", l.LIID)
		}
		if len(l.CINs) != 1 {
			t.Errorf("LEMF got %d CINs, want the target's session only", len(l.CINs))
		}
	}
}
