package translate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

// tuiEv builds an AMI event of the VoiceMailMain channel uid at t0+sec seconds.
func tuiEv(sec float64, hs ...string) *feed.Event {
	e := amiEv(hs...)
	e.Received = t0.Add(time.Duration(sec * float64(time.Second)))
	return e
}

func vmMain(uid, data string, extra ...string) *feed.Event {
	return tuiEv(0, append([]string{"Event: Newexten", "Uniqueid: " + uid, "CallerIDNum: +4917012345678", "Application: VoiceMailMain", "AppData: " + data}, extra...)...)
}

// keys returns one DTMFEnd per digit of ds, a second apart from at on.
func keys(uid string, at float64, ds string) []*feed.Event {
	var evs []*feed.Event
	for i, d := range ds {
		evs = append(evs, tuiEv(at+float64(i), "Event: DTMFEnd", "Uniqueid: "+uid, "Digit: "+string(d), "DurationMs: 120", "Direction: Received"))
	}
	return evs
}

func boxCounts(n, o string) *feed.Event {
	return amiEv("Event: MessageWaiting", "Mailbox: 1000@default", "Waiting: 1", "New: "+n, "Old: "+o)
}

func mwiEnd(uid, n, o string) *feed.Event {
	return tuiEv(60, "Event: MessageWaiting", "Uniqueid: "+uid, "CallerIDNum: +4917012345678", "Mailbox: 1000@default", "Waiting: 0", "New: "+n, "Old: "+o)
}

func seq(parts ...any) []*feed.Event {
	var out []*feed.Event
	for _, p := range parts {
		switch v := p.(type) {
		case *feed.Event:
			out = append(out, v)
		case []*feed.Event:
			out = append(out, v...)
		}
	}
	return out
}

const spoolBox = "/var/spool/asterisk/voicemail/default/1000/"

// TestAsteriskTUI: VoiceMailMain's login, retrieve, save and delete inferred from the
// channel's DTMFEnd against app_voicemail's menu, settled by the end-of-session
// MessageWaiting counts.
func TestAsteriskTUI(t *testing.T) {
	const u = "9.5"
	cases := []struct {
		name    string
		cfg     translate.Config
		events  []*feed.Event
		want    []string
		content map[string]string // rule -> content location (first output of that rule)
	}{
		{"login, play, delete, exit; counts agree",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711#17#"), mwiEnd(u, "0", "0"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started", "ami.tui-key.delete message:delete operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.tui-confirmed.delete message:delete operation-succeeded", "ami.logout box:logout operation-succeeded"},
			map[string]string{"ami.retrieve.start": spoolBox + "INBOX/msg0000.wav", "ami.tui-key.delete": spoolBox + "INBOX/msg0000.wav"}},
		{"# while the message plays skips it; the delete after it counts",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711#1#7#"), mwiEnd(u, "0", "0"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started", "ami.tui-key.delete message:delete operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.tui-confirmed.delete message:delete operation-succeeded", "ami.logout box:logout operation-succeeded"}, nil},
		{"counts disagree: the delete did not happen",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711#17#"), mwiEnd(u, "1", "0"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started", "ami.tui-key.delete message:delete operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve unknown",
				"ami.tui-confirmed.delete message:delete unknown", "ami.logout box:logout operation-succeeded"}, nil},
		{"heard message moves to Old",
			translate.Config{},
			seq(boxCounts("2", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711#16#"), mwiEnd(u, "0", "2"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started", "ami.retrieve.start message:retrieve operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.retrieve.confirmed message:retrieve operation-succeeded", "ami.logout box:logout operation-succeeded"}, nil},
		{"hangup without the end-of-session MessageWaiting: login failed",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "1234#1"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started", "ami.login.failed box:login operation-failed",
				"ami.retrieve.unconfirmed message:retrieve unknown", "ami.disconnect box:disconnect operation-succeeded"}, nil},
		{"VoiceMailMain returns to the dialplan unauthenticated",
			translate.Config{},
			seq(vmMain(u, "1000@default"), keys(u, 1, "1#2#3#"), tuiEv(9, "Event: Newexten", "Uniqueid: "+u, "Application: Hangup", "AppData: "), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.login.failed box:login operation-failed", "ami.disconnect box:disconnect operation-succeeded"}, nil},
		{"delete pressed twice is undeleted",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711#77#"), mwiEnd(u, "1", "0"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.tui-key.delete message:delete operation-started", "ami.tui-undelete.delete message:delete operation-cancelled",
				"ami.login.confirmed box:login operation-succeeded", "ami.logout box:logout operation-succeeded"}, nil},
		{"save to Family",
			translate.Config{},
			seq(boxCounts("1", "1"), vmMain(u, "1000@default"), keys(u, 1, "4711#193#"), mwiEnd(u, "0", "1"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started", "ami.tui-key.save message:save operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.tui-confirmed.save message:save operation-succeeded", "ami.logout box:logout operation-succeeded"},
			map[string]string{"ami.tui-key.save": spoolBox + "INBOX/msg0000.wav"}},
		{"save cancelled with #",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711#9#"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.login.failed box:login operation-failed", "ami.disconnect box:disconnect operation-succeeded"}, nil},
		{"only old messages: the session starts in Old; change folder to INBOX is empty",
			translate.Config{},
			seq(boxCounts("0", "2"), vmMain(u, "1000@default"), keys(u, 1, "4711#6201"), mwiEnd(u, "0", "2"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.logout box:logout operation-succeeded"},
			map[string]string{"ami.retrieve.start": spoolBox + "Old/msg0001.wav"}},
		{"PIN ended by the inter-digit timeout",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711"), keys(u, 8, "1"), mwiEnd(u, "0", "1"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.logout box:logout operation-succeeded"}, nil},
		{"mailbox typed in",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "@default"), keys(u, 1, "1000#4711#1"), mwiEnd(u, "0", "1"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.logout box:logout operation-succeeded"},
			map[string]string{"ami.retrieve.start": spoolBox + "INBOX/msg0000.wav"}},
		{"mailbox options: greeting and password keys are not menu keys",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711#0512#12#*1"), mwiEnd(u, "0", "1"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.logout box:logout operation-succeeded"}, nil},
		{"no DTMF subscribed: login inferred from the PIN change",
			translate.Config{},
			seq(vmMain(u, "1000@default"), amiEv("Event: VoicemailPasswordChange", "Context: default", "Mailbox: 1000", "NewPassword: 4242"), mwiEnd(u, "0", "0"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.inferred box:login operation-succeeded",
				"ami.pin-change box:pin-change operation-succeeded", "ami.logout box:logout operation-succeeded"}, nil},
		{"option s: no PIN, in at once",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default,s"), keys(u, 1, "1"), mwiEnd(u, "0", "1"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.logout box:logout operation-succeeded"}, nil},
		{"option r: delete does nothing",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default,r"), keys(u, 1, "4711#7"), mwiEnd(u, "1", "0"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.logout box:logout operation-succeeded"}, nil},
		{"option a(Old): autoplay",
			translate.Config{},
			seq(boxCounts("1", "1"), vmMain(u, "1000@default,a(Old)"), keys(u, 1, "4711#"), mwiEnd(u, "1", "1"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.logout box:logout operation-succeeded"},
			map[string]string{"ami.retrieve.start": spoolBox + "Old/msg0000.wav"}},
		{"keys the platform sends and DTMFBegin are ignored",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711#"),
				tuiEv(9, "Event: DTMFEnd", "Uniqueid: "+u, "Digit: 1", "Direction: Sent"), tuiEv(10, "Event: DTMFBegin", "Uniqueid: "+u, "Digit: 1", "Direction: Received"),
				mwiEnd(u, "1", "0"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.logout box:logout operation-succeeded"}, nil},
		{"custom key map",
			translate.Config{AsteriskKeys: translate.AsteriskKeyMap{Delete: "3", Advanced: "7"}},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711#13"), mwiEnd(u, "0", "0"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started", "ami.tui-key.delete message:delete operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.tui-confirmed.delete message:delete operation-succeeded", "ami.logout box:logout operation-succeeded"}, nil},
		{"deposit during the session keeps the counts in agreement",
			translate.Config{},
			seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711#17"),
				vmCall, mwiOn("9.1"), hang("9.1"), mwiEnd(u, "1", "0"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started", "ami.tui-key.delete message:delete operation-started",
				"ami.connect box:connect operation-succeeded", "ami.deposit message:deposit operation-succeeded", "ami.disconnect box:disconnect operation-succeeded",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.tui-confirmed.delete message:delete operation-succeeded", "ami.logout box:logout operation-succeeded"}, nil},
		{"forward: keys are no longer followed",
			translate.Config{},
			seq(boxCounts("2", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711#182000#1"), mwiEnd(u, "1", "1"), hang(u)),
			[]string{"ami.connect box:connect operation-succeeded", "ami.login.start box:login operation-started",
				"ami.retrieve.start message:retrieve operation-started",
				"ami.login.confirmed box:login operation-succeeded", "ami.retrieve.confirmed message:retrieve operation-succeeded",
				"ami.logout box:logout operation-succeeded"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := translate.NewAsterisk(c.cfg)
			var got []string
			seen := map[string]bool{}
			for _, o := range translateAll(tr, c.events, t0.Add(time.Hour)) {
				if o.Record.Boundary == record.Standalone {
					continue // the box's raw MessageWaiting
				}
				got = append(got, summaryFS(o))
				if want, ok := c.content[o.Rule]; ok && !seen[o.Rule] {
					seen[o.Rule] = true
					if o.Content == nil || o.Content.Location != want {
						t.Errorf("%s content %+v, want %s", o.Rule, o.Content, want)
					}
					if o.Record.EventKey == "" {
						t.Errorf("%s with content has no EventKey", o.Rule)
					}
				}
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
			for r := range c.content {
				if !seen[r] {
					t.Errorf("no %s output", r)
				}
			}
			if tr.Sessions() != 0 {
				t.Errorf("%d sessions left", tr.Sessions())
			}
		})
	}
}

// TestAsteriskTUISettlesUnderOneEventKey: a started action and its settlement share the
// event key (one ETSI event), and every output of the call one correlation key.
func TestAsteriskTUISettlesUnderOneEventKey(t *testing.T) {
	const u = "9.6"
	tr := translate.NewAsterisk(translate.Config{})
	var out []translate.Output
	for _, e := range seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "4711#17#"), mwiEnd(u, "0", "0"), hang(u)) {
		out = tr.Translate(out, e)
	}
	byKey := map[string][]string{}
	for _, o := range out {
		if o.Record.Boundary == record.Standalone {
			continue
		}
		if o.Record.CorrelationKey != u {
			t.Errorf("%s correlation key %q, want %q", o.Rule, o.Record.CorrelationKey, u)
		}
		if o.Record.EventKey != "" {
			byKey[o.Record.EventKey] = append(byKey[o.Record.EventKey], o.Rule)
		}
	}
	for _, pair := range [][]string{{"ami.login.start", "ami.login.confirmed"}, {"ami.retrieve.start", "ami.retrieve.confirmed"}, {"ami.tui-key.delete", "ami.tui-confirmed.delete"}} {
		found := false
		for _, rules := range byKey {
			if strings.Join(rules, ",") == strings.Join(pair, ",") {
				found = true
			}
		}
		if !found {
			t.Errorf("no event key holds exactly %v: %v", pair, byKey)
		}
	}
}

// TestAsteriskCallIDCorrelation: with the SIP Call-ID among the channel variables
// (manager.conf channelvars), the session's correlation key is the one the RTP capture
// of the same call uses ("sip:" + Call-ID), so its MessagingCC share the CIN.
func TestAsteriskCallIDCorrelation(t *testing.T) {
	for _, v := range []string{"ChanVariable: CHANNEL(pjsip,call-id)=a84b4c76e66710@pc33.example.net", "ChanVariable: SIPCALLID=a84b4c76e66710@pc33.example.net",
		"ChanVariable(PJSIP/trunk-00000011): CHANNEL(pjsip,call-id)=a84b4c76e66710@pc33.example.net"} {
		t.Run(v, func(t *testing.T) {
			tr := translate.NewAsterisk(translate.Config{})
			newexten := amiEv("Event: Newexten", "Uniqueid: 9.1", "CallerIDNum: +15550000001", "Application: VoiceMail", "AppData: 1000@default,u", v, "ChanVariable: OTHER=x")
			var out []translate.Output
			for _, e := range []*feed.Event{newexten, mwiOn("9.1"), hang("9.1")} {
				out = tr.Translate(out, e)
			}
			if len(out) != 3 {
				t.Fatalf("%d outputs", len(out))
			}
			for _, o := range out {
				if o.Record.CorrelationKey != "sip:a84b4c76e66710@pc33.example.net" {
					t.Errorf("%s correlation key %q", o.Rule, o.Record.CorrelationKey)
				}
			}
		})
	}
	tr := translate.NewAsterisk(translate.Config{})
	out := tr.Translate(nil, amiEv("Event: Newexten", "Uniqueid: 9.1", "CallerIDNum: +15550000001", "Application: VoiceMail", "AppData: 1000@default", "ChanVariable: CHANNEL(pjsip,call-id)="))
	if len(out) != 1 || out[0].Record.CorrelationKey != "9.1" {
		t.Errorf("empty Call-ID: %+v, want the Uniqueid as key", out)
	}
}

// TestAsteriskTUINeverKeepsPIN: the PIN typed at VoiceMailMain's prompt is in no output.
func TestAsteriskTUINeverKeepsPIN(t *testing.T) {
	const u = "9.7"
	tr := translate.NewAsterisk(translate.Config{})
	var out []translate.Output
	for _, e := range seq(boxCounts("1", "0"), vmMain(u, "1000@default"), keys(u, 1, "80635#"), mwiEnd(u, "1", "0"), hang(u)) {
		out = tr.Translate(out, e)
	}
	for _, o := range out {
		for _, p := range o.Record.MessagingIRI.Properties {
			if p.Pincode != nil || strings.Contains(string(p.MessageIdentifier), "80635") {
				t.Errorf("%s carries the PIN", o.Rule)
			}
		}
	}
}

func TestAsteriskKeyMapValidate(t *testing.T) {
	for _, c := range []struct {
		k  translate.AsteriskKeyMap
		ok bool
	}{
		{translate.AsteriskKeyMap{}, true},
		{translate.DefaultAsteriskKeyMap(), true},
		{translate.AsteriskKeyMap{Delete: "3", Advanced: "7"}, true},
		{translate.AsteriskKeyMap{Delete: "9"}, false},
		{translate.AsteriskKeyMap{Save: "10"}, false},
		{translate.AsteriskKeyMap{Exit: "x"}, false},
	} {
		if err := c.k.Validate(); (err == nil) != c.ok {
			t.Errorf("%+v: err %v, want ok %v", c.k, err, c.ok)
		}
	}
}
