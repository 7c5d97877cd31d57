package proxy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

const inboxMsg = "From: Terry Gray <gray@cac.washington.edu>\r\nTo: mrc@example.org\r\n" +
	"Subject: IMAP4rev1 WG mtg summary\r\nMessage-Id: <B27397-0100000@cac.washington.edu>\r\n\r\n" +
	"Minutes follow.\r\n.A line starting with a dot\r\n"

// TestIMAPThroughProxyCurl fetches and appends with curl through the proxy to Dovecot.
func TestIMAPThroughProxyCurl(t *testing.T) {
	curl := testmail.Need(t, "curl")
	dc := testmail.StartDovecot(t, map[string]string{"mrc": "secret"})
	dc.Deliver(t, "mrc", "1700000000.M1P1.test", inboxMsg)
	sink := newCollectSink()
	addr, _ := startProxy(t, Config{Upstream: dc.IMAPAddr, Protocol: email.IMAP,
		Options: email.Options{LoginDomain: "example.org"}}, sink, email.HandoffConfig{})

	got := run(t, curl, "-sS", "--url", "imap://"+addr+"/INBOX;UID=1", "-u", "mrc:secret")
	if got != inboxMsg {
		t.Fatalf("curl fetched %q", got)
	}
	upload := filepath.Join(t.TempDir(), "up.eml")
	upMsg := "From: mrc@example.org\r\nTo: x@example.net\r\nMessage-ID: <up@example.org>\r\nSubject: up\r\n\r\nhi\r\n"
	if err := os.WriteFile(upload, []byte(upMsg), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, curl, "-sS", "--url", "imap://"+addr+"/INBOX", "-u", "mrc:secret", "-T", upload)
	if out, err := runErr(curl, "-s", "--url", "imap://"+addr+"/INBOX;UID=1", "-u", "mrc:wrong"); err == nil {
		t.Fatalf("curl with a wrong password succeeded: %q", out)
	}

	// All three sessions (fetch, append, refused login) must be closed before asserting.
	recs := sink.waitClosed(t, 3)
	ks := keys(recs)
	if len(ks) != 3 {
		t.Fatalf("want 3 sessions, got %d:\n%s", len(ks), strings.Join(describeAll(recs), "\n"))
	}
	assertStrings(t, "fetch session", iriSequence(recs, ks[0]), []string{
		iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded),
		iri(record.Report, etsi.EmailDownload, etsi.EmailStatusSucceeded),
		iri(record.Close, etsi.EmailLogoff, etsi.EmailStatusSucceeded),
	})
	assertStrings(t, "append session", iriSequence(recs, ks[1]), []string{
		iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded),
		iri(record.Report, etsi.EmailUpload, etsi.EmailStatusSucceeded),
		iri(record.Close, etsi.EmailLogoff, etsi.EmailStatusSucceeded),
	})
	// Tables C.1/C.2: a refused LOGIN is e-mail-logon (Begin) with status failed; curl
	// then drops the connection without LOGOUT.
	assertStrings(t, "failed login session", iriSequence(recs, ks[2]), []string{
		iri(record.Open, etsi.EmailLogon, etsi.EmailStatusFailed),
		iri(record.Close, etsi.EmailLogoff, etsi.EmailStatusUnknown),
	})

	assertLogon(t, recs, "mrc", "secret")
	dl := firstIRI(recs, etsi.EmailDownload)
	if d := dl.EmailIRI; string(d.MessageID) != "<B27397-0100000@cac.washington.edu>" || *d.Sender != "gray@cac.washington.edu" ||
		!slices.Equal(d.Recipients, []string{"mrc@example.org"}) || d.ServerOctetsSent < int64(len(inboxMsg)) ||
		d.ProtocolID != etsi.ProtocolIMAP4 || *d.ServerPort == 0 || *d.ClientPort == 0 {
		t.Errorf("download IRI = %+v", d)
	}
	if !ccHas(recs, dl, etsi.DirectionToTarget, inboxMsg) {
		t.Errorf("no CC with the fetched message among %q", ccContent(recs, dl, etsi.DirectionToTarget))
	}
	up := firstIRI(recs, etsi.EmailUpload)
	if string(up.EmailIRI.MessageID) != "<up@example.org>" || !ccHas(recs, up, etsi.DirectionFromTarget, upMsg) {
		t.Errorf("upload IRI %+v / CC %q", up.EmailIRI, ccContent(recs, up, etsi.DirectionFromTarget))
	}
	for _, r := range recs {
		if !hasEmail(r, "mrc") || !hasEmail(r, "mrc@example.org") {
			t.Errorf("%s: identities %v", describe(r), r.Identities)
		}
	}
}

// TestPOP3ThroughProxyCurl retrieves with curl through the proxy to Dovecot.
func TestPOP3ThroughProxyCurl(t *testing.T) {
	curl := testmail.Need(t, "curl")
	dc := testmail.StartDovecot(t, map[string]string{"mrose": "tanstaaf"})
	dc.Deliver(t, "mrose", "1700000000.M1P1.test", inboxMsg)
	sink := newCollectSink()
	addr, _ := startProxy(t, Config{Upstream: dc.POP3Addr, Protocol: email.POP3}, sink, email.HandoffConfig{})

	got := run(t, curl, "-sS", "--url", "pop3://"+addr+"/1", "-u", "mrose:tanstaaf")
	if got != inboxMsg {
		t.Fatalf("curl retrieved %q", got)
	}
	recs := sink.waitClosed(t, 1)
	ks := keys(recs)
	assertStrings(t, "pop3 session", iriSequence(recs, ks[0]), []string{
		iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded),
		iri(record.Report, etsi.EmailDownload, etsi.EmailStatusSucceeded),
		iri(record.Close, etsi.EmailLogoff, etsi.EmailStatusSucceeded),
	})
	assertLogon(t, recs, "mrose", "tanstaaf")
	dl := firstIRI(recs, etsi.EmailDownload)
	if string(dl.EmailIRI.MessageID) != "<B27397-0100000@cac.washington.edu>" ||
		!ccHas(recs, dl, etsi.DirectionToTarget, dotStuffed(inboxMsg)) {
		t.Errorf("download IRI %+v, CC %q", dl.EmailIRI, ccContent(recs, dl, etsi.DirectionToTarget))
	}
	// Every finished exchange after the logon is delivered as CC (Annex B.5).
	var ccs int
	for _, r := range recs {
		if r.EmailCC != nil {
			ccs++
		}
	}
	if ccs < 6 {
		t.Errorf("only %d CC records:\n%s", ccs, strings.Join(describeAll(recs), "\n"))
	}
}

func hasEmail(r *record.Record, v string) bool {
	for _, id := range r.Identities {
		if id.Kind == record.IdentityEmail && strings.EqualFold(id.Value, v) {
			return true
		}
	}
	return false
}

// assertLogon checks that the first logon IRI's AAAInformation holds the accepted
// login user/pass.
func assertLogon(t *testing.T, recs []*record.Record, user, pass string) {
	t.Helper()
	logon := firstIRI(recs, etsi.EmailLogon).EmailIRI
	if u, p, res := testmail.Login(logon.AAAInformation); u != user || p != pass || res != etsi.AAASucceeded {
		t.Errorf("logon AAAInformation = %+v", logon.AAAInformation)
	}
}
