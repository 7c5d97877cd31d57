package translate_test

import (
	"strings"
	"testing"

	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

func amiEv(hs ...string) *feed.Event {
	e := &feed.Event{Dialect: feed.Asterisk, Source: "ast-1", Received: t0, Raw: []byte("Event: x\r\n\r\n")}
	for _, h := range hs {
		n, v, _ := strings.Cut(h, ": ")
		e.Headers = append(e.Headers, feed.Header{Name: n, Value: v})
	}
	return e
}

var (
	vmCall   = amiEv("Event: Newexten", "Uniqueid: 9.1", "CallerIDNum: +15550000001", "Application: VoiceMail", "AppData: 1000@default,u")
	mainCall = amiEv("Event: Newexten", "Uniqueid: 9.2", "CallerIDNum: +15550000002", "Application: VoiceMailMain", "AppData: ")
	mwiOn    = func(uid string) *feed.Event {
		return amiEv("Event: MessageWaiting", "Uniqueid: "+uid, "CallerIDNum: +15550000001", "Mailbox: 1000@default", "Waiting: 1", "New: 1", "Old: 0")
	}
	hang = func(uid string) *feed.Event { return amiEv("Event: Hangup", "Uniqueid: "+uid) }
)

func TestAsteriskRules(t *testing.T) {
	cases := []struct {
		name   string
		events []*feed.Event
		want   []string
	}{
		{"deposit then FAILED is no slamdown", []*feed.Event{vmCall, mwiOn("9.1"), amiEv("Event: VarSet", "Uniqueid: 9.1", "Variable: VMSTATUS", "Value: FAILED"), hang("9.1")},
			[]string{"ami.connect box:connect operation-succeeded", "ami.deposit message:deposit operation-succeeded", "ami.disconnect box:disconnect operation-succeeded"}},
		{"second MWI on the deposit call is raw", []*feed.Event{vmCall, mwiOn("9.1"), mwiOn("9.1"), hang("9.1")},
			[]string{"ami.connect box:connect operation-succeeded", "ami.deposit message:deposit operation-succeeded", "ami.raw.MessageWaiting raw unknown", "ami.disconnect box:disconnect operation-succeeded"}},
		{"VoiceMailMain learns its box at logout", []*feed.Event{mainCall, amiEv("Event: MessageWaiting", "Uniqueid: 9.2", "Mailbox: 1000@default", "Waiting: 0"), hang("9.2")},
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.inferred box:login operation-succeeded", "ami.logout box:logout operation-succeeded"}},
		{"pin change without a call stands alone", []*feed.Event{amiEv("Event: VoicemailPasswordChange", "Context: default", "Mailbox: 1000", "NewPassword: 1234")},
			[]string{"ami.pin-change box:pin-change operation-succeeded"}},
		{"other dialplan steps are dropped", []*feed.Event{amiEv("Event: Newexten", "Uniqueid: 9.3", "CallerIDNum: +15550000003", "Application: Dial", "AppData: PJSIP/1000"), hang("9.3")},
			nil},
		{"unknown voicemail event with a mailbox is raw", []*feed.Event{amiEv("Event: VoicemailMessageMoved", "Mailbox: 1000@default")},
			[]string{"ami.raw.VoicemailMessageMoved raw unknown"}},
		{"MiniVoiceMail other action is raw", []*feed.Event{amiEv("Event: MiniVoiceMail", "Mailbox: 1000@example.net", "Action: Other")},
			[]string{"ami.raw.MiniVoiceMail raw unknown"}},
		{"lowercase header names", []*feed.Event{amiEv("event: VoicemailPasswordChange", "mailbox: 1000@default", "newpassword: 99")},
			[]string{"ami.pin-change box:pin-change operation-succeeded"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := translate.NewAsterisk(translate.Config{})
			var got []string
			for _, o := range translateAll(tr, c.events, t0) {
				got = append(got, summaryFS(o))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

// TestAsteriskDepositContent: TS 102 232-2 Table 5 makes a deposit carry the message as
// CC. app_voicemail names it only through VM_MESSAGEFILE (<spool>/<context>/<mailbox>/
// <folder>/msgNNNN, set before notify_new_message fires MessageWaiting); the file is that
// path plus the extension of voicemail.conf's first format, and only a path of the
// box's own spool directory is trusted.
func TestAsteriskDepositContent(t *testing.T) {
	const inbox = "/var/spool/asterisk/voicemail/default/1000/INBOX/msg0003"
	msgFile := func(v string) *feed.Event {
		return amiEv("Event: VarSet", "Uniqueid: 9.1", "Variable: VM_MESSAGEFILE", "Value: "+v)
	}
	cases := []struct {
		name   string
		format string
		events []*feed.Event
		want   string // content location of the deposit; "" none
	}{
		{"wav default", "", []*feed.Event{vmCall, msgFile(inbox), mwiOn("9.1")}, inbox + ".wav"},
		{"wav49 is .WAV", "wav49", []*feed.Event{vmCall, msgFile(inbox), mwiOn("9.1")}, inbox + ".WAV"},
		{"gsm", "gsm", []*feed.Event{vmCall, msgFile(inbox), mwiOn("9.1")}, inbox + ".gsm"},
		{"urgent folder", "", []*feed.Event{vmCall, msgFile("/var/spool/asterisk/voicemail/default/1000/Urgent/msg0000"), mwiOn("9.1")},
			"/var/spool/asterisk/voicemail/default/1000/Urgent/msg0000.wav"},
		{"no VM_MESSAGEFILE (dialplan class not subscribed)", "", []*feed.Event{vmCall, mwiOn("9.1")}, ""},
		{"another box's spool", "", []*feed.Event{vmCall, msgFile("/var/spool/asterisk/voicemail/default/2000/INBOX/msg0000"), mwiOn("9.1")}, ""},
		{"not a message file", "", []*feed.Event{vmCall, msgFile("/etc/asterisk/voicemail"), mwiOn("9.1")}, ""},
		{"relative", "", []*feed.Event{vmCall, msgFile("default/1000/INBOX/msg0000"), mwiOn("9.1")}, ""},
		{"traversal", "", []*feed.Event{vmCall, msgFile("/var/spool/asterisk/voicemail/default/1000/INBOX/../msg0000"), mwiOn("9.1")}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := translate.NewAsterisk(translate.Config{AsteriskFormat: c.format})
			var out []translate.Output
			for _, e := range c.events {
				out = tr.Translate(out, e)
			}
			var dep *translate.Output
			for i := range out {
				if out[i].Rule == "ami.deposit" {
					dep = &out[i]
				}
				if out[i].Rule != "ami.deposit" && out[i].Content != nil {
					t.Errorf("%s carries content", out[i].Rule)
				}
			}
			if dep == nil {
				t.Fatal("no deposit")
			}
			got := ""
			if dep.Content != nil {
				got = dep.Content.Location
			}
			if got != c.want {
				t.Errorf("content %q, want %q", got, c.want)
			}
			if c.want != "" && dep.Record.EventKey == "" {
				t.Error("deposit with content has no EventKey: CC could not share its event-identifier")
			}
		})
	}
}
