package handover

import (
	"sync"
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
)

// TestResendWindowPolicies: after delivery the durable queue keeps exactly the resend
// window, by PDUs or by bytes, whether trimming waits for keep-alive answers (confirmed)
// or follows the written position (unanswered or idle-only keep-alives).
func TestResendWindowPolicies(t *testing.T) {
	const n = 10 // PDUs of testPDUSize bytes
	tests := []struct {
		name   string
		edit   func(d *Destination)
		answer bool
		keep   int
	}{
		{"confirmed, 4 PDUs", func(d *Destination) { d.ResendWindow = 4 }, true, 4},
		{"confirmed, 3.5 PDUs of bytes", func(d *Destination) { d.ResendBytes = 3*testPDUSize + testPDUSize/2 }, true, 3},
		{"confirmed, none", func(d *Destination) { d.ResendWindow = -1 }, true, 0},
		{"unanswered, 4 PDUs", func(d *Destination) { d.ResendWindow, d.KeepAliveUnanswered, d.IsKeepAliveResponse = 4, true, nil }, false, 4},
		{"unanswered, 2 PDUs of bytes", func(d *Destination) { d.ResendBytes, d.KeepAliveUnanswered = 2*testPDUSize, true }, false, 2},
		{"idle-only answered, 5 PDUs", func(d *Destination) { d.ResendWindow, d.KeepAliveIdleOnly = 5, true }, true, 5},
		{"bytes window below one PDU", func(d *Destination) { d.ResendBytes = testPDUSize / 2 }, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rdb, p, d := keepAliveRig(t, tc.answer, 50*time.Millisecond, time.Second)
			tc.edit(&d)
			in := newInstance(t, testConfig(d), rdb).run(t)
			enqueueRange(t, in.h, "lea1", HI2, 0, n, 1)
			waitFor(t, "PDUs", func() bool { return len(p.state().seqs) >= n })
			s := in.h.streams[streamName{"lea1", HI2}]
			waitFor(t, "the queue trimmed to the window", func() bool { return len(streamSeqs(t, s)) == tc.keep })
			if _, err := checkComplete(p.state().seqs, n); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestUnansweredKeepAlives: with KeepAliveUnanswered nothing waits for an answer: PDUs
// flow at once, keep-alives go out every interval, no timeout or redial is counted, and
// the keep-alive sequence numbers count from 0 on each connection.
func TestUnansweredKeepAlives(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	p := newPeer(t, nil)
	p.answer.Store(false)
	var mu sync.Mutex
	var seqs []uint32
	d := testDestination("lea1", p.addr, "")
	d.KeepAliveInterval, d.KeepAliveUnanswered, d.IsKeepAliveResponse = 30*time.Millisecond, true, nil
	d.KeepAlive = func(seq uint32) []byte {
		mu.Lock()
		defer mu.Unlock()
		seqs = append(seqs, seq)
		return testKeepAlive
	}
	in := newInstance(t, testConfig(d), rdb).run(t)
	enqueueRange(t, in.h, "lea1", HI2, 0, 20, 5)
	waitFor(t, "PDUs", func() bool { return len(p.state().seqs) >= 20 })
	waitFor(t, "keep-alives", func() bool { return p.state().keepAlives >= 5 })
	st := in.stats("lea1", HI2)
	if st.KeepAliveTimeouts != 0 || st.Reconnects != 0 {
		t.Fatalf("stats %+v: want no timeouts or redials", st)
	}
	mu.Lock()
	got := append([]uint32(nil), seqs...)
	mu.Unlock()
	for i, s := range got {
		if s != uint32(i) {
			t.Fatalf("keep-alive sequence numbers %v: want 0, 1, 2… on one connection", got)
		}
	}
	if _, err := checkComplete(p.state().seqs, 20); err != nil {
		t.Fatal(err)
	}
}
