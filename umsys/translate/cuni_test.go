package translate

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/umsys/cuni"
	"github.com/umli/umli/umsys/feed"
)

func cuniEvents(t *testing.T, path string) []*feed.Event {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := cuni.Events(data, "cuc", time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// TestCUNIRules: each eventType maps as RULES.md says and the two notifications of one
// soft delete (one USN) are one event.
func TestCUNIRules(t *testing.T) {
	tr := NewCUNI(Config{CUMIURL: "https://cuc.example.net/"})
	var outs []Output
	for _, e := range cuniEvents(t, "testdata/cuni/deposit-save-delete.xml") {
		outs = tr.Translate(outs, e)
	}
	want := []struct {
		rule   string
		event  etsi.MessagingEvent
		status etsi.MessagingStatus
	}{
		{"cuni.deposit", etsi.EventDeposit, etsi.StatusOperationSucceeded},
		{"cuni.save", etsi.EventSave, etsi.StatusOperationSucceeded},
		{"cuni.delete.soft", etsi.EventDelete, etsi.StatusOperationSucceeded},
		{"cuni.undelete", etsi.EventDelete, etsi.StatusOperationCancelled},
		{"cuni.raw", 0, etsi.StatusUnknown},
		{"cuni.delete.hard", etsi.EventDelete, etsi.StatusOperationSucceeded},
	}
	if len(outs) != len(want) {
		t.Fatalf("outputs = %d, want %d", len(outs), len(want))
	}
	for i, w := range want {
		o := outs[i]
		iri := o.Record.MessagingIRI
		if o.Rule != w.rule || iri.Status != w.status {
			t.Errorf("%d: rule %s status %v, want %s %v", i, o.Rule, iri.Status, w.rule, w.status)
		}
		if w.event != 0 && (iri.Category == nil || iri.Category.Message == nil || *iri.Category.Message != w.event) {
			t.Errorf("%d: category %+v, want message %v", i, iri.Category, w.event)
		}
		if string(iri.BoxIdentifier) != "abell" {
			t.Errorf("%d: box %q", i, iri.BoxIdentifier)
		}
	}
	dep := outs[0]
	if dep.Content == nil || dep.Content.Location != "https://cuc.example.net/vmrest/messages/72204bd7-e5c3-446e-adb6-ae5f80db26fb/attachments/0" {
		t.Errorf("deposit content = %+v", dep.Content)
	}
	p := dep.Record.MessagingIRI.PartyInformation
	if len(p) == 0 || p[0].Qualifier != etsi.PartyOriginating || p[0].Identity.E164 != "14085551234" {
		t.Errorf("deposit parties = %+v, want callerAni as originating e164", p)
	}
	var prio *etsi.MessagingPriority
	for _, pr := range dep.Record.MessagingIRI.Properties {
		if pr.Priority != nil {
			prio = pr.Priority
		}
	}
	if prio == nil || *prio != etsi.PriorityHigh {
		t.Errorf("deposit priority = %v, want high", prio)
	}
	raw := outs[4].Record.MessagingIRI.OriginalMessage
	if !strings.Contains(string(raw), `eventType="UNREAD_MESSAGE"`) {
		t.Errorf("raw passthrough original-message = %q", raw)
	}
}

// TestCUNIDedupeBounded: the USN memory forgets the oldest pair beyond its bound.
func TestCUNIDedupeBounded(t *testing.T) {
	tr := NewCUNI(Config{CUNIDedupe: 2})
	ev := func(usn string) *feed.Event {
		return &feed.Event{Dialect: feed.CUNI, Headers: []feed.Header{{Name: "mailboxId", Value: "abell"}, {Name: "eventType", Value: "SAVED_MESSAGE"}, {Name: "USN", Value: usn}}}
	}
	var outs []Output
	for _, usn := range []string{"1", "1", "2", "3", "1"} {
		outs = tr.Translate(outs, ev(usn))
	}
	// 1, 2, 3 and 1 again once 3 pushed it out.
	if len(outs) != 4 {
		t.Fatalf("outputs = %d, want 4", len(outs))
	}
	if len(tr.seen) != 2 || len(tr.ring) != 2 {
		t.Errorf("memory = %d/%d pairs, want 2", len(tr.seen), len(tr.ring))
	}
	// No mailbox: nobody to match, dropped unread.
	if got := tr.Translate(nil, &feed.Event{Dialect: feed.CUNI, Headers: []feed.Header{{Name: "eventType", Value: "NEW_MESSAGE"}}}); len(got) != 0 {
		t.Errorf("event without mailbox gave %d outputs", len(got))
	}
}
