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
			[]string{"ami.connect box:connect operation-succeeded", "ami.logout box:logout operation-succeeded"}},
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
			var out []translate.Output
			for _, e := range c.events {
				out = tr.Translate(out, e)
			}
			out = tr.Flush(out, t0)
			var got []string
			for _, o := range out {
				produced.note(o)
				got = append(got, summaryFS(o))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}
