package proxy

import (
	"bytes"
	"encoding/base64"
	"fmt"
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

// vvmRig is Dovecot holding the VVM box vvmBox (PIN vvmPIN) behind a mode-vvm proxy
// whose records go to sink.
type vvmRig struct {
	curl, addr string
	// user is the box's curl login, vvmBox:vvmPIN.
	user string
	dc   *testmail.Dovecot
	sink *collectSink
}

// startVVM starts the rig with msg, if not empty, in the box as UID 1.
func startVVM(t *testing.T, msg string) vvmRig {
	t.Helper()
	return startVVMLog(t, msg, zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel))
}

// startVVMLog is startVVM with proxy and machine logging to log (a test that reads the log).
func startVVMLog(t *testing.T, msg string, log zerolog.Logger) vvmRig {
	t.Helper()
	r := vvmRig{curl: testmail.Need(t, "curl"), user: vvmBox + ":" + vvmPIN, sink: newCollectSink()}
	r.dc = testmail.StartDovecot(t, map[string]string{vvmBox: vvmPIN})
	if msg != "" {
		r.dc.Deliver(t, vvmBox, "1700000000.M1P1.vvm", msg)
	}
	r.addr, _ = startProxyLog(t, Config{Upstream: r.dc.IMAPAddr, Protocol: email.VVM, Options: email.Options{Logger: log}},
		r.sink, email.HandoffConfig{}, nil, log)
	return r
}

// TestVVMThroughProxyCurl fetches an OMTP VVM voice message with curl through a
// mode-vvm proxy from Dovecot: login, retrieve with the audio byte-identical as CC,
// logout, all on the login box.
func TestVVMThroughProxyCurl(t *testing.T) {
	audio := append([]byte("#!AMR\n"), bytes.Repeat([]byte{0x3c, 0x00, 0xff, 0x91}, 300)...)
	msg := "From: +15550100@vvm.example\r\nTo: +15550199@vvm.example\r\nMessage-Context: voice-message\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\nMIME-Version: 1.0\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain\r\n\r\nVoice message\r\n" +
		"--b1\r\nContent-Type: audio/amr\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(audio) + "\r\n--b1--\r\n"
	rig := startVVM(t, msg)
	if got := run(t, rig.curl, "-sS", "--url", "imap://"+rig.addr+"/INBOX;UID=1", "-u", rig.user); got != msg {
		t.Fatalf("curl fetched %q", got)
	}
	recs := rig.sink.waitClosed(t, 1)
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

// TestVVMSaveDeleteCurl: one curl run (three requests on one connection, --next)
// marks a voice message read, flags it \Deleted and expunges it through the vvm
// proxy: save, then delete, both of UID 1, in one session; Dovecot no longer has it.
func TestVVMSaveDeleteCurl(t *testing.T) {
	rig := startVVM(t, vvmMsg("Message-Context: voice-message\r\n", vvmAudio(100, 1)))
	curl, sink, u, box := rig.curl, rig.sink, rig.user, "imap://"+rig.addr+"/INBOX"
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
	rig := startVVM(t, vvmMsg("Message-Context: voice-message\r\n", vvmAudio(10, 1)))
	run(t, rig.curl, "-sS", "-u", rig.user, "imap://"+rig.addr+"/INBOX", "-X", `UID STORE 1 +FLAGS (\Deleted)`)
	assertStrings(t, "records", vvmEvents(t, rig.sink.waitClosed(t, 1)), []string{
		etsi.BoxLogin.String() + " " + ok, etsi.BoxLogout.String() + " " + ok,
	})
}

// TestVVMGreetingUploadCurl: curl uploads (APPEND, synchronizing literal) a normal
// greeting and then a voice signature to the Greetings folder through the vvm proxy:
// greeting-record (personal) then greeting-change (name), each with its audio as CC
// from the target, byte-identical; Dovecot stored both.
func TestVVMGreetingUploadCurl(t *testing.T) {
	// The box exists once it holds a message; the phone creates its Greetings folder.
	rig := startVVM(t, vvmMsg("Message-Context: voice-message\r\n", vvmAudio(10, 1)))
	curl, sink, u, addr := rig.curl, rig.sink, rig.user, rig.addr
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
	var logs testlog.Buffer
	rig := startVVMLog(t, "", zerolog.New(&logs).Level(zerolog.DebugLevel))
	out, err := runErr(rig.curl, "-sS", "-u", rig.user, "imap://"+rig.addr+"/", "-X", "XCHANGE_TUI_PWD PWD=5678 OLD_PWD="+vvmPIN)
	if err == nil {
		t.Fatalf("curl succeeded (%q): Dovecot should refuse XCHANGE_TUI_PWD", out)
	}
	assertStrings(t, "records", vvmEvents(t, rig.sink.waitClosed(t, 1)), []string{
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

// TestVVMNonTargetCurl: a non-target's phone fetches, saves and deletes its voice
// message through the vvm proxy, then the target's phone fetches one. The records go
// to the real mediation (Redis), handover and the LEMF simulator: the LEMF holds the
// target's session only (login, retrieve with the audio CC, logout), every record of
// the non-target was dropped as no_target, and neither the LEMF's files nor the debug
// log of proxy and mediation hold the non-target's box or PIN.
func TestVVMNonTargetCurl(t *testing.T) {
	const nonTarget, ntPIN, target = "15550177", "8642", vvmBox
	curl := testmail.Need(t, "curl")
	dc := testmail.StartDovecot(t, map[string]string{nonTarget: ntPIN, target: vvmPIN})
	audio := vvmAudio(60, 3)
	for _, box := range []string{nonTarget, target} {
		dc.Deliver(t, box, "1700000000.M1P1.vvm", vvmMsg("Message-Context: voice-message\r\n", audio))
	}
	var logs testlog.Buffer
	log := zerolog.New(&logs).Level(zerolog.DebugLevel)
	ms := startMediationStack(t, stackConfig{liid: "VVM-1", target: fmt.Sprintf("{e164: %q}", target), queue: 200, log: &log})
	med, reg, dir := ms.med, ms.reg, ms.dir
	var rp runningProxy
	addr, h := startProxyLog(t, Config{Upstream: dc.IMAPAddr, Protocol: email.VVM, Options: email.Options{Logger: log}},
		med, email.HandoffConfig{}, &rp.Proxy, log)
	rp.h = h

	box := "imap://" + addr + "/INBOX"
	ntUser := nonTarget + ":" + ntPIN
	run(t, curl, "-sS", "-u", ntUser, box+";UID=1", "--next", "-sS", "-u", ntUser, box, "-X", `UID STORE 1 +FLAGS (\Seen \Deleted)`,
		"--next", "-sS", "-u", ntUser, box, "-X", "EXPUNGE")
	rp.waitSessions(t, 1)
	ntRecords := h.Stats().Submitted
	run(t, curl, "-sS", "-u", target+":"+vvmPIN, box+";UID=1")
	rp.waitSessions(t, 2)
	set := ms.waitLogoff(t)

	if ntRecords < 5 {
		t.Fatalf("the non-target's session gave %d records, want login, retrieve, CC, save, delete, logout", ntRecords)
	}
	if d := testmail.Counter(t, reg, "umli_mediation_records_dropped_total", "reason", "no_target"); d != float64(ntRecords) {
		t.Errorf("dropped no_target = %v, want the non-target's %d records", d, ntRecords)
	}
	var events []string
	for st := range set.PDUs {
		if st.LIID != "VVM-1" {
			t.Fatalf("unexpected stream %v", st)
		}
		if st.CC {
			continue
		}
		for _, pdu := range decodedPDUs(t, set, st) {
			for _, ip := range pdu.Payload.IRI {
				c := ip.Contents.MessagingIRI.Category
				if c.Message != nil {
					events = append(events, c.Message.String())
				} else {
					events = append(events, c.MessageBox.String())
				}
			}
		}
	}
	assertStrings(t, "LEMF events", events, []string{etsi.BoxLogin.String(), etsi.EventRetrieve.String(), etsi.BoxLogout.String()})
	for _, f := range []string{"hi2.ber", "hi3.ber", "records.jsonl"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(nonTarget)) {
			t.Errorf("LEMF %s holds the non-target's box", f)
		}
	}
	for _, secret := range []string{nonTarget, ntPIN, vvmPIN} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("log holds %q:\n%s", secret, logs.String())
		}
	}
}
