package proxy

import (
	"testing"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// TestDovecotTLSThroughProxy: curl with STARTTLS (IMAP), STLS (POP3) and implicit TLS
// (imaps, pop3s) through the proxy terminating TLS with the operator's certificate,
// and STARTTLS passed through without one.
func TestDovecotTLSThroughProxy(t *testing.T) {
	curl := testmail.Need(t, "curl")
	serverCert := testmail.NewCert(t, "dovecot")
	operator := testmail.NewCert(t, "operator")
	dc := testmail.StartDovecotTLS(t, map[string]string{"mrc": "secret"}, serverCert)
	dc.Deliver(t, "mrc", "1700000000.M1P1.test", inboxMsg)
	terminate := Config{TLS: operator.Server, UpstreamTLS: serverCert.Client}
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
			sink := newCollectSink()
			cfg := tc.cfg
			cfg.Upstream, cfg.Protocol = tc.upstream, tc.proto
			addr, p := startProxyP(t, cfg, sink)
			cacert := operator.CertFile
			if tc.want == nil {
				cacert = serverCert.CertFile
			}
			got := run(t, curl, "-sS", "--ssl-reqd", "--cacert", cacert, "--url", sprintf(tc.url, addr), "-u", "mrc:secret")
			if got != inboxMsg {
				t.Fatalf("curl fetched %q", got)
			}
			if tc.want == nil {
				p.waitSessions(t, 1)
				if recs := sink.snapshot(); len(recs) != 0 {
					t.Fatalf("records from an encrypted session: %q", describeAll(recs))
				}
				return
			}
			recs := sink.waitClosed(t, 1)
			assertStrings(t, "session", iriSequence(recs, keys(recs)[0]), tc.want)
			dl := firstIRI(recs, etsi.EmailDownload)
			if string(dl.EmailIRI.MessageID) != "<B27397-0100000@cac.washington.edu>" {
				t.Errorf("download IRI %+v", dl.EmailIRI)
			}
		})
	}
}

func withImplicit(c Config) Config {
	c.ImplicitTLS = true
	return c
}
