package proxy

import (
	"bytes"
	"encoding/base64"
	"testing"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
)

// TestVVMThroughProxyCurl fetches an OMTP VVM voice message with curl through a
// mode-vvm proxy from Dovecot: login, retrieve with the audio byte-identical as CC,
// logout, all on the login box.
func TestVVMThroughProxyCurl(t *testing.T) {
	curl := testmail.Need(t, "curl")
	dc := testmail.StartDovecot(t, map[string]string{"15550199": "1234"})
	audio := append([]byte("#!AMR\n"), bytes.Repeat([]byte{0x3c, 0x00, 0xff, 0x91}, 300)...)
	msg := "From: +15550100@vvm.example\r\nTo: +15550199@vvm.example\r\nMessage-Context: voice-message\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\nMIME-Version: 1.0\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain\r\n\r\nVoice message\r\n" +
		"--b1\r\nContent-Type: audio/amr\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(audio) + "\r\n--b1--\r\n"
	dc.Deliver(t, "15550199", "1700000000.M1P1.vvm", msg)
	sink := newCollectSink()
	addr, _ := startProxy(t, Config{Upstream: dc.IMAPAddr, Protocol: email.VVM}, sink, email.HandoffConfig{})

	if got := run(t, curl, "-sS", "--url", "imap://"+addr+"/INBOX;UID=1", "-u", "15550199:1234"); got != msg {
		t.Fatalf("curl fetched %q", got)
	}
	recs := sink.waitClosed(t, 1)
	var seq []string
	for _, r := range recs {
		switch {
		case r.MessagingCC != nil:
			seq = append(seq, "cc")
			if !bytes.Equal(r.MessagingCC.Content, audio) || r.MessagingCC.ContentType != "audio/amr" || r.Direction != etsi.DirectionToTarget {
				t.Errorf("audio CC %d bytes %q, want %d bytes byte-identical", len(r.MessagingCC.Content), r.MessagingCC.ContentType, len(audio))
			}
		case r.MessagingIRI != nil && r.MessagingIRI.Category.Message != nil:
			seq = append(seq, r.MessagingIRI.Category.Message.String())
		case r.MessagingIRI != nil:
			seq = append(seq, r.MessagingIRI.Category.MessageBox.String())
		default:
			t.Fatalf("non-messaging record %+v", r)
		}
		if r.Identities[0].Value != "15550199" {
			t.Errorf("identities %+v", r.Identities)
		}
	}
	want := []string{etsi.BoxLogin.String(), etsi.EventRetrieve.String(), "cc", etsi.BoxLogout.String()}
	if len(seq) != len(want) {
		t.Fatalf("records %q, want %q", seq, want)
	}
	for i := range want {
		if seq[i] != want[i] {
			t.Fatalf("records %q, want %q", seq, want)
		}
	}
}
