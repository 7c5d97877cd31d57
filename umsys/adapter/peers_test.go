package adapter

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate/transcript"
)

// claimSink keeps what it is given.
type claimSink struct {
	mu   sync.Mutex
	recs []record.Record
}

func (s *claimSink) Submit(_ context.Context, r *record.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs = append(s.recs, *r)
	return nil
}

func (s *claimSink) claims() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.recs))
	for i, r := range s.recs {
		out[i] = r.Claim
	}
	return out
}

func readTranscript(t *testing.T, d feed.Dialect, path string) []*feed.Event {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := transcript.Read(d, b, "um-1", time.Unix(1700000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func newPeer(t *testing.T, warmup time.Duration) (*Adapter, *claimSink) {
	t.Helper()
	s := &claimSink{}
	a, err := New(Config{Peers: true, PeerWarmup: warmup}, s)
	if err != nil {
		t.Fatal(err)
	}
	return a, s
}

// TestPeersClaimAlike: two instances fed the same events give every record the same claim,
// and no two records of one run share a claim (each dialect's event identity).
func TestPeersClaimAlike(t *testing.T) {
	cases := []struct {
		d    feed.Dialect
		path string
	}{
		{feed.FreeSWITCH, "../translate/testdata/freeswitch/deposit.esl"},
		{feed.FreeSWITCH, "../translate/testdata/freeswitch/retrieve.esl"},
		{feed.Asterisk, "../translate/testdata/asterisk/deposit.ami"},
		{feed.Asterisk, "../translate/testdata/asterisk/tui.ami"},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			evs := readTranscript(t, c.d, c.path)
			a, sa := newPeer(t, -1)
			b, sb := newPeer(t, -1)
			ctx := context.Background()
			for _, e := range evs {
				if err := a.Handle(ctx, e); err != nil {
					t.Fatal(err)
				}
				if err := b.Handle(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			ca, cb := sa.claims(), sb.claims()
			if len(ca) == 0 || len(ca) != len(cb) {
				t.Fatalf("%d and %d records, want the same, more than 0", len(ca), len(cb))
			}
			seen := map[string]bool{}
			for i := range ca {
				if ca[i] == "" || ca[i] != cb[i] {
					t.Fatalf("record %d: claims %q and %q", i, ca[i], cb[i])
				}
				if seen[ca[i]] {
					t.Fatalf("claim %q given twice", ca[i])
				}
				seen[ca[i]] = true
			}
		})
	}
}

// TestPeersJSONIdentity: a JSON event's id names it, whatever else differs; without an id
// its bytes do.
func TestPeersJSONIdentity(t *testing.T) {
	ev := func(raw string, id string) *feed.Event {
		e := &feed.Event{Dialect: feed.JSON, Source: "j", Raw: []byte(raw)}
		if id != "" {
			e.Headers = []feed.Header{{Name: "id", Value: id}}
		}
		return e
	}
	if claimBase(ev(`{"a":1}`, "x1")) != claimBase(ev(`{"a":2}`, "x1")) {
		t.Error("same id, different claims")
	}
	if claimBase(ev(`{"a":1}`, "")) == claimBase(ev(`{"a":2}`, "")) {
		t.Error("different bytes, no id: same claim")
	}
	if claimBase(ev(`{"a":1}`, "")) != claimBase(ev(`{"a":1}`, "")) {
		t.Error("same bytes (a resend): different claims")
	}
}

// TestPeersWarmupSkipsPartialCalls: an instance that joins in the middle of a call emits
// nothing of it while warming up, while a warm peer delivers it whole; the late joiner's
// records are a subset of the peer's (same claims), so the peer's copy wins each claim.
func TestPeersWarmupSkipsPartialCalls(t *testing.T) {
	evs := readTranscript(t, feed.FreeSWITCH, "../translate/testdata/freeswitch/deposit.esl")
	warm, sw := newPeer(t, -1)
	late, sl := newPeer(t, time.Hour)
	ctx := context.Background()
	for i, e := range evs {
		if err := warm.Handle(ctx, e); err != nil {
			t.Fatal(err)
		}
		if i >= len(evs)/3 { // joined a third of the way in
			if err := late.Handle(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	all := map[string]bool{}
	for _, c := range sw.claims() {
		all[c] = true
	}
	for _, c := range sl.claims() {
		if !all[c] {
			t.Errorf("late joiner emitted %q, which the warm peer did not", c)
		}
	}
	if len(sl.claims()) >= len(sw.claims()) {
		t.Errorf("late joiner emitted %d records, the warm peer %d: it must leave the partial call", len(sl.claims()), len(sw.claims()))
	}
}

// TestPeersWarmupKeepsPointToPointFeeds: a JSON line reaches one instance only (the sender
// spreads lines over the peers and resends only what was not acknowledged), so a warming
// instance must deliver a session's close even though it never saw the session open:
// leaving it to a peer loses it. Seen as a lost iRI-End in TestPeersSIGKILLOneInstance.
func TestPeersWarmupKeepsPointToPointFeeds(t *testing.T) {
	evs := readTranscript(t, feed.JSON, "../translate/testdata/json/all-events.jsonl")
	cold, sc := newPeer(t, time.Hour)
	warm, sw := newPeer(t, -1)
	ctx := context.Background()
	for i, e := range evs {
		if err := warm.Handle(ctx, e); err != nil {
			t.Fatal(err)
		}
		if i >= len(evs)/2 { // the first half went to a peer
			if err := cold.Handle(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := map[string]bool{}
	for _, c := range sw.claims() {
		want[c] = true
	}
	got := sc.claims()
	n := 0
	for _, c := range got {
		if want[c] {
			n++
		}
	}
	// Everything the warming instance was handed comes out, with the claims the warm
	// peer gives the same events.
	if len(got) == 0 || n != len(got) {
		t.Fatalf("warming instance emitted %d records for the second half (%d with a peer's claim), want all of its events", len(got), n)
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	closes := 0
	for _, r := range sc.recs {
		if r.Boundary == record.Close {
			closes++
		}
	}
	if closes == 0 {
		t.Error("no session close from the warming instance: a JSON session's end was left to peers that never see it")
	}
}
