package proxy

import (
	"testing"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// tlsRig is a Dovecot serving STARTTLS and implicit TLS with its own certificate,
// and the operator's certificate a terminating proxy presents to the client.
type tlsRig struct {
	curl             string
	dc               *testmail.Dovecot
	server, operator *testmail.Cert
	// terminate is the proxy configuration terminating TLS on both sides.
	terminate Config
}

func startTLSRig(t *testing.T, users map[string]string) tlsRig {
	t.Helper()
	r := tlsRig{curl: testmail.Need(t, "curl"), server: testmail.NewCert(t, "dovecot"), operator: testmail.NewCert(t, "operator")}
	r.dc = testmail.StartDovecotTLS(t, users, r.server)
	r.terminate = Config{TLS: r.operator.Server, UpstreamTLS: r.server.Client}
	return r
}

// fetch runs a proxy with cfg in front of upstream, fetches url (a format taking the
// proxy's address) through it with curl over TLS as user:pass and checks curl got
// body. It returns the records of the closed session; where the proxy passes TLS
// through (no cfg.TLS: curl sees the server's certificate) it checks that the
// encrypted session gave no record at all and returns nil.
func (r tlsRig) fetch(t *testing.T, cfg Config, upstream string, proto email.Protocol, url, userPass, body string) []*record.Record {
	t.Helper()
	sink := newCollectSink()
	cfg.Upstream, cfg.Protocol = upstream, proto
	addr, p := startProxyP(t, cfg, sink)
	cacert := r.operator.CertFile
	if cfg.TLS == nil {
		cacert = r.server.CertFile
	}
	if got := run(t, r.curl, "-sS", "--ssl-reqd", "--cacert", cacert, "--url", sprintf(url, addr), "-u", userPass); got != body {
		t.Fatalf("curl fetched %q", got)
	}
	if cfg.TLS == nil {
		p.waitSessions(t, 1)
		if recs := sink.snapshot(); len(recs) != 0 {
			t.Fatalf("%d records from an encrypted session, the first %+v", len(recs), recs[0])
		}
		return nil
	}
	return sink.waitClosed(t, 1)
}

// TestDovecotTLSThroughProxy: curl with STARTTLS (IMAP), STLS (POP3) and implicit TLS
// (imaps, pop3s) through the proxy terminating TLS with the operator's certificate,
// and STARTTLS passed through without one.
func TestDovecotTLSThroughProxy(t *testing.T) {
	rig := startTLSRig(t, map[string]string{"mrc": "secret"})
	dc, terminate := rig.dc, rig.terminate
	dc.Deliver(t, "mrc", "1700000000.M1P1.test", inboxMsg)
	parsed := []string{
		iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded),
		iri(record.Report, etsi.EmailDownload, etsi.EmailStatusSucceeded),
		iri(record.Close, etsi.EmailLogoff, etsi.EmailStatusSucceeded),
	}
	tests := []struct {
		name     string
		upstream string
		proto    email.Protocol
		cfg      Config
		url      string
		want     []string
	}{
		{"IMAP STARTTLS terminated", dc.IMAPAddr, email.IMAP, terminate, "imap://%s/INBOX;UID=1", parsed},
		{"POP3 STLS terminated", dc.POP3Addr, email.POP3, terminate, "pop3://%s/1", parsed},
		{"IMAPS terminated", dc.IMAPSAddr, email.IMAP, withImplicit(terminate), "imaps://%s/INBOX;UID=1", parsed},
		{"POP3S terminated", dc.POP3SAddr, email.POP3, withImplicit(terminate), "pop3s://%s/1", parsed},
		// Passed through, the logon happens inside TLS: nothing is reported.
		{"IMAP STARTTLS passed through", dc.IMAPAddr, email.IMAP, Config{}, "imap://%s/INBOX;UID=1", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := rig.fetch(t, tc.cfg, tc.upstream, tc.proto, tc.url, "mrc:secret", inboxMsg)
			if tc.want == nil {
				return
			}
			assertStrings(t, "session", iriSequence(recs, keys(recs)[0]), tc.want)
			dl := firstIRI(recs, etsi.EmailDownload)
			if string(dl.EmailIRI.MessageID) != "<B27397-0100000@cac.washington.edu>" {
				t.Errorf("download IRI %+v", dl.EmailIRI)
			}
		})
	}
}

// TestVVMTLSThroughProxy: a phone's VVM session over STARTTLS and over IMAPS, the
// proxy terminating TLS with the operator's certificate, gives login, retrieve with
// the audio CC and logout; STARTTLS passed through (no certificate) gives nothing.
func TestVVMTLSThroughProxy(t *testing.T) {
	rig := startTLSRig(t, map[string]string{vvmBox: vvmPIN})
	dc, terminate := rig.dc, rig.terminate
	audio := vvmAudio(40, 5)
	msg := vvmMsg("Message-Context: voice-message\r\n", audio)
	dc.Deliver(t, vvmBox, "1700000000.M1P1.vvm", msg)
	parsed := []string{etsi.BoxLogin.String() + " " + ok, etsi.EventRetrieve.String() + " " + ok + " uid=1",
		"cc " + etsi.DirectionToTarget.String() + " audio/amr", etsi.BoxLogout.String() + " " + ok}
	for _, tc := range []struct {
		name, upstream, url string
		cfg                 Config
		want                []string
	}{
		{"STARTTLS terminated", dc.IMAPAddr, "imap://%s/INBOX;UID=1", terminate, parsed},
		{"IMAPS terminated", dc.IMAPSAddr, "imaps://%s/INBOX;UID=1", withImplicit(terminate), parsed},
		{"STARTTLS passed through", dc.IMAPAddr, "imap://%s/INBOX;UID=1", Config{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := rig.fetch(t, tc.cfg, tc.upstream, email.VVM, tc.url, vvmBox+":"+vvmPIN, msg)
			if tc.want == nil {
				return
			}
			assertStrings(t, "records", vvmEvents(t, recs), tc.want)
			if string(recs[2].MessagingCC.Content) != string(audio) {
				t.Fatal("audio CC not byte-identical")
			}
		})
	}
}

func withImplicit(c Config) Config {
	c.ImplicitTLS = true
	return c
}
