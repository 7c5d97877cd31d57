package mailsim

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/umli/umli/email/annex"
)

// The OMTP Visual Voicemail session mailsim plays (OMTP VVM v1.3 over IMAP4): a phone
// logs in to its box, fetches its new voice message, marks it read, deletes it,
// uploads a new personal greeting to the Greetings folder, changes its TUI PIN and
// logs out. The server side answers as a VVM server would; the client side names
// the box and PIN (Config.VVMUser, Config.VVMPassword).

// Default box and PIN of the VVM script.
const (
	VVMUser   = "4917012345678"
	VVMPIN    = "2468"
	VVMNewPIN = "1357"
)

// VVMAudio is the voice message's audio: an AMR-NB file (RFC 4867 section 5 storage
// format), one second of 12.2 kbit/s frames with a fixed payload.
func VVMAudio() []byte { return amrFile(50, 0x5a) }

// VVMGreetingAudio is the uploaded greeting's audio (half a second).
func VVMGreetingAudio() []byte { return amrFile(25, 0xa5) }

// amrFile is "#!AMR\n" and n 12.2 kbit/s frames (a 0x3c header and 31 bytes each).
func amrFile(n int, fill byte) []byte {
	b := []byte("#!AMR\n")
	for i := range n {
		b = append(b, 0x3c)
		for j := range 31 {
			b = append(b, fill^byte(i+j))
		}
	}
	return b
}

// VVMVoiceMessage is the deposited voice message as the VVM server stores it: a
// Message-Context: voice-message multipart with the audio base64-encoded.
func VVMVoiceMessage(box string) string {
	return "Return-Path: <>\r\nFrom: +4930123456@vvm.example.net\r\nTo: " + box + "@vvm.example.net\r\n" +
		"Subject: voice message\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\nMessage-Context: voice-message\r\n" +
		"Content-Duration: 1\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"vvm-b1\"\r\n\r\n" +
		"--vvm-b1\r\nContent-Type: text/plain\r\n\r\nVoice message\r\n" +
		"--vvm-b1\r\nContent-Type: audio/amr\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"msg.amr\"\r\n\r\n" +
		b64Lines(VVMAudio()) + "--vvm-b1--\r\n"
}

// VVMGreetingMessage is the greeting a phone uploads: X-CNS-Greeting-Type names the
// greeting (normal-greeting is the box owner's own greeting), the audio is base64.
func VVMGreetingMessage(box string) string {
	return "From: " + box + "@vvm.example.net\r\nTo: " + box + "@vvm.example.net\r\nSubject: greeting\r\n" +
		"Message-Context: x-voice-greeting-message\r\nX-CNS-Greeting-Type: normal-greeting\r\nContent-Duration: 1\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"vvm-g1\"\r\n\r\n" +
		"--vvm-g1\r\nContent-Type: audio/amr\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		b64Lines(VVMGreetingAudio()) + "--vvm-g1--\r\n"
}

// b64Lines is base64 in 76-character CRLF lines (RFC 2045 6.8).
func b64Lines(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	out.WriteString(s + "\r\n")
	return out.String()
}

// VVMScript is the VVM session of box with pin, both sides. The APPEND uses a
// non-synchronizing literal (LITERAL+, RFC 7888), so the client need not wait for
// a continuation.
func VVMScript(box, pin string) []annex.Step {
	cl := func(s string) annex.Step { return annex.Step{Data: s} }
	sv := func(s string) annex.Step { return annex.Step{FromServer: true, Data: s} }
	voice, greeting := VVMVoiceMessage(box), VVMGreetingMessage(box)
	return []annex.Step{
		sv("* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] vvm.example.net VVM server ready\r\n"),
		cl(fmt.Sprintf("v1 LOGIN %s %s\r\n", box, pin)),
		sv("v1 OK LOGIN completed\r\n"),
		cl("v2 SELECT INBOX\r\n"),
		sv("* 1 EXISTS\r\n* 1 RECENT\r\n* OK [UIDVALIDITY 1764756000] UIDs valid\r\n* FLAGS (\\Seen \\Deleted)\r\nv2 OK [READ-WRITE] SELECT completed\r\n"),
		cl("v3 UID FETCH 1 (UID BODY[])\r\n"),
		sv(fmt.Sprintf("* 1 FETCH (UID 1 BODY[] {%d}\r\n%s)\r\nv3 OK FETCH completed\r\n", len(voice), voice)),
		cl("v4 UID STORE 1 +FLAGS (\\Seen)\r\n"),
		sv("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\nv4 OK STORE completed\r\n"),
		cl("v5 UID STORE 1 +FLAGS (\\Deleted)\r\n"),
		sv("* 1 FETCH (UID 1 FLAGS (\\Seen \\Deleted))\r\nv5 OK STORE completed\r\n"),
		cl("v6 EXPUNGE\r\n"),
		sv("* 1 EXPUNGE\r\nv6 OK EXPUNGE completed\r\n"),
		cl(fmt.Sprintf("v7 APPEND Greetings (\\Seen) {%d+}\r\n%s\r\n", len(greeting), greeting)),
		sv("v7 OK [APPENDUID 1764756001 1] APPEND completed\r\n"),
		cl(fmt.Sprintf("v8 XCHANGE_TUI_PWD PWD=%s OLD_PWD=%s\r\n", VVMNewPIN, pin)),
		sv("v8 OK password changed\r\n"),
		cl("v9 LOGOUT\r\n"),
		sv("* BYE VVM server logging out\r\nv9 OK LOGOUT completed\r\n"),
	}
}

func (cfg Config) vvmSteps(string) []annex.Step {
	box, pin := cfg.VVMUser, cfg.VVMPassword
	if box == "" {
		box, pin = VVMUser, VVMPIN
	}
	return VVMScript(box, pin)
}
