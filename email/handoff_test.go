package email

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// flakySink fails the first fails submissions, then keeps records in order.
type flakySink struct {
	mu    sync.Mutex
	fails int
	got   []*record.Record
	done  chan struct{}
	want  int
}

func (s *flakySink) Submit(_ context.Context, r *record.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fails > 0 {
		s.fails--
		return errors.New("mediation busy")
	}
	s.got = append(s.got, r)
	if len(s.got) == s.want {
		close(s.done)
	}
	return nil
}

func ccRecord(key string, n int) *record.Record {
	return &record.Record{EventKey: key, EmailCC: &etsi.EmailCC{Content: make([]byte, n)}}
}

func TestHandoffRetriesInOrder(t *testing.T) {
	sink := &flakySink{fails: 2, want: 3, done: make(chan struct{})}
	reg := prometheus.NewRegistry()
	h := NewHandoff(sink, HandoffConfig{Registerer: reg})
	for _, k := range []string{"a", "b", "c"} {
		h.Emit(ccRecord(k, 10))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- h.Run(ctx) }()
	select {
	case <-sink.done:
	case <-time.After(20 * time.Second):
		t.Fatal("records not submitted")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
	for i, k := range []string{"a", "b", "c"} {
		if sink.got[i].EventKey != k {
			t.Fatalf("record %d is %q, want %q", i, sink.got[i].EventKey, k)
		}
	}
	if st := h.Stats(); st.Submitted != 3 || st.Dropped != 0 || st.Queued != 3 {
		t.Fatalf("stats %+v", st)
	}
	if n := testmail.Counter(t, reg, "umli_email_records_submitted_total", "reason", ""); n != 3 {
		t.Fatalf("submitted metric %v", n)
	}
}

// TestHandoffNoWaitDropsWhenFull: the passive taps' Emit drops at once when full.
func TestHandoffNoWaitDropsWhenFull(t *testing.T) {
	tests := []struct {
		name   string
		cfg    HandoffConfig
		emit   []int // CC sizes
		queued uint64
		reason string
	}{
		{"record limit", HandoffConfig{MaxRecords: 2}, []int{1, 1, 1, 1}, 2, "queue-full"},
		{"byte limit", HandoffConfig{MaxBytes: 100}, []int{60, 60, 40}, 2, "bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			tc.cfg.Registerer = reg
			h := NewHandoff(&flakySink{done: make(chan struct{})}, tc.cfg)
			for i, n := range tc.emit {
				h.EmitNoWait(ccRecord(string(rune('a'+i)), n))
			}
			st := h.Stats()
			if st.Queued != tc.queued || st.Dropped != uint64(len(tc.emit))-tc.queued {
				t.Fatalf("stats %+v", st)
			}
			if n := testmail.Counter(t, reg, "umli_email_records_dropped_total", "reason", tc.reason); n != float64(st.Dropped) {
				t.Fatalf("dropped{%s} = %v", tc.reason, n)
			}
		})
	}
}

// blockingSink takes nothing until its context ends, like mediation with a full queue.
type blockingSink struct{ calls chan struct{} }

func (b blockingSink) Submit(ctx context.Context, _ *record.Record) error {
	b.calls <- struct{}{}
	<-ctx.Done()
	return ctx.Err()
}

// TestHandoffGivesUpOnBlockedSink: a sink that blocks is abandoned after the timeout
// and retries, so the queue keeps moving and counts the drops.
func TestHandoffGivesUpOnBlockedSink(t *testing.T) {
	sink := blockingSink{calls: make(chan struct{}, 16)}
	h := NewHandoff(sink, HandoffConfig{Retries: 1, SubmitTimeout: time.Millisecond})
	h.Emit(ccRecord("a", 1))
	h.Emit(ccRecord("b", 1))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = h.Run(ctx); close(done) }()
	for range 4 { // two records, each tried twice
		select {
		case <-sink.calls:
		case <-time.After(20 * time.Second):
			t.Fatal("submit not retried")
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for h.Stats().Dropped < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if st := h.Stats(); st.Dropped != 2 || st.Submitted != 0 || st.Pending != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// orderSink takes records one by one with a pause, like a mediation working through a
// backlog, and keeps their event keys in order.
type orderSink struct {
	mu  sync.Mutex
	got []string
}

func (s *orderSink) Submit(_ context.Context, r *record.Record) error {
	time.Sleep(200 * time.Microsecond)
	s.mu.Lock()
	s.got = append(s.got, r.EventKey)
	s.mu.Unlock()
	return nil
}

// TestHandoffBackpressure: with the queue (2 records) and the byte budget (100 bytes)
// far smaller than what a session emits, Emit waits for room instead of dropping:
// every record arrives, in order, and the waits are counted.
func TestHandoffBackpressure(t *testing.T) {
	tests := []struct {
		name string
		cfg  HandoffConfig
		size int
	}{
		{"record limit", HandoffConfig{MaxRecords: 2}, 1},
		{"byte limit", HandoffConfig{MaxBytes: 100}, 60},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sink := &orderSink{}
			reg := prometheus.NewRegistry()
			tc.cfg.Registerer = reg
			h := NewHandoff(sink, tc.cfg)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() { _ = h.Run(ctx) }()
			const n = 300
			for i := range n {
				r := ccRecord(fmt.Sprint(i), tc.size)
				r.CorrelationKey = "s1"
				h.Emit(r)
			}
			deadline := time.Now().Add(20 * time.Second)
			for h.Stats().Submitted < n && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			st := h.Stats()
			if st.Submitted != n || st.Dropped != 0 || h.Lost("s1") != 0 {
				t.Fatalf("stats %+v, lost %d", st, h.Lost("s1"))
			}
			if st.Waited == 0 || testmail.Counter(t, reg, "umli_email_records_waited_total", "reason", "") != float64(st.Waited) {
				t.Fatalf("waits not counted: %+v", st)
			}
			sink.mu.Lock()
			defer sink.mu.Unlock()
			for i, k := range sink.got {
				if k != fmt.Sprint(i) {
					t.Fatalf("record %d is %q", i, k)
				}
			}
		})
	}
}

// TestHandoffStalledSinkDropsVisibly: a sink that takes nothing makes Emit wait only
// the configured limit, then drop; later records are dropped without waiting (the mail
// service goes on), and every drop is counted per session and logged without identities.
func TestHandoffStalledSinkDropsVisibly(t *testing.T) {
	sink := blockingSink{calls: make(chan struct{}, 16)}
	var logs strings.Builder
	h := NewHandoff(sink, HandoffConfig{MaxRecords: 1, SubmitTimeout: time.Hour, Wait: 50 * time.Millisecond,
		Logger: zerolog.New(&syncWriter{w: &logs})})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = h.Run(ctx); close(done) }()
	rec := func(k string) *record.Record {
		r := ccRecord(k, 1)
		r.CorrelationKey = "sess-target"
		r.Identities = []record.Identity{{Kind: record.IdentityEmail, Value: "alice@example.org"}}
		return r
	}
	h.Emit(rec("a"))
	<-sink.calls     // Run holds "a" in Submit
	h.Emit(rec("b")) // queued
	start := time.Now()
	h.Emit(rec("c")) // waits, then dropped
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Fatalf("Emit returned after %v, before the wait limit", waited)
	}
	h.Emit(rec("d")) // stalled: dropped at once
	st, lost := h.Stats(), h.Lost("sess-target")
	cancel()
	<-done
	if st.Dropped != 2 || st.Waited != 1 || lost != 2 {
		t.Fatalf("stats %+v, lost %d", st, lost)
	}
	out := logs.String()
	if !strings.Contains(out, "intercept records dropped") || strings.Contains(out, "alice") || strings.Contains(out, "sess-target") {
		t.Fatalf("log %q", out)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
