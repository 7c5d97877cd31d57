package proxy

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

const vvmBox, vvmPIN = "15550199", "1234"

// vvmAudio is an AMR file of n frames.
func vvmAudio(n int, fill byte) []byte {
	return append([]byte("#!AMR\n"), bytes.Repeat([]byte{0x3c, fill, 0x00, 0xff}, n)...)
}

// vvmMsg is a VVM message (voice message or greeting) with audio base64-encoded.
func vvmMsg(headers string, audio []byte) string {
	return "From: +15550100@vvm.example\r\nTo: +15550199@vvm.example\r\n" + headers +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\nMIME-Version: 1.0\r\n\r\n" +
		"--b1\r\nContent-Type: audio/amr\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(audio) + "\r\n--b1--\r\n"
}

// vvmEvents describes VVM records: "login", "retrieve 1", "cc toTarget <n>", ...
func vvmEvents(t *testing.T, recs []*record.Record) []string {
	t.Helper()
	var out []string
	for _, r := range recs {
		switch {
		case r.MessagingCC != nil:
			out = append(out, "cc "+r.Direction.String()+" "+r.MessagingCC.ContentType)
		case r.MessagingIRI != nil:
			iri := r.MessagingIRI
			s := ""
			if iri.Category.Message != nil {
				s = iri.Category.Message.String()
			} else {
				s = iri.Category.MessageBox.String()
			}
			s += " " + iri.Status.String()
			for _, p := range iri.Properties {
				if p.MessageIdentifier != nil {
					s += " uid=" + string(p.MessageIdentifier)
				}
				if p.GreetingType != nil {
					s += " type=" + p.GreetingType.String()
				}
				if p.Pincode != nil {
					s += " pincode=" + string(p.Pincode)
				}
			}
			out = append(out, s)
		default:
			t.Fatalf("non-messaging record %+v", r)
		}
	}
	return out
}

var (
	ok     = etsi.StatusOperationSucceeded.String()
	failed = etsi.StatusOperationFailed.String()
)

// TestVVMSaveDeleteCurl: one curl run (three requests on one connection, --next)
// marks a voice message read, flags it \Deleted and expunges it through the vvm
// proxy: save, then delete, both of UID 1, in one session; Dovecot no longer has it.
func TestVVMSaveDeleteCurl(t *testing.T) {
	curl := testmail.Need(t, "curl")
	dc := testmail.StartDovecot(t, map[string]string{vvmBox: vvmPIN})
	dc.Deliver(t, vvmBox, "1700000000.M1P1.vvm", vvmMsg("Message-Context: voice-message\r\n", vvmAudio(100, 1)))
	sink := newCollectSink()
	addr, _ := startProxy(t, Config{Upstream: dc.IMAPAddr, Protocol: email.VVM}, sink, email.HandoffConfig{})
	u, box := vvmBox+":"+vvmPIN, "imap://"+addr+"/INBOX"
	run(t, curl, "-sS", "-u", u, box, "-X", `UID STORE 1 +FLAGS (\Seen)`,
		"--next", "-sS", "-u", u, box, "-X", `UID STORE 1 +FLAGS (\Deleted)`,
		"--next", "-sS", "-u", u, box, "-X", "EXPUNGE")
	recs := sink.waitClosed(t, 1)
	assertStrings(t, "records", vvmEvents(t, recs), []string{
		etsi.BoxLogin.String() + " " + ok,
		etsi.EventSave.String() + " " + ok + " uid=1",
		etsi.EventDelete.String() + " " + ok + " uid=1",
		etsi.BoxLogout.String() + " " + ok,
	})
	if got := run(t, curl, "-sS", "-u", u, box, "-X", "SEARCH ALL"); strings.TrimSpace(got) != "* SEARCH" {
		t.Fatalf("after the expunge Dovecot's INBOX holds %q", got)
	}
}

// TestVVMDeletedWithoutExpungeCurl: \Deleted alone (the session ends without
// EXPUNGE or CLOSE) is not a delete: the message is still on the server.
func TestVVMDeletedWithoutExpungeCurl(t *testing.T) {
	curl := testmail.Need(t, "curl")
	dc := testmail.StartDovecot(t, map[string]string{vvmBox: vvmPIN})
	dc.Deliver(t, vvmBox, "1700000000.M1P1.vvm", vvmMsg("Message-Context: voice-message\r\n", vvmAudio(10, 1)))
	sink := newCollectSink()
	addr, _ := startProxy(t, Config{Upstream: dc.IMAPAddr, Protocol: email.VVM}, sink, email.HandoffConfig{})
	run(t, curl, "-sS", "-u", vvmBox+":"+vvmPIN, "imap://"+addr+"/INBOX", "-X", `UID STORE 1 +FLAGS (\Deleted)`)
	assertStrings(t, "records", vvmEvents(t, sink.waitClosed(t, 1)), []string{
		etsi.BoxLogin.String() + " " + ok, etsi.BoxLogout.String() + " " + ok,
	})
}

// TestVVMGreetingUploadCurl: curl uploads (APPEND, synchronizing literal) a normal
// greeting and then a voice signature to the Greetings folder through the vvm proxy:
// greeting-record (personal) then greeting-change (name), each with its audio as CC
// from the target, byte-identical; Dovecot stored both.
func TestVVMGreetingUploadCurl(t *testing.T) {
	curl := testmail.Need(t, "curl")
	dc := testmail.StartDovecot(t, map[string]string{vvmBox: vvmPIN})
	sink := newCollectSink()
	addr, _ := startProxy(t, Config{Upstream: dc.IMAPAddr, Protocol: email.VVM}, sink, email.HandoffConfig{})
	u := vvmBox + ":" + vvmPIN
	// The box exists once it holds a message; the phone creates its Greetings folder.
	dc.Deliver(t, vvmBox, "1700000000.M1P1.vvm", vvmMsg("Message-Context: voice-message\r\n", vvmAudio(10, 1)))
	run(t, curl, "-sS", "-u", u, "imap://"+addr+"/", "-X", "CREATE Greetings")
	sink.waitClosed(t, 1)

	dir := t.TempDir()
	normal, sig := vvmAudio(80, 7), vvmAudio(30, 9)
	files := []string{filepath.Join(dir, "normal.eml"), filepath.Join(dir, "signature.eml")}
	// The first names its context, the second only its greeting type, as AOSP's
	// upload does.
	msgs := []string{
		vvmMsg("Message-Context: x-voice-greeting-message\r\nX-CNS-Greeting-Type: normal-greeting\r\n", normal),
		vvmMsg("X-CNS-Greeting-Type: voice-signature\r\n", sig),
	}
	for i, f := range files {
		if err := os.WriteFile(f, []byte(msgs[i]), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	folder := "imap://" + addr + "/Greetings"
	run(t, curl, "-sS", "-u", u, folder, "-T", files[0], "--next", "-sS", "-u", u, folder, "-T", files[1])
	recs := sink.waitClosed(t, 2)
	var second []*record.Record
	for _, r := range recs {
		if r.CorrelationKey == recs[len(recs)-1].CorrelationKey {
			second = append(second, r)
		}
	}
	cc := "cc " + etsi.DirectionFromTarget.String() + " audio/amr"
	assertStrings(t, "records", vvmEvents(t, second), []string{
		etsi.BoxLogin.String() + " " + ok,
		etsi.BoxGreetingRecord.String() + " " + ok + " type=" + etsi.GreetingPersonal.String(), cc,
		etsi.BoxGreetingChange.String() + " " + ok + " type=" + etsi.GreetingName.String(), cc,
		etsi.BoxLogout.String() + " " + ok,
	})
	if !bytes.Equal(second[2].MessagingCC.Content, normal) || !bytes.Equal(second[4].MessagingCC.Content, sig) ||
		second[2].EventKey != second[1].EventKey || second[4].EventKey != second[3].EventKey {
		t.Fatal("greeting audio CC not byte-identical or not under its greeting event")
	}
	for i, m := range msgs {
		if got := run(t, curl, "-sS", "-u", u, folder+";UID="+string(rune('1'+i))); got != m {
			t.Fatalf("Dovecot's Greetings UID %d holds %q", i+1, got)
		}
	}
}

// TestVVMPinChangeCurl sends OMTP's XCHANGE_TUI_PWD with curl's custom request.
// Dovecot does not know the command and answers BAD: the proxy reports a failed
// pin-change without the PIN (only a tagged OK is a succeeded one) and logs neither PIN.
func TestVVMPinChangeCurl(t *testing.T) {
	curl := testmail.Need(t, "curl")
	dc := testmail.StartDovecot(t, map[string]string{vvmBox: vvmPIN})
	sink := newCollectSink()
	var logs testlog.Buffer
	log := zerolog.New(&logs).Level(zerolog.DebugLevel)
	addr, _ := startProxyLog(t, Config{Upstream: dc.IMAPAddr, Protocol: email.VVM, Options: email.Options{Logger: log}},
		sink, email.HandoffConfig{}, nil, log)
	out, err := runErr(curl, "-sS", "-u", vvmBox+":"+vvmPIN, "imap://"+addr+"/", "-X", "XCHANGE_TUI_PWD PWD=5678 OLD_PWD="+vvmPIN)
	if err == nil {
		t.Fatalf("curl succeeded (%q): Dovecot should refuse XCHANGE_TUI_PWD", out)
	}
	assertStrings(t, "records", vvmEvents(t, sink.waitClosed(t, 1)), []string{
		etsi.BoxLogin.String() + " " + ok,
		etsi.BoxPinChange.String() + " " + failed,
		etsi.BoxLogout.String() + " " + ok,
	})
	for _, secret := range []string{"5678", vvmPIN} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("proxy log holds a PIN: %s", logs.String())
		}
	}
}
