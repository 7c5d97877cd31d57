package main

import (
	"fmt"
	"net/smtp"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
)

// TestRunEmailProxy: an SMTP proxy configured in `umli run` relays a target's mail to a
// real SMTP server unchanged and delivers the EmailIRI (and the mail as EmailCC) to the
// LEMF; a non-target's mail is relayed and nothing about it reaches the LEMF or the log.
func TestRunEmailProxy(t *testing.T) {
	r := newRig(t)
	bin, lm := r.bin, r.lm
	mx := testmail.StartSMTP(t, testmail.SMTPOptions{})
	listen := freeAddr(t)
	cfgPath := r.config(t, "mail-1", "OP-MAIL", fmt.Sprintf(`log: {level: debug}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
warrants:
  - {liid: MAIL-1, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{email: alice@example.net}]}
email:
  proxies:
    - {source: mail-1, protocol: smtp, listen: "%s", upstream: "%s"}
`, listen, mx.Addr))
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

// TestRunEmailIMAPLongLogin is the done-when test of the e-mail [conformance] issue: a
// target logs in to a real Dovecot through `umli run`'s IMAP proxy with a 70-octet
// login and, in one TCP session (curl reuses the connection), appends a message,
// fetches one whole and one header section, and logs out. At the LEMF the logon
// (iRI-Begin), upload, download and partial download (iRI-Report, Table C.1) and logoff
// (iRI-End) all arrive in one CIN, and the IMAPAAAInformation username is present,
// at most 64 octets (UTF8String SIZE (0..64)) and a prefix of the login.
func TestRunEmailIMAPLongLogin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	curl := testmail.Need(t, "curl")
	login := strings.Repeat("l", 58) + "@example.net" // 70 octets
	if len(login) != 70 {
		t.Fatalf("login is %d octets", len(login))
	}
	const inbox = "From: Terry Gray <gray@example.org>\r\nMessage-Id: <in1@example.org>\r\nSubject: s\r\n\r\nbody\r\n"
	dc := testmail.StartDovecot(t, map[string]string{login: "secret"})
	dc.Deliver(t, login, "1700000000.M1P1.test", inbox)

	r := startRig(t, buildUMLI(t))
	bin, dir, lm := r.bin, r.dir, r.lm
	listen := freeAddr(t)
	cfgPath := r.config(t, "mail-1", "OP-MAIL", fmt.Sprintf(`log: {level: debug}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
warrants:
  - {liid: MAIL-LONG, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{email: "%s"}]}
email:
  proxies:
    - {source: mail-1, protocol: imap, listen: "%s", upstream: "%s"}
`, login, listen, dc.IMAPAddr))
	umli := runConfig(t, bin, cfgPath)

	upload := filepath.Join(dir, "up.eml")
	writeFile(t, upload, "From: "+login+"\r\nTo: x@example.org\r\nMessage-ID: <up1@example.net>\r\nSubject: up\r\n\r\nhi\r\n")
	user := login + ":secret"
	out, err := exec.Command(curl, "-sS", "-u", user, "-T", upload, "imap://"+listen+"/INBOX",
		"--next", "-sS", "-u", user, "imap://"+listen+"/INBOX;UID=1",
		"--next", "-sS", "-u", user, "imap://"+listen+"/INBOX;UID=1;SECTION=HEADER").CombinedOutput()
	if err != nil {
		t.Fatalf("curl: %v\n%s\n%s", err, out, umli.stderr.String())
	}
	if !strings.Contains(string(out), "body\r\n") {
		t.Fatalf("curl fetched %q", out)
	}

	waitUntil(t, "the logoff IRI at the LEMF", func() bool {
		for _, l := range lm.Summary().LIIDs {
			for _, c := range l.CINs {
				for _, e := range c.Events {
					if e.Category == etsi.EmailLogoff.String() {
						return true
					}
				}
			}
		}
		return false
	})
	umli.terminate(t)
	lm.Stop(t)

	sum := lm.Summary()
	if len(sum.LIIDs) != 1 || len(sum.LIIDs[0].CINs) != 1 {
		var cins []string
		for _, l := range sum.LIIDs {
			for _, c := range l.CINs {
				cins = append(cins, fmt.Sprintf("%s CIN %v: %v", l.LIID, c.CIN, c.Events))
			}
		}
		t.Fatalf("want the session in one CIN of MAIL-LONG, got:\n%s", strings.Join(cins, "\n"))
	}
	cin := sum.LIIDs[0].CINs[0]
	var got []string
	for _, e := range cin.Events {
		got = append(got, e.IRIType+" "+e.Category+" "+e.Status)
	}
	ok := etsi.EmailStatusSucceeded.String()
	want := []string{
		etsi.IRIBegin.String() + " " + etsi.EmailLogon.String() + " " + ok,
		etsi.IRIReport.String() + " " + etsi.EmailUpload.String() + " " + ok,
		etsi.IRIReport.String() + " " + etsi.EmailDownload.String() + " " + ok,
		etsi.IRIReport.String() + " " + etsi.EmailPartialDownload.String() + " " + ok,
		etsi.IRIEnd.String() + " " + etsi.EmailLogoff.String() + " " + ok,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("IRI in CIN %v:\n  %s\nwant:\n  %s", *cin.CIN, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if len(cin.Content) == 0 {
		t.Error("no EmailCC in the session's CIN")
	}

	// The logon's IMAPAAAInformation username: present, at most 64 octets, a prefix of
	// the login (cut at a UTF-8 boundary).
	set, err := pducheck.ReadLEMF(r.lemfDir())
	if err != nil {
		t.Fatal(err)
	}
	var logons int
	for st, pdus := range set.PDUs {
		if st.CC {
			continue
		}
		for seq := range pdus {
			pdu, err := set.Decoded(st, seq)
			if err != nil {
				t.Fatal(err)
			}
			for _, ip := range pdu.Payload.IRI {
				e := ip.Contents.EmailIRI
				if e == nil || e.EventType != etsi.EmailLogon {
					continue
				}
				logons++
				a := e.AAAInformation
				if a == nil || a.IMAP == nil {
					t.Fatalf("logon IRI without IMAPAAAInformation: %+v", e)
				}
				u := a.IMAP.Username
				if u == "" || len(u) > 64 || !strings.HasPrefix(login, u) || !utf8.ValidString(u) {
					t.Errorf("IMAPAAAInformation username %q (%d octets): want 1..64 octets, a prefix of the login", u, len(u))
				}
			}
		}
	}
	if logons != 1 {
		t.Errorf("%d logon IRIs at the LEMF, want 1", logons)
	}
	if strings.Contains(umli.stderr.String(), login) {
		t.Error("umli logged the target's login")
	}
}
