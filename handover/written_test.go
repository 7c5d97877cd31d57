package handover

import (
	"encoding/binary"
	"sync"
	"testing"

	"github.com/umli/umli/internal/testredis"
)

// writtenLog collects what Destination.Written reports.
type writtenLog struct {
	mu       sync.Mutex
	fresh    []uint64
	replayed []uint64
	his      map[HI]int
}

func (w *writtenLog) hook(hi HI, pdu string, replayed bool) {
	seq := binary.BigEndian.Uint64([]byte(pdu[4:12]))
	w.mu.Lock()
	defer w.mu.Unlock()
	w.his[hi]++
	if replayed {
		w.replayed = append(w.replayed, seq)
	} else {
		w.fresh = append(w.fresh, seq)
	}
}

func (w *writtenLog) counts() (fresh, replayed int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.fresh), len(w.replayed)
}

// TestWrittenHook: every PDU written to the LEMF is reported once, in order, for its HI;
// after a reconnect the replayed ones are reported again, flagged.
func TestWrittenHook(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	lemf := newPeer(t, nil)
	w := &writtenLog{his: map[HI]int{}}
	d := testDestination("lea1", "", lemf.addr)
	d.Written = w.hook
	in := newInstance(t, testConfig(d), rdb).run(t)
	enqueueRange(t, in.h, "lea1", HI3, 0, 300, 30)
	waitFor(t, "300 PDUs reported", func() bool { f, _ := w.counts(); return f >= 300 })
	waitFor(t, "LEMF read 300", func() bool { _, err := checkComplete(lemf.state().seqs, 300); return err == nil })
	lemf.stop()
	lemf.start()
	waitFor(t, "reconnect", func() bool { return in.stats("lea1", HI3).Reconnects >= 1 })
	enqueueRange(t, in.h, "lea1", HI3, 300, 400, 50)
	waitFor(t, "400 PDUs at the LEMF", func() bool { _, err := checkComplete(lemf.state().seqs, 400); return err == nil })
	waitFor(t, "a replay reported", func() bool { _, r := w.counts(); return r > 0 })
	in.stop()

	w.mu.Lock()
	defer w.mu.Unlock()
	// Fresh reports cover 0..399 in order; a PDU whose progress record was lost with the
	// connection may come fresh twice, never out of order.
	if _, err := checkComplete(w.fresh, 400); err != nil {
		t.Fatalf("fresh reports: %v", err)
	}
	for _, s := range w.replayed {
		if s >= 400 {
			t.Fatalf("replayed seq %d was never enqueued", s)
		}
	}
	st := in.stats("lea1", HI3)
	if int64(len(w.fresh)) != st.Sent || int64(len(w.replayed)) != st.Resent {
		t.Fatalf("reported %d fresh / %d replayed; stats say sent %d, resent %d", len(w.fresh), len(w.replayed), st.Sent, st.Resent)
	}
	if w.his[HI2] != 0 || w.his[HI3] != len(w.fresh)+len(w.replayed) {
		t.Fatalf("reports per HI: %v", w.his)
	}
}
