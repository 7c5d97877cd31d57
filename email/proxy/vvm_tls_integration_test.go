package proxy

import (
	"testing"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
)

// TestVVMTLSThroughProxy: a phone's VVM session over STARTTLS and over IMAPS, the
// proxy terminating TLS with the operator's certificate, gives login, retrieve with
// the audio CC and logout; STARTTLS passed through (no certificate) gives nothing.
func TestVVMTLSThroughProxy(t *testing.T) {
	curl := testmail.Need(t, "curl")
	serverCert := testmail.NewCert(t, "dovecot")
	operator := testmail.NewCert(t, "operator")
	dc := testmail.StartDovecotTLS(t, map[string]string{vvmBox: vvmPIN}, serverCert)
	audio := vvmAudio(40, 5)
	msg := vvmMsg("Message-Context: voice-message\r\n", audio)
	dc.Deliver(t, vvmBox, "1700000000.M1P1.vvm", msg)
	terminate := Config{TLS: operator.Server, UpstreamTLS: serverCert.Client}
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
			sink := newCollectSink()
			cfg := tc.cfg
			cfg.Upstream, cfg.Protocol = tc.upstream, email.VVM
			addr, p := startProxyP(t, cfg, sink)
			cacert := operator.CertFile
			if tc.want == nil {
				cacert = serverCert.CertFile
			}
			if got := run(t, curl, "-sS", "--ssl-reqd", "--cacert", cacert, "--url", sprintf(tc.url, addr), "-u", vvmBox+":"+vvmPIN); got != msg {
				t.Fatalf("curl fetched %q", got)
			}
			if tc.want == nil {
				p.waitSessions(t, 1)
				if recs := sink.snapshot(); len(recs) != 0 {
					t.Fatalf("records from an encrypted session: %q", vvmEvents(t, recs))
				}
				return
			}
			recs := sink.waitClosed(t, 1)
			assertStrings(t, "records", vvmEvents(t, recs), tc.want)
			if string(recs[2].MessagingCC.Content) != string(audio) {
				t.Fatal("audio CC not byte-identical")
			}
		})
	}
}
