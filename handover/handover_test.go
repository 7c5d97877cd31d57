package handover

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/umli/umli/internal/testredis"
)

func TestDeliversInOrderAndTrimsToWindow(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	hi2, hi3 := newPeer(t, nil), newPeer(t, nil)
	cfg := testConfig(testDestination("lea1", hi2.addr, hi3.addr))
	in := newInstance(t, cfg, rdb).run(t)

	const n2, n3 = 1000, 300
	enqueueRange(t, in.h, "lea1", HI2, 0, n2, 37)
	enqueueRange(t, in.h, "lea1", HI3, 0, n3, 1)
	waitFor(t, "all PDUs at the LEMF", func() bool {
		return len(hi2.state().seqs) >= n2 && len(hi3.state().seqs) >= n3
	})
	for _, c := range []struct {
		name string
		p    *peer
		hi   HI
		n    int
	}{{"hi2", hi2, HI2, n2}, {"hi3", hi3, HI3, n3}} {
		t.Run(c.name, func(t *testing.T) {
			dups, err := checkComplete(c.p.state().seqs, c.n)
			if err != nil {
				t.Fatal(err)
			}
			if dups != 0 {
				t.Errorf("%d duplicates without any reconnect", dups)
			}
			waitFor(t, "sent counter", func() bool { return in.stats("lea1", c.hi).Sent == int64(c.n) })
			st := in.stats("lea1", c.hi)
			if st.Enqueued != int64(c.n) || st.Resent != 0 || st.Reconnects != 0 {
				t.Errorf("stats %+v", st)
			}
			for _, name := range []string{"umli_handover_pdus_sent_total", "umli_handover_pdus_enqueued_total"} {
				if got := in.metric(t, name, map[string]string{"destination": "lea1", "hi": c.hi.String()}); got != float64(c.n) {
					t.Errorf("%s = %v, want %d", name, got, c.n)
				}
			}
			// Trimmed to the window once a keep-alive confirms the LEMF read everything.
			key := streamKeys("t:", "lea1", c.hi).stream
			waitFor(t, "stream trimmed to the resend window", func() bool {
				return holdsWindow(entrySizes(t, rdb, key), cfg.Destinations[0].ResendWindow)
			})
		})
	}
}

func TestEnqueueRejects(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	d := testDestination("lea1", "127.0.0.1:1", "")
	d.MaxBufferedBytes = 5 * testPDUSize
	in := newInstance(t, testConfig(d), rdb)
	ctx := context.Background()
	tests := []struct {
		name string
		dest string
		hi   HI
		pdus [][]byte
		want error
	}{
		{"unknown destination", "nope", HI2, [][]byte{testPDU(0, 300)}, ErrUnknownDestination},
		{"hi3 not configured", "lea1", HI3, [][]byte{testPDU(0, 300)}, ErrUnknownDestination},
		{"empty PDU", "lea1", HI2, [][]byte{testPDU(0, 300), {}}, ErrBadPDU},
		{"batch larger than cap", "lea1", HI2, [][]byte{testPDU(0, 6*testPDUSize)}, ErrBadPDU},
		{"fits", "lea1", HI2, [][]byte{testPDU(0, 300), testPDU(1, 300), testPDU(2, 300), testPDU(3, 300)}, nil},
		{"fills exactly", "lea1", HI2, [][]byte{testPDU(4, 300)}, nil},
		{"over the cap", "lea1", HI2, [][]byte{testPDU(5, 300)}, ErrQueueFull},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := in.h.Enqueue(ctx, tc.dest, tc.hi, tc.pdus...)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Enqueue = %v, want %v", err, tc.want)
			}
		})
	}
	held := 0
	for _, n := range entrySizes(t, rdb, streamKeys("t:", "lea1", HI2).stream) {
		held += n
	}
	if held != 5 {
		t.Fatalf("stream holds %d PDUs, want 5", held)
	}
}

// Without keep-alives nothing confirms delivery: trimming follows the written position.
func TestTrimWithoutKeepAlives(t *testing.T) {
	for _, window := range []int{-1, 10} {
		t.Run(fmt.Sprintf("window %d", window), func(t *testing.T) {
			srv := testredis.Start(t)
			rdb := testRedis(t, srv)
			lemf := newPeer(t, nil)
			d := testDestination("lea1", lemf.addr, "")
			d.KeepAliveInterval, d.KeepAlive, d.IsKeepAliveResponse = 0, nil, nil
			d.ResendWindow = window
			in := newInstance(t, testConfig(d), rdb).run(t)
			enqueueRange(t, in.h, "lea1", HI2, 0, 200, 20)
			waitFor(t, "delivery", func() bool { _, err := checkComplete(lemf.state().seqs, 200); return err == nil })
			waitFor(t, "stream trimmed to the window", func() bool {
				return holdsWindow(entrySizes(t, rdb, streamKeys("t:", "lea1", HI2).stream), max(window, 0))
			})
		})
	}
}

// Concurrent producers (one per CIN, say) each keep their own order on the wire.
func TestConcurrentProducersKeepTheirOrder(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	lemf := newPeer(t, nil)
	in := newInstance(t, testConfig(testDestination("lea1", lemf.addr, "")), rdb).run(t)
	const producers, each = 4, 250
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range each {
				// seq encodes (producer, index): producer in the high bits.
				pdu := testPDU(uint64(p)<<32|uint64(i), testPDUSize)
				if err := in.h.Enqueue(context.Background(), "lea1", HI2, pdu); err != nil {
					t.Errorf("producer %d: %v", p, err)
					return
				}
			}
		})
	}
	wg.Wait()
	waitFor(t, "all PDUs", func() bool { return len(lemf.state().seqs) >= producers*each })
	next := make([]uint64, producers)
	for _, s := range lemf.state().seqs {
		p, i := s>>32, s&0xffffffff
		if i != next[p] {
			t.Fatalf("producer %d: got index %d, want %d", p, i, next[p])
		}
		next[p]++
	}
}
