package handover

import (
	"context"
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
)

// deadAddr is a loopback address nobody listens on: the LEMF is down for the whole test.
func deadAddr(t *testing.T) string {
	p := newPeer(t, nil)
	p.stop()
	return p.addr
}

func TestAgeCapDropsUndelivered(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	d := testDestination("lea1", deadAddr(t), "")
	d.MaxBufferedAge = 300 * time.Millisecond
	in := newInstance(t, testConfig(d), rdb).run(t)
	enqueueRange(t, in.h, "lea1", HI2, 0, 40, 10)
	labels := map[string]string{"destination": "lea1", "hi": "hi2", "reason": ReasonMaxAge}
	waitFor(t, "age purge", func() bool { return in.metric(t, "umli_handover_dropped_total", labels) == 40 })
	key := streamKeys("t:", "lea1", HI2).stream
	if l, err := rdb.XLen(context.Background(), key).Result(); err != nil || l != 0 {
		t.Fatalf("stream length %d (%v) after age purge, want 0", l, err)
	}
	if st := in.stats("lea1", HI2); st.DroppedMaxAge != 40 || st.Sent != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestSizeCapRefusesThenPurgesWhenLowered: with the cap lowered, the oldest undelivered
// PDUs beyond it are dropped; a multi-PDU entry only when wholly beyond it (its PDUs share
// one entry), so no PDU inside the cap is lost.
func TestSizeCapRefusesThenPurgesWhenLowered(t *testing.T) {
	for _, tc := range []struct {
		name           string
		batch, dropped int
	}{{"one PDU per entry", 1, 12}, {"five per entry", 5, 10}} {
		t.Run(tc.name, func(t *testing.T) { testSizeCapLowered(t, tc.batch, tc.dropped) })
	}
}

func testSizeCapLowered(t *testing.T, batch, dropped int) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	addr := deadAddr(t)
	d := testDestination("lea1", addr, "")
	d.MaxBufferedBytes = 20 * testPDUSize
	a := newInstance(t, testConfig(d), rdb).run(t)
	enqueueRange(t, a.h, "lea1", HI2, 0, 20, batch)
	if err := a.h.Enqueue(context.Background(), "lea1", HI2, testPDU(20, testPDUSize)); err == nil {
		t.Fatal("Enqueue beyond MaxBufferedBytes succeeded")
	}
	waitFor(t, "depth sample", func() bool {
		return a.metric(t, "umli_handover_queue_depth", map[string]string{"destination": "lea1", "hi": "hi2"}) == 20
	})
	a.stop()

	// Restarted with a lower cap: the oldest undelivered PDUs beyond it are dropped loudly.
	lemf := newPeer(t, nil)
	lemf.stop()
	d.HI2Addr = lemf.addr
	d.MaxBufferedBytes = 8 * testPDUSize
	b := newInstance(t, testConfig(d), rdb).run(t)
	labels := map[string]string{"destination": "lea1", "hi": "hi2", "reason": ReasonMaxBytes}
	waitFor(t, "size purge", func() bool { return b.metric(t, "umli_handover_dropped_total", labels) == float64(dropped) })
	lemf.start()
	waitFor(t, "the newest delivered", func() bool { return len(lemf.state().seqs) >= 20-dropped })
	seqs := lemf.state().seqs
	for i, s := range seqs {
		if s != uint64(dropped+i) || len(seqs) != 20-dropped {
			t.Fatalf("delivered %v, want %d..19", seqs, dropped)
		}
	}
}
