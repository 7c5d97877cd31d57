package adapter

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/session"
	"github.com/umli/umli/umsys/cuni"
	"github.com/umli/umli/umsys/feed"
)

// systems numbers peerSystem's key prefixes (tests here run sequentially).
var systems int

// lemfView is what the LEMF gets from instances sharing one real redis-server claim
// store: the records the numbering script numbered (not claimed by a peer first).
type lemfView struct {
	mu  sync.Mutex
	got []string
}

func (v *lemfView) records() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := slices.Clone(v.got)
	slices.Sort(out) // two instances: arrival order is not the question here
	return out
}

// storeSink numbers each record with session.Store.Step under its claim, as mediation does.
type storeSink struct {
	st   *session.Store
	view *lemfView
}

func (s *storeSink) Submit(ctx context.Context, r *record.Record) error {
	kind := session.IRI
	if r.MessagingCC != nil {
		kind = session.CC
	}
	ck := r.CorrelationKey
	if ck == "" {
		ck = "standalone"
	}
	n, err := s.st.Step(ctx, &session.Step{NE: r.Source, CorrelationKey: ck, Boundary: r.Boundary, Kind: kind,
		LIIDs: []string{"L1"}, ID: s.st.NewID(), Blob: []byte("r"), GenericCloseBlob: []byte("g"), Now: r.Time, Claim: r.Claim})
	if err != nil {
		return err
	}
	if n.Dup {
		return nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	s.view.mu.Lock()
	s.view.got = append(s.view.got, string(b))
	s.view.mu.Unlock()
	return nil
}

// peerSystem is n peer adapters on the redis-server at addr, under a key prefix of their
// own (one server serves many systems).
func peerSystem(t *testing.T, addr string, warmups ...time.Duration) ([]*Adapter, *lemfView) {
	t.Helper()
	systems++
	prefix := fmt.Sprintf("sys%d:", systems)
	view := &lemfView{}
	var ads []*Adapter
	for i, w := range warmups {
		rdb := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { _ = rdb.Close() })
		st, err := session.New(rdb, session.Config{Prefix: prefix, Instance: "peer-" + string(rune('a'+i)), IdleTimeout: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		a, err := New(Config{Peers: true, PeerWarmup: w}, &storeSink{st: st, view: view})
		if err != nil {
			t.Fatal(err)
		}
		ads = append(ads, a)
	}
	return ads, view
}

func handleAll(t *testing.T, a *Adapter, evs []*feed.Event) {
	t.Helper()
	for _, e := range evs {
		if err := a.Handle(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPeersLateJoinerSameOutput: a call begun before an instance joined, whose
// MessageWaiting and end events arrive after it joined. Both instances together deliver
// exactly what one instance alone delivers, whichever of them numbers each event first.
// The late joiner is still warming up (umsys.peerWarmup): events it cannot route to a call
// it saw open (MessageWaiting, vm::maintenance, VoicemailPasswordChange: no channel) are
// session-less to it and left to its peers only while warming up; a call's own records
// are left to the peers always (the call gate).
func TestPeersLateJoinerSameOutput(t *testing.T) {
	cases := []struct {
		d      feed.Dialect
		path   string
		warmup time.Duration
	}{
		{feed.FreeSWITCH, "../translate/testdata/freeswitch/retrieve.esl", time.Hour},
		{feed.FreeSWITCH, "../translate/testdata/freeswitch/deposit.esl", time.Hour},
		{feed.Asterisk, "../translate/testdata/asterisk/tui.ami", time.Hour},
		{feed.Asterisk, "../translate/testdata/asterisk/deposit.ami", time.Hour},
	}
	srv := testredis.Start(t)
	for _, c := range cases {
		evs := readTranscript(t, c.d, c.path)
		ref, refView := peerSystem(t, srv.Addr, -1)
		handleAll(t, ref[0], evs)
		want := refView.records()
		if len(want) == 0 {
			t.Fatalf("%s: single instance delivered nothing", c.path)
		}
		for join := 1; join < len(evs); join++ {
			for _, lateFirst := range []bool{true, false} {
				ads, view := peerSystem(t, srv.Addr, -1, c.warmup)
				warm, late := ads[0], ads[1]
				handleAll(t, warm, evs[:join])
				for _, e := range evs[join:] {
					order := []*Adapter{warm, late}
					if lateFirst {
						order = []*Adapter{late, warm}
					}
					for _, a := range order {
						if err := a.Handle(context.Background(), e); err != nil {
							t.Fatal(err)
						}
					}
				}
				if got := view.records(); !slices.Equal(got, want) {
					t.Errorf("%s joined at event %d (late first %v): LEMF got\n%s\nwant (one instance)\n%s",
						c.path, join, lateFirst, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
		}
	}
}

// TestPeersExpiryRacesLateEvent: a call idles out on one instance (its translator state
// expires) while the other gets the call's late end events first. Together they deliver
// what one instance alone delivers in one of the two orders: one ending, never two.
func TestPeersExpiryRacesLateEvent(t *testing.T) {
	cases := []struct {
		d    feed.Dialect
		path string
		cut  string // the late events start at the first event with this name
	}{
		{feed.FreeSWITCH, "../translate/testdata/freeswitch/retrieve.esl", "CHANNEL_EXECUTE_COMPLETE"},
		{feed.FreeSWITCH, "../translate/testdata/freeswitch/deposit.esl", "CHANNEL_HANGUP_COMPLETE"},
		{feed.Asterisk, "../translate/testdata/asterisk/tui.ami", "Hangup"},
	}
	srv := testredis.Start(t)
	for _, c := range cases {
		evs := readTranscript(t, c.d, c.path)
		cut := slices.IndexFunc(evs, func(e *feed.Event) bool {
			n, _ := e.Get("Event-Name")
			if m, ok := e.Get("Event"); ok {
				n = m
			}
			return n == c.cut
		})
		if cut <= 0 {
			t.Fatalf("%s: no %s", c.path, c.cut)
		}
		idleAt := evs[cut-1].Received.Add(31 * time.Minute) // past the default 30 min idle
		single := func(expireFirst bool) []string {
			ads, view := peerSystem(t, srv.Addr, -1)
			handleAll(t, ads[0], evs[:cut])
			if expireFirst {
				expireAt(ads[0], idleAt)
				handleAll(t, ads[0], evs[cut:])
			} else {
				handleAll(t, ads[0], evs[cut:])
				expireAt(ads[0], idleAt)
			}
			return view.records()
		}
		refs := [][]string{single(true), single(false)}
		for _, expirerFirst := range []bool{true, false} {
			ads, view := peerSystem(t, srv.Addr, -1, -1)
			a, b := ads[0], ads[1]
			handleAll(t, a, evs[:cut])
			handleAll(t, b, evs[:cut])
			if expirerFirst {
				expireAt(a, idleAt)
				handleAll(t, b, evs[cut:])
			} else {
				handleAll(t, b, evs[cut:])
				expireAt(a, idleAt)
			}
			handleAll(t, a, evs[cut:])
			expireAt(b, idleAt)
			got := view.records()
			if !slices.Equal(got, refs[0]) && !slices.Equal(got, refs[1]) {
				t.Errorf("%s (expirer first %v): LEMF got\n%s\nwant one instance's, expired first:\n%s\nor late events first:\n%s",
					c.path, expirerFirst, strings.Join(got, "\n"), strings.Join(refs[0], "\n"), strings.Join(refs[1], "\n"))
			}
		}
	}
}

// TestPeersWebhookAndCUNIOnce: two instances receiving the same webhook JSON notification
// (same "id"; the bodies may differ, for example in a delivery attempt counter) and the same
// CUNI notifications (one per subscription: the bodies differ in the subscription, mailbox
// and USN are the same) deliver each record once, as one instance does.
func TestPeersWebhookAndCUNIOnce(t *testing.T) {
	srv := testredis.Start(t)
	line := []byte(`{"time":1714558532,"category":"message","event":"deposit","status":"operation-succeeded","trigger":"user","box":"1000@example.net","originating":{"e164":"+15550001000"},"terminating":{"sip":"sip:1000@example.net"}}`)
	webhook := func(attempt string) *feed.Event {
		// As jsonfeed.Flatten gives it (jsonfeed imports this package, so not called here).
		hs := []feed.Header{{Name: "time", Value: "1714558532"}, {Name: "category", Value: "message"},
			{Name: "event", Value: "deposit"}, {Name: "status", Value: "operation-succeeded"}, {Name: "trigger", Value: "user"},
			{Name: "box", Value: "1000@example.net"}, {Name: "originating.e164", Value: "+15550001000"},
			{Name: "terminating.sip", Value: "sip:1000@example.net"}}
		hs = append(hs, feed.Header{Name: "id", Value: "evt-42"}, feed.Header{Name: "attempt", Value: attempt})
		return &feed.Event{Dialect: feed.JSON, Source: "hook-1", Headers: hs, Raw: append([]byte(`{"id":"evt-42","attempt":"`+attempt+`",`), line[1:]...)}
	}
	cuniXML, err := os.ReadFile("../translate/testdata/cuni/deposit-save-delete.xml")
	if err != nil {
		t.Fatal(err)
	}
	cuniFor := func(sub string) []*feed.Event {
		evs, err := cuni.Events(cuniXML, "cuc", time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			e.Raw = append(slices.Clone(e.Raw), sub...) // each subscription's own body
		}
		return evs
	}
	cases := []struct {
		name string
		a, b []*feed.Event
	}{
		{"webhook", []*feed.Event{webhook("1")}, []*feed.Event{webhook("2")}},
		{"cuni", cuniFor("sub-a"), cuniFor("sub-b")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ref, refView := peerSystem(t, srv.Addr, -1)
			handleAll(t, ref[0], c.a)
			want := refView.records()
			if len(want) == 0 {
				t.Fatal("one instance delivered nothing")
			}
			ads, view := peerSystem(t, srv.Addr, -1, -1)
			for i := range c.a {
				handleAll(t, ads[1], c.b[i:i+1])
				handleAll(t, ads[0], c.a[i:i+1])
			}
			got := view.records()
			if len(got) != len(want) {
				t.Fatalf("two instances delivered %d records, one instance %d", len(got), len(want))
			}
		})
	}
}
