package email

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

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
	if n := gathered(t, reg, "umli_email_records_submitted_total", ""); n != 3 {
		t.Fatalf("submitted metric %v", n)
	}
}

func TestHandoffDropsWhenFull(t *testing.T) {
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
				h.Emit(ccRecord(string(rune('a'+i)), n))
			}
			st := h.Stats()
			if st.Queued != tc.queued || st.Dropped != uint64(len(tc.emit))-tc.queued {
				t.Fatalf("stats %+v", st)
			}
			if n := gathered(t, reg, "umli_email_records_dropped_total", tc.reason); n != float64(st.Dropped) {
				t.Fatalf("dropped{%s} = %v", tc.reason, n)
			}
		})
	}
}

// gathered reads a counter (with the given reason label, if any) from reg.
func gathered(t *testing.T, reg *prometheus.Registry, name, reason string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			match := reason == ""
			for _, l := range m.GetLabel() {
				match = match || (l.GetName() == "reason" && l.GetValue() == reason)
			}
			if match {
				return m.GetCounter().GetValue()
			}
		}
	}
	return -1
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
