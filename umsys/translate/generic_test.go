package translate_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/canonical"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

func loadProfile(t testing.TB, name string) *canonical.Profile {
	t.Helper()
	p, err := canonical.LoadProfile(filepath.Join("..", "canonical", "testdata", "profiles", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGenericAllEvents(t *testing.T) {
	tr := translate.NewGeneric(translate.Config{SystemID: "um-json"}, nil)
	out := runFile(t, tr, feed.JSON, "testdata/json/all-events.jsonl")
	lines := bytes.Count(mustRead(t, "testdata/json/all-events.jsonl"), []byte{'\n'})
	if len(out) != lines {
		t.Fatalf("%d outputs for %d events", len(out), lines)
	}
	first, last := out[0].Record, out[len(out)-1].Record
	if first.Boundary != record.Open || first.CloseEvent == nil {
		t.Errorf("connect: boundary %v close event %v, want open with a close event", first.Boundary, first.CloseEvent)
	}
	if last.MessagingIRI.Category != nil || last.MessagingIRI.Status != etsi.StatusUnknown || len(last.MessagingIRI.OriginalMessage) == 0 {
		t.Errorf("unknown vendor event: %s, original-message %d bytes; want raw with the event bytes", summary(out[len(out)-1]), len(last.MessagingIRI.OriginalMessage))
	}
	for _, o := range out {
		iri := o.Record.MessagingIRI
		if string(iri.SystemIdentifier) != "um-json" {
			t.Errorf("%s: system-identifier %q", summary(o), iri.SystemIdentifier)
		}
		if !hasIdentity(o.Record, record.IdentityBoxID, "1000@example.net") {
			t.Errorf("%s: box identity missing: %v", summary(o), o.Record.Identities)
		}
		c := iri.Category
		needsCC := c != nil && ((c.Message != nil && *c.Message <= etsi.EventSave) ||
			(c.MessageBox != nil && *c.MessageBox >= etsi.BoxGreetingRecord && *c.MessageBox <= etsi.BoxGreetingDisable) ||
			(c.MessageBox != nil && *c.MessageBox == etsi.BoxGreetingPlay) ||
			(c.Notification != nil && *c.Notification <= etsi.NotificationFaxToEmail))
		if needsCC && (o.Content == nil || o.Record.EventKey == "") {
			t.Errorf("%s: Table 5 event without content or event key", summary(o))
		}
	}
}

func hasIdentity(r record.Record, k record.IdentityKind, v string) bool {
	for _, id := range r.Identities {
		if id.Kind == k && id.Value == v {
			return true
		}
	}
	return false
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGenericProfiles(t *testing.T) {
	cases := []struct {
		profile, file string
		want          []string
	}{
		{"cisco-cumi", "cisco-cumi", []string{
			"json.cisco-cumi message:deposit operation-succeeded user standalone",
			"json.cisco-cumi message:retrieve operation-succeeded unknown standalone",
			"json.cisco-cumi message:delete operation-succeeded unknown standalone",
			"json.cisco-cumi.raw raw unknown unknown standalone",
		}},
		{"omtp-vvm", "omtp-vvm", []string{
			"json.omtp-vvm notification:sms-deposit operation-started system standalone",
			"json.omtp-vvm notification:sms-slamdown operation-started system standalone",
			"json.omtp-vvm notification:sms operation-started system standalone",
			"json.omtp-vvm.raw raw unknown unknown standalone",
		}},
	}
	for _, c := range cases {
		t.Run(c.profile, func(t *testing.T) {
			tr := translate.NewGeneric(translate.Config{}, loadProfile(t, c.profile))
			out := runFile(t, tr, feed.JSON, "testdata/json/"+c.file+".jsonl")
			assertSummaries(t, out, c.want)
		})
	}
}

func TestGenericCiscoDetails(t *testing.T) {
	tr := translate.NewGeneric(translate.Config{}, loadProfile(t, "cisco-cumi"))
	out := runFile(t, tr, feed.JSON, "testdata/json/cisco-cumi.jsonl")
	iri := out[0].Record.MessagingIRI
	if string(iri.BoxIdentifier) != "abell" {
		t.Errorf("box-identifier %q", iri.BoxIdentifier)
	}
	if got := out[0].Record.Time.Format("2006-01-02 15:04:05"); got != "2008-10-30 23:15:40" {
		t.Errorf("time %s", got)
	}
	var prio *etsi.MessagingPriority
	var msgID string
	for _, p := range iri.Properties {
		if p.Priority != nil {
			prio = p.Priority
		}
		if p.MessageIdentifier != nil {
			msgID = string(p.MessageIdentifier)
		}
	}
	if prio == nil || *prio != etsi.PriorityHigh || msgID != "72204bd7-e5c3-446e-adb6-ae5f80db26fb" {
		t.Errorf("properties %+v", iri.Properties)
	}
	if !hasIdentity(out[0].Record, record.IdentityE164, "+14085551234") {
		t.Errorf("caller ANI identity missing: %v", out[0].Record.Identities)
	}
	// "null" caller ANI on the later events is not an identity.
	for _, id := range out[1].Record.Identities {
		if id.Kind == record.IdentityE164 {
			t.Errorf("SAVED_MESSAGE has E.164 identity %q from a null ANI", id.Value)
		}
	}
}

func TestGenericOMTPContent(t *testing.T) {
	tr := translate.NewGeneric(translate.Config{}, loadProfile(t, "omtp-vvm"))
	out := runFile(t, tr, feed.JSON, "testdata/json/omtp-vvm.jsonl")
	c := out[0].Content
	if c == nil || c.ContentType != "text/plain;charset=utf-8" || !bytes.HasPrefix(c.Inline, []byte("//VVM:SYNC:ev=NM;id=143")) {
		t.Fatalf("SMS content %+v", c)
	}
	if !hasIdentity(out[0].Record, record.IdentityE164, "+4917012345678") {
		t.Errorf("subscriber MSISDN identity missing: %v", out[0].Record.Identities)
	}
	var msisdn bool
	for _, p := range out[0].Record.MessagingIRI.PartyInformation {
		if p.Qualifier == etsi.PartyTerminating && p.Identity.MSISDN == "4917012345678" {
			msisdn = true
		}
	}
	if !msisdn {
		t.Errorf("terminating msisdn party missing: %+v", out[0].Record.MessagingIRI.PartyInformation)
	}
}

func TestGenericRejects(t *testing.T) {
	cases := []struct{ name, event, want string }{
		{"not json", `{"event":`, "json"},
		{"bad status", `{"event":"deposit","status":"great","box":"1"}`, `field "status"`},
		{"bad time", `{"event":"deposit","time":"yesterday","box":"1"}`, `field "time"`},
		{"bad party kind", `{"event":"deposit","originating.fax":"1","box":"1"}`, `originating.fax`},
		{"long pincode", `{"event":"pin-change","property":{"pincode":"123456789012345678901234567890123"},"box":"1"}`, "pincode"},
		{"bad category", `{"category":"mail","event":"deposit","box":"1"}`, `field "category"`},
		{"content url scheme", `{"event":"deposit","content":{"url":"file:///etc/passwd"},"box":"1"}`, "content.url"},
		{"long source", `{"event":"deposit","source":"a-very-long-network-element","box":"1"}`, `field "source"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := translate.NewGeneric(translate.Config{}, nil)
			out := tr.Translate(nil, &feed.Event{Dialect: feed.JSON, Raw: []byte(c.event)})
			if len(out) != 1 || out[0].Err == nil || out[0].Record.MessagingIRI != nil {
				t.Fatalf("outputs %+v, want one error", out)
			}
			if !bytes.Contains([]byte(out[0].Err.Error()), []byte(c.want)) {
				t.Errorf("error %q does not name %q", out[0].Err, c.want)
			}
		})
	}
}

func TestGenericDropsEventsAboutNobody(t *testing.T) {
	tr := translate.NewGeneric(translate.Config{}, nil)
	out := tr.Translate(nil, &feed.Event{Dialect: feed.JSON, Raw: []byte(`{"event":"heartbeat","uptime":"3600"}`)})
	if len(out) != 0 {
		t.Errorf("event without identities produced %v", summaries(out))
	}
}

// TestGenericWithTransportHeaders: the JSON transports' headers (jsonfeed, flattened
// once by the canonical rule, arrays by index) give the translator the array fields.
func TestGenericWithTransportHeaders(t *testing.T) {
	raw := mustRead(t, "testdata/json/cisco-cumi.jsonl")
	line := raw[:bytes.IndexByte(raw, '\n')]
	hs, err := canonical.Flatten(line)
	if err != nil {
		t.Fatal(err)
	}
	tr := translate.NewGeneric(translate.Config{}, loadProfile(t, "cisco-cumi"))
	out := tr.Translate(nil, &feed.Event{Dialect: feed.JSON, Headers: hs, Raw: line})
	if len(out) != 1 || out[0].Err != nil {
		t.Fatalf("%+v", out)
	}
	if !hasIdentity(out[0].Record, record.IdentityE164, "+14085551234") || !hasPriority(out, etsi.PriorityHigh) {
		t.Errorf("array fields lost: identities %v properties %+v", out[0].Record.Identities, out[0].Record.MessagingIRI.Properties)
	}
}
