package adapter_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/content"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

// table5Source is the one network element of the Table 5 run: CINs are unique per
// element, so every dialect's calls are told apart at the LEMF by CIN alone.
const table5Source = "um-1"

// table5Row is one row of TS 102 232-2 Table 5 ("Unified Messaging events that shall
// trigger CC delivery") as one platform can or cannot deliver it.
type table5Row struct {
	category string // LEMF "alternative:value" of the row's event
	platform string // freeswitch, asterisk, json
	// cc: the row's IRI (every one of them, for that platform) has CC with its
	// event-identifier. When false, why says what the platform does not expose.
	cc  bool
	why string
}

// table5Rows: every row of Table 5, per platform that signals the event at all
// (vendor-feeds.md §5.7 lists what FreeSWITCH and Asterisk never signal; those rows are
// delivered through the canonical JSON feed only).
var table5Rows = []table5Row{
	{"message:deposit", "freeswitch", true, ""},
	{"message:deposit", "asterisk", true, ""},
	{"message:deposit", "json", true, ""},
	{"message:retrieve", "freeswitch", true, ""},
	{"message:retrieve", "asterisk", true, ""},
	{"message:retrieve", "json", true, ""},
	{"message:delete", "freeswitch", true, ""},
	{"message:delete", "asterisk", true, ""},
	{"message:delete", "json", true, ""},
	{"message:save", "freeswitch", true, ""},
	{"message:save", "asterisk", true, ""},
	{"message:save", "json", true, ""},
	{"message-box:greeting-record", "freeswitch", true, ""},
	{"message-box:greeting-record", "json", true, ""},
	{"message-box:greeting-change", "freeswitch", true, ""},
	{"message-box:greeting-change", "json", true, ""},
	{"message-box:greeting-delete", "freeswitch", true, ""},
	{"message-box:greeting-delete", "json", true, ""},
	{"message-box:greeting-enable", "json", true, ""},
	{"message-box:greeting-disable", "json", true, ""},
	{"message-box:greeting-play", "freeswitch", true, ""},
	{"message-box:greeting-play", "json", true, ""},
	{"message-notification:sms", "json", true, ""},
	{"message-notification:sms-deposit", "json", true, ""},
	{"message-notification:sms-slamdown", "json", true, ""},
	{"message-notification:sms-pin-reminder", "json", true, ""},
	{"message-notification:email", "freeswitch", false,
		"mod_voicemail fires the notification before switch_simple_email composes the mail in a temp file it deletes; no event or file exposes the mail"},
	{"message-notification:email", "asterisk", false,
		"app_voicemail signals no notification; app_minivm's MiniVoiceMail names no mail (it pipes it to mailcmd from a temp file it deletes)"},
	{"message-notification:email", "json", true, ""},
	{"message-notification:fax-to-email", "json", true, ""},
}

// table5FS are the simulator's FreeSWITCH calls the rows need, in order: the greeting
// change before the greeting removal, so the removed greeting is known.
var table5FS = []string{"deposit", "retrieve-delete", "greeting-change", "greeting-remove", "notify"}

// table5JSON is one canonical event per row (Table 5 event, its content); each is its
// own session (connect … event … disconnect) so its CIN shows it alone.
func table5JSON(dir string) []string {
	type ev struct{ category, event, content string }
	evs := []ev{
		{"message", "deposit", `{"path":"` + dir + `/json/msg-1.wav"}`},
		{"message", "retrieve", `{"path":"` + dir + `/json/msg-1.wav"}`},
		{"message", "delete", `{"path":"` + dir + `/json/msg-1.wav"}`},
		{"message", "save", `{"path":"` + dir + `/json/msg-1.wav"}`},
		{"message-box", "greeting-record", `{"path":"` + dir + `/json/greeting.wav"}`},
		{"message-box", "greeting-change", `{"path":"` + dir + `/json/greeting.wav"}`},
		{"message-box", "greeting-delete", `{"path":"` + dir + `/json/greeting.wav"}`},
		{"message-box", "greeting-enable", `{"path":"` + dir + `/json/greeting.wav"}`},
		{"message-box", "greeting-disable", `{"path":"` + dir + `/json/greeting.wav"}`},
		{"message-box", "greeting-play", `{"path":"` + dir + `/json/greeting.wav"}`},
		{"notification", "sms", `{"text":"Call me back"}`},
		{"notification", "sms-deposit", `{"text":"You have 1 new message"}`},
		{"notification", "sms-slamdown", `{"text":"+493012345678 called, no message"}`},
		{"notification", "sms-pin-reminder", `{"text":"Your PIN is 4711"}`},
		{"notification", "email", `{"base64":"RnJvbTogdm1AdW0uZXhhbXBsZS5uZXQNClN1YmplY3Q6IE5ldyBtZXNzYWdlDQoNCmhpDQo=","type":"message/rfc822"}`},
		{"notification", "fax-to-email", `{"base64":"RnJvbTogZmF4QHVtLmV4YW1wbGUubmV0DQoNCmZheA0K","type":"message/rfc822"}`},
	}
	var out []string
	for i, e := range evs {
		s := fmt.Sprintf("json-t5-%d", i)
		head := `{"session":"` + s + `","box":"1000@um.example.net","trigger":"user","originating":{"e164":"+493012345678"},`
		out = append(out,
			head+`"event":"connect","status":"operation-succeeded"}`,
			head+`"category":"`+e.category+`","event":"`+e.event+`","status":"operation-succeeded","content":`+e.content+`}`,
			head+`"event":"disconnect","status":"operation-succeeded"}`)
	}
	return out
}

// TestTable5CC drives every Table 5 event each platform can signal — the simulator's
// FreeSWITCH and Asterisk calls and canonical JSON events — through the adapter, real
// mediation on a real redis-server and handover to the LEMF, then checks per row that
// the row's IRIs carry CC exactly when the platform exposes it, complete, whose
// event-identifier equals the IRI's (TS 102 232-2 clause 8.1).
func TestTable5CC(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	sys := startE2E(t)
	dir := t.TempDir()
	for _, f := range []string{"json/msg-1.wav", "json/greeting.wav"} {
		if err := umsim.WriteAudio(umsim.AudioFile{Path: dir + "/" + f, Seconds: 1, ToneHz: 500}); err != nil {
			t.Fatal(err)
		}
	}
	fetch, err := content.New(content.Config{Roots: []content.Root{{Prefix: dir}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fetch.Close() })
	ad, err := adapter.New(adapter.Config{Content: fetch, Logger: sys.log, Translate: translate.Config{AsteriskSpool: dir + "/asterisk/voicemail"}}, sys.med)
	if err != nil {
		t.Fatal(err)
	}
	script, err := umsim.LoadScript()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(sys.ctx, 60*time.Second)
	defer cancel()
	handle := func(e *feed.Event) {
		t.Helper()
		if err := ad.Handle(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// One platform at a time, each until its calls ended at the LEMF, so every CIN is
	// known to be of the platform that played it.
	platformOf := map[uint32]string{}
	phase := func(platform string, calls int, play func()) {
		t.Helper()
		play()
		waitCalls(ctx, t, sys.lm, len(platformOf)+calls)
		for _, l := range sys.lm.Summary().LIIDs {
			for _, c := range l.CINs {
				if _, ok := platformOf[*c.CIN]; !ok {
					platformOf[*c.CIN] = platform
				}
			}
		}
	}
	phase("freeswitch", len(table5FS), func() {
		for _, name := range table5FS {
			evs, files, err := script.RenderFS(name, dir)
			if err != nil {
				t.Fatal(err)
			}
			writeAudio(t, files)
			for _, e := range evs {
				handle(&feed.Event{Dialect: feed.FreeSWITCH, Source: table5Source, Received: time.Now(), Headers: e.Headers, Raw: e.Frame})
			}
		}
	})
	// The deposit, then VoiceMailMain: the logout call leaves New 1 Old 1, which the
	// retrieve-save-delete call's keys act on.
	table5AMI := []string{"deposit", "logout", "retrieve-save-delete"}
	phase("asterisk", len(table5AMI)+1, func() {
		for _, name := range table5AMI {
			evs, files, err := script.RenderAMIIn(name, dir+"/asterisk")
			if err != nil {
				t.Fatal(err)
			}
			writeAudio(t, files)
			for _, e := range evs {
				handle(&feed.Event{Dialect: feed.Asterisk, Source: table5Source, Received: time.Now(), Headers: e.Headers, Raw: e.Block})
			}
		}
		// app_minivm's notification report (vendor-feeds.md §2.2), an iRI-Report.
		mvm := "Event: MiniVoiceMail\r\nPrivilege: call,all\r\nMailbox: 1000@um.example.net\r\nAction: SentNotification\r\nCounter: 1\r\nUniqueid: 1795942800.99\r\n\r\n"
		var hs []feed.Header
		for _, l := range strings.Split(strings.TrimSpace(mvm), "\r\n") {
			n, v, _ := strings.Cut(l, ": ")
			hs = append(hs, feed.Header{Name: n, Value: v})
		}
		handle(&feed.Event{Dialect: feed.Asterisk, Source: table5Source, Received: time.Now(), Headers: hs, Raw: []byte(mvm)})
	})
	js := table5JSON(dir)
	phase("json", len(js)/3, func() {
		for _, j := range js {
			handle(&feed.Event{Dialect: feed.JSON, Source: table5Source, Received: time.Now(), Raw: []byte(j)})
		}
	})
	var cins []lemf.CINSummary
	for _, l := range sys.lm.Summary().LIIDs {
		cins = append(cins, l.CINs...)
	}
	for _, row := range table5Rows {
		t.Run(row.platform+"/"+row.category, func(t *testing.T) {
			found := 0
			for _, c := range cins {
				if platformOf[*c.CIN] != row.platform {
					continue
				}
				for _, e := range c.Events {
					if e.Category != row.category {
						continue
					}
					found++
					var cc []lemf.ContentSummary
					if e.EventIdentifier != nil {
						for _, s := range c.Content {
							if s.EventIdentifier != nil && *s.EventIdentifier == *e.EventIdentifier {
								cc = append(cc, s)
							}
						}
					}
					switch {
					case row.cc:
						// Every IRI of the event names the CC: a retrieve's or a key
						// press's outcome repeats the started IRI's event-identifier.
						if e.EventIdentifier == nil || len(cc) == 0 {
							t.Errorf("CIN %d %s %s: no CC with its event-identifier", *c.CIN, e.Category, e.Status)
						}
						for _, s := range cc {
							if !s.Complete || s.Payload != "MessagingCC" || s.ContentType == "" {
								t.Errorf("CIN %d %s: content %+v", *c.CIN, e.Category, s)
							}
							// Clause 8.1: an SMS's content is text/plain (optional charset).
							if strings.HasPrefix(e.Category, "message-notification:sms") && !strings.HasPrefix(s.ContentType, "text/plain") {
								t.Errorf("CIN %d %s: content-type %q, want text/plain", *c.CIN, e.Category, s.ContentType)
							}
						}
					case !row.cc:
						if len(cc) != 0 {
							t.Errorf("CIN %d %s: CC %+v, but %s", *c.CIN, e.Category, cc, row.why)
						}
					}
				}
			}
			if found == 0 {
				t.Fatalf("no %s IRI from %s at the LEMF", row.category, row.platform)
			}
		})
	}
}

// waitCalls waits until calls CINs ended (iRI-End, or a lone iRI-Report) at the LEMF with their content complete and
// nothing new arrived for a while (HI3 is a stream of its own: CC may trail the iRI-End).
func waitCalls(ctx context.Context, t *testing.T, lm *lemf.LEMF, calls int) {
	t.Helper()
	last, stable := -1, 0
	for {
		ended, streams := 0, 0
		for _, l := range lm.Summary().LIIDs {
			for _, c := range l.CINs {
				streams += len(c.Content)
				if n := len(c.Events); n > 0 && (c.Events[n-1].IRIType == "iRI-End" || c.Events[n-1].IRIType == "iRI-Report") && allComplete(c) {
					ended++
				}
			}
		}
		if ended >= calls && streams == last {
			if stable++; stable >= 10 {
				return
			}
		} else {
			stable = 0
		}
		last = streams
		select {
		case <-ctx.Done():
			t.Fatalf("%d of %d calls ended at the LEMF: %+v", ended, calls, lm.Summary())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// writeAudio writes the audio files a rendered scenario refers to.
func writeAudio(t *testing.T, files []umsim.AudioFile) {
	t.Helper()
	for _, f := range files {
		if err := umsim.WriteAudio(f); err != nil {
			t.Fatal(err)
		}
	}
}
