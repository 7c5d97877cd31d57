package translate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// fsEv builds a FreeSWITCH event from "Name: value" pairs; uuid adds the channel block
// fields the rules read.
func fsEv(name, uuid string, hs ...string) *feed.Event {
	e := &feed.Event{Dialect: feed.FreeSWITCH, Source: "fs-1", Received: t0, Raw: []byte("Event-Name: " + name + "\n\n")}
	e.Headers = append(e.Headers, feed.Header{Name: "Event-Name", Value: name})
	for _, h := range hs {
		n, v, _ := strings.Cut(h, ": ")
		e.Headers = append(e.Headers, feed.Header{Name: n, Value: v})
	}
	if uuid != "" {
		e.Headers = append(e.Headers,
			feed.Header{Name: "Unique-ID", Value: uuid},
			feed.Header{Name: "Caller-Caller-ID-Number", Value: "+15550001000"})
	}
	return e
}

func vm(action, uuid string, hs ...string) *feed.Event {
	return fsEv("CUSTOM", uuid, append([]string{"Event-Subclass: vm::maintenance", "VM-Action: " + action, "VM-User: 1000", "VM-Domain: example.net"}, hs...)...)
}

const msg = "/store/example.net/1000/msg_aaaa.wav"

var (
	checkCall = fsEv("CHANNEL_EXECUTE", "u1", "Application: voicemail", "Application-Data: check default example.net 1000")
	loginOK   = vm("authentication", "u1", "VM-Auth-Result: success")
	playStart = fsEv("PLAYBACK_START", "u1", "Playback-File-Path: "+msg)
	hangupAll = fsEv("CHANNEL_HANGUP_COMPLETE", "u1")
)

func dtmf(d string) *feed.Event { return fsEv("DTMF", "u1", "DTMF-Digit: "+d) }
func playStop(status string) *feed.Event {
	hs := []string{"Playback-File-Path: " + msg}
	if status != "" {
		hs = append(hs, "Playback-Status: "+status)
	}
	return fsEv("PLAYBACK_STOP", "u1", hs...)
}
func mwi(voice string) *feed.Event {
	return fsEv("MESSAGE_WAITING", "", "Update-Reason: PURGE", "MWI-Message-Account: 1000@example.net", "MWI-Voice-Message: "+voice)
}
func summaryFS(o translate.Output) string {
	iri := o.Record.MessagingIRI
	return o.Rule + " " + categoryName(iri.Category) + " " + iri.Status.String()
}

func TestFreeSWITCHRules(t *testing.T) {
	cases := []struct {
		name   string
		cfg    translate.Config
		events []*feed.Event
		want   []string
	}{
		{"retrieve played to the end", translate.Config{}, []*feed.Event{checkCall, loginOK, playStart, playStop("")},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-succeeded",
				"fs.retrieve.start message:retrieve operation-started", "fs.retrieve.end message:retrieve operation-succeeded",
				"fs.disconnect box:disconnect operation-succeeded"}},
		{"key during playback cancels", translate.Config{}, []*feed.Event{checkCall, loginOK, playStart, dtmf("5"), playStop("")},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-succeeded",
				"fs.retrieve.start message:retrieve operation-started", "fs.retrieve.end message:retrieve operation-cancelled",
				"fs.disconnect box:disconnect operation-succeeded"}},
		{"hangup during playback cancels", translate.Config{}, []*feed.Event{checkCall, loginOK, playStart, hangupAll},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-succeeded",
				"fs.retrieve.start message:retrieve operation-started", "fs.retrieve.end message:retrieve operation-cancelled",
				"fs.disconnect box:disconnect operation-succeeded"}},
		{"delete confirmed by count drop", translate.Config{}, []*feed.Event{checkCall, loginOK,
			vm("folder-summary", "u1", "VM-Total-New-Messages: 1", "VM-Total-Saved-Messages: 0"), playStart, playStop("done"), dtmf("7"), mwi("0/0")},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-succeeded", "fs.raw.folder-summary raw unknown",
				"fs.retrieve.start message:retrieve operation-started", "fs.retrieve.end message:retrieve operation-succeeded",
				"fs.tui-key.delete message:delete operation-started", "fs.tui-confirmed.delete message:delete operation-succeeded", "fs.raw.message-waiting raw unknown",
				"fs.disconnect box:disconnect operation-succeeded"}},
		{"delete not confirmed when count stays", translate.Config{}, []*feed.Event{checkCall, loginOK,
			vm("folder-summary", "u1", "VM-Total-New-Messages: 1", "VM-Total-Saved-Messages: 0"), playStart, playStop("done"), dtmf("7"), mwi("0/1")},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-succeeded", "fs.raw.folder-summary raw unknown",
				"fs.retrieve.start message:retrieve operation-started", "fs.retrieve.end message:retrieve operation-succeeded",
				"fs.tui-key.delete message:delete operation-started", "fs.tui-confirmed.delete message:delete unknown", "fs.raw.message-waiting raw unknown",
				"fs.disconnect box:disconnect operation-succeeded"}},
		{"undelete withdraws the delete", translate.Config{}, []*feed.Event{checkCall, loginOK, playStart, playStop("done"), dtmf("7"), dtmf("8"), mwi("1/0")},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-succeeded",
				"fs.retrieve.start message:retrieve operation-started", "fs.retrieve.end message:retrieve operation-succeeded",
				"fs.tui-key.delete message:delete operation-started", "fs.tui-undelete.delete message:delete operation-cancelled",
				"fs.raw.message-waiting raw unknown", "fs.disconnect box:disconnect operation-succeeded"}},
		{"save unconfirmed at hangup", translate.Config{}, []*feed.Event{checkCall, loginOK, playStart, playStop("done"), dtmf("2"), hangupAll},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-succeeded",
				"fs.retrieve.start message:retrieve operation-started", "fs.retrieve.end message:retrieve operation-succeeded",
				"fs.tui-key.save message:save operation-started", "fs.tui-unconfirmed.save message:save unknown", "fs.disconnect box:disconnect operation-succeeded"}},
		{"configured key map", translate.Config{Keys: translate.KeyMap{Save: "9", Delete: "3"}}, []*feed.Event{checkCall, loginOK, playStart, playStop("done"), dtmf("7"), dtmf("3"), mwi("0/0")},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-succeeded",
				"fs.retrieve.start message:retrieve operation-started", "fs.retrieve.end message:retrieve operation-succeeded",
				"fs.tui-key.delete message:delete operation-started", "fs.tui-confirmed.delete message:delete operation-succeeded", "fs.raw.message-waiting raw unknown",
				"fs.disconnect box:disconnect operation-succeeded"}},
		{"changing delete to save cancels the delete", translate.Config{}, []*feed.Event{checkCall, loginOK, playStart, playStop("done"), dtmf("7"), dtmf("2"), mwi("0/1")},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-succeeded",
				"fs.retrieve.start message:retrieve operation-started", "fs.retrieve.end message:retrieve operation-succeeded",
				"fs.tui-key.delete message:delete operation-started", "fs.tui-changed.delete message:delete operation-cancelled",
				"fs.tui-key.save message:save operation-started", "fs.tui-confirmed.save message:save operation-succeeded",
				"fs.raw.message-waiting raw unknown", "fs.disconnect box:disconnect operation-succeeded"}},
		{"keys before any message are not save/delete", translate.Config{}, []*feed.Event{checkCall, dtmf("2"), dtmf("7"), loginOK, mwi("1/0")},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-succeeded",
				"fs.raw.message-waiting raw unknown", "fs.disconnect box:disconnect operation-succeeded"}},
		{"explicit exit is logout", translate.Config{}, []*feed.Event{checkCall, loginOK, fsEv("CHANNEL_EXECUTE_COMPLETE", "u1", "Application: voicemail"), hangupAll},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-succeeded", "fs.logout box:logout operation-succeeded"}},
		{"exit after hangup is disconnect", translate.Config{}, []*feed.Event{checkCall, loginOK, fsEv("CHANNEL_HANGUP", "u1"), fsEv("CHANNEL_EXECUTE_COMPLETE", "u1", "Application: voicemail"), hangupAll},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-succeeded", "fs.disconnect box:disconnect operation-succeeded"}},
		{"exit without login is disconnect", translate.Config{}, []*feed.Event{checkCall, vm("authentication", "u1", "VM-Auth-Result: fail"), fsEv("CHANNEL_EXECUTE_COMPLETE", "u1", "Application: voicemail")},
			[]string{"fs.connect box:connect operation-succeeded", "fs.login box:login operation-failed", "fs.disconnect box:disconnect operation-succeeded"}},
		{"login without a seen connect", translate.Config{}, []*feed.Event{loginOK, hangupAll},
			[]string{"fs.login box:login operation-succeeded", "fs.disconnect box:disconnect operation-succeeded"}},
		{"mwi for a box nobody is in", translate.Config{}, []*feed.Event{mwi("3/0")},
			[]string{"fs.raw.message-waiting raw unknown"}},
		{"unrelated events are dropped", translate.Config{}, []*feed.Event{fsEv("HEARTBEAT", ""), fsEv("CHANNEL_CREATE", "other"), dtmf("1"), fsEv("PLAYBACK_START", "other", "Playback-File-Path: "+msg)},
			nil},
		{"unknown vm action goes raw", translate.Config{}, []*feed.Event{vm("purge-everything", "")},
			[]string{"fs.raw.purge-everything raw unknown"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := translate.NewFreeSWITCH(c.cfg)
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

func find(t *testing.T, out []translate.Output, rule string) translate.Output {
	t.Helper()
	for _, o := range out {
		if o.Rule == rule {
			return o
		}
	}
	t.Fatalf("no %s output", rule)
	return translate.Output{}
}

func TestFreeSWITCHRecordDetails(t *testing.T) {
	tr := translate.NewFreeSWITCH(translate.Config{SystemID: "um-1", Directory: map[string]translate.Owner{"1000@example.net": {MSISDN: "+4917012345678", Email: "bob@example.net"}}})
	out := runFile(t, tr, feed.FreeSWITCH, "testdata/freeswitch/deposit-urgent.esl")
	dep := find(t, out, "fs.deposit")
	iri := dep.Record.MessagingIRI
	if string(iri.SystemIdentifier) != "um-1" || string(iri.BoxIdentifier) != "1000@example.net" {
		t.Errorf("system %q box %q", iri.SystemIdentifier, iri.BoxIdentifier)
	}
	if !hasPriority(out, etsi.PriorityHigh) {
		t.Errorf("urgent deposit lacks priority high: %+v", iri.Properties)
	}
	var orig, termSIP, termMSISDN bool
	for _, p := range iri.PartyInformation {
		switch {
		case p.Qualifier == etsi.PartyOriginating && p.Identity.E164 == "447700900123":
			orig = true
		case p.Qualifier == etsi.PartyTerminating && p.Identity.SIPURI == "sip:1000@example.net":
			termSIP = true
		case p.Qualifier == etsi.PartyTerminating && p.Identity.MSISDN == "4917012345678":
			termMSISDN = true
		}
	}
	if !orig || !termSIP || !termMSISDN {
		t.Errorf("parties %+v", iri.PartyInformation)
	}
	for _, id := range []record.Identity{{Kind: record.IdentityBoxID, Value: "1000@example.net"}, {Kind: record.IdentityE164, Value: "+447700900123"},
		{Kind: record.IdentitySIPURI, Value: "sip:1000@example.net"}, {Kind: record.IdentityE164, Value: "+4917012345678"}, {Kind: record.IdentityEmail, Value: "bob@example.net"}} {
		if !hasIdentity(dep.Record, id.Kind, id.Value) {
			t.Errorf("identity %v missing: %v", id, dep.Record.Identities)
		}
	}
	if dep.Content == nil || !strings.HasSuffix(dep.Content.Location, "msg_1a2b3c4d-0000-4000-8000-00000000aa01.wav") || dep.Record.EventKey == "" {
		t.Errorf("deposit content %+v key %q", dep.Content, dep.Record.EventKey)
	}
	gp := find(t, out, "fs.greeting-play")
	if gp.Content == nil || gp.Record.MessagingIRI.Properties[0].GreetingType == nil || *gp.Record.MessagingIRI.Properties[0].GreetingType != etsi.GreetingName {
		t.Errorf("recorded-name greeting-play: %+v", gp.Record.MessagingIRI.Properties)
	}
	if find(t, out, "fs.connect").Record.CloseEvent == nil {
		t.Errorf("connect has no idle close event")
	}
	n := find(t, out, "fs.email-notification")
	if !hasIdentity(n.Record, record.IdentityEmail, "bob.pager@example.net") || n.Record.CorrelationKey != dep.Record.CorrelationKey {
		t.Errorf("notification identities %v key %q", n.Record.Identities, n.Record.CorrelationKey)
	}

	// Retrieve start and end are one event: same EventKey, content on the start.
	out = runFile(t, translate.NewFreeSWITCH(translate.Config{}), feed.FreeSWITCH, "testdata/freeswitch/retrieve.esl")
	var starts, ends []translate.Output
	for _, o := range out {
		switch o.Rule {
		case "fs.retrieve.start":
			starts = append(starts, o)
		case "fs.retrieve.end":
			ends = append(ends, o)
		}
	}
	if len(starts) != 2 || len(ends) != 2 || starts[0].Record.EventKey != ends[0].Record.EventKey || starts[0].Record.EventKey == starts[1].Record.EventKey || starts[0].Content == nil || ends[0].Content != nil {
		t.Errorf("retrieve event keys/content wrong")
	}
	// The delete key press carries the CC (the file is purged before confirmation);
	// its confirmation shares the event key.
	key, conf := find(t, out, "fs.tui-key.delete"), find(t, out, "fs.tui-confirmed.delete")
	if key.Content == nil || conf.Content != nil || key.Record.EventKey != conf.Record.EventKey || key.Record.EventKey == starts[1].Record.EventKey {
		t.Errorf("delete: key content %v, confirmation content %v, keys %q/%q", key.Content, conf.Content, key.Record.EventKey, conf.Record.EventKey)
	}
}

func TestPincodeProperty(t *testing.T) {
	cases := []struct {
		pin  string
		want string
	}{{"4711", "4711"}, {"", ""}, {"_undef_", ""}, {strings.Repeat("9", 33), ""}, {strings.Repeat("9", 32), strings.Repeat("9", 32)}}
	for _, c := range cases {
		tr := translate.NewFreeSWITCH(translate.Config{})
		out := tr.Translate(nil, vm("change-password", "u1", "VM-User-Password: "+c.pin))
		if len(out) != 1 || out[0].Rule != "fs.pin-change" {
			t.Fatalf("%q: %d outputs", c.pin, len(out))
		}
		got := ""
		for _, p := range out[0].Record.MessagingIRI.Properties {
			got = string(p.Pincode)
		}
		if got != c.want {
			t.Errorf("PIN %q: pincode %q, want %q", c.pin, got, c.want)
		}
	}
}

func TestSessionBounds(t *testing.T) {
	tr := translate.NewFreeSWITCH(translate.Config{MaxSessions: 2, IdleTimeout: time.Minute})
	var out []translate.Output
	for _, u := range []string{"a", "b", "c"} {
		out = tr.Translate(out, fsEv("CHANNEL_EXECUTE", u, "Application: voicemail", "Application-Data: default example.net 1000"))
	}
	if tr.Sessions() != 2 {
		t.Errorf("%d sessions, bound is 2", tr.Sessions())
	}
	if o := out[len(out)-2]; o.Rule != "fs.disconnect" || o.Record.CorrelationKey != "a" {
		t.Errorf("evicted session not closed first: %s %s", o.Rule, o.Record.CorrelationKey)
	}
	if got := tr.Expire(nil, t0.Add(30*time.Second)); len(got) != 0 {
		t.Errorf("expired %d sessions before the idle timeout", len(got))
	}
	got := tr.Expire(nil, t0.Add(2*time.Minute))
	if len(got) != 2 || tr.Sessions() != 0 {
		t.Errorf("idle expiry closed %d, %d left", len(got), tr.Sessions())
	}
}

// TestAsteriskServersDoNotCollide: Uniqueids are unique per Asterisk only; two servers
// on one adapter keep separate sessions.
func TestAsteriskServersDoNotCollide(t *testing.T) {
	ami := func(src string, hs ...string) *feed.Event {
		e := &feed.Event{Dialect: feed.Asterisk, Source: src, Received: t0, Raw: []byte("Event: x\r\n\r\n")}
		for _, h := range hs {
			n, v, _ := strings.Cut(h, ": ")
			e.Headers = append(e.Headers, feed.Header{Name: n, Value: v})
		}
		return e
	}
	tr := translate.NewAsterisk(translate.Config{})
	var out []translate.Output
	out = tr.Translate(out, ami("ast-a", "Event: Newexten", "Uniqueid: 1.1", "CallerIDNum: +15550000001", "Application: VoiceMail", "AppData: 1000@default"))
	out = tr.Translate(out, ami("ast-b", "Event: Newexten", "Uniqueid: 1.1", "CallerIDNum: +15550000002", "Application: VoiceMailMain", "AppData: 2000@default"))
	out = tr.Translate(out, ami("ast-a", "Event: MessageWaiting", "Uniqueid: 1.1", "Mailbox: 1000@default", "New: 1"))
	out = tr.Translate(out, ami("ast-b", "Event: MessageWaiting", "Uniqueid: 1.1", "Mailbox: 2000@default", "New: 0"))
	var got []string
	for _, o := range out {
		got = append(got, o.Record.Source+" "+o.Rule)
	}
	want := "ast-a ami.connect,ast-b ami.connect,ast-a ami.deposit,ast-b ami.login.inferred,ast-b ami.logout"
	if strings.Join(got, ",") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	if tr.Sessions() != 2 {
		t.Errorf("%d sessions, want 2", tr.Sessions())
	}
}
