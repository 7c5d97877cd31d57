package handover

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
)

// producer enqueues numbered PDUs in small batches until stopped, retrying refused ones
// (as mediation's bounded queue does), and reports how many it enqueued.
type producer struct {
	next   atomic.Int64
	stop   chan struct{}
	done   chan struct{}
	errors atomic.Int64
}

func startProducer(h *Handover, dest string, hi HI, from int) *producer {
	p := &producer{stop: make(chan struct{}), done: make(chan struct{})}
	p.next.Store(int64(from))
	go func() {
		defer close(p.done)
		for {
			select {
			case <-p.stop:
				return
			default:
			}
			n := p.next.Load()
			var pdus [][]byte
			for i := n; i < n+10; i++ {
				pdus = append(pdus, testPDU(uint64(i), testPDUSize))
			}
			if err := h.Enqueue(context.Background(), dest, hi, pdus...); err != nil {
				p.errors.Add(1)
				time.Sleep(20 * time.Millisecond)
				continue
			}
			p.next.Add(10)
			time.Sleep(time.Millisecond)
		}
	}()
	return p
}

func (p *producer) finish() int {
	close(p.stop)
	<-p.done
	return int(p.next.Load())
}

func TestLEMFOutageUnderLoadLosesNothing(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	lemf := newPeer(t, nil)
	in := newInstance(t, testConfig(testDestination("lea1", lemf.addr, "")), rdb).run(t)
	prod := startProducer(in.h, "lea1", HI2, 0)
	waitFor(t, "traffic flowing", func() bool { return len(lemf.state().seqs) > 500 })
	lemf.stop()
	time.Sleep(3 * time.Second) // the outage itself, not an assertion
	lemf.start()
	waitFor(t, "reconnect", func() bool { return in.stats("lea1", HI2).Reconnects >= 1 })
	n := prod.finish()
	waitFor(t, "every PDU at the LEMF", func() bool { return in.stats("lea1", HI2).Sent >= int64(n) })
	waitFor(t, "LEMF read everything", func() bool { _, err := checkComplete(lemf.state().seqs, n); return err == nil })
	dups, err := checkComplete(lemf.state().seqs, n)
	if err != nil {
		t.Fatal(err)
	}
	// Duplicates come from the resend window (counted as resent), from writes whose
	// progress record did not reach Redis (counted as sent twice), or from the part of a
	// batch that got out before its write failed (at most one batch per reconnect).
	st := in.stats("lea1", HI2)
	if st.Sent < int64(n) || int64(dups) > st.Resent+st.Sent-int64(n)+st.Reconnects*int64(testConfig().BatchSize) {
		t.Errorf("LEMF saw %d duplicates; sent %d for %d enqueued, resent %d", dups, st.Sent, n, st.Resent)
	}
	t.Logf("%d PDUs, %d duplicates at the LEMF (resent %d)", n, dups, st.Resent)
}

func TestRestartedHandoverResumes(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	lemf := newPeer(t, nil)
	cfg := testConfig(testDestination("lea1", lemf.addr, ""))
	a := newInstance(t, cfg, rdb).run(t)
	enqueueRange(t, a.h, "lea1", HI2, 0, 300, 30)
	waitFor(t, "first part delivered", func() bool { return a.stats("lea1", HI2).Sent == 300 })
	lemf.stop()
	enqueueRange(t, a.h, "lea1", HI2, 300, 700, 30) // queued while the LEMF is down
	a.stop()

	b := newInstance(t, cfg, rdb).run(t)
	enqueueRange(t, b.h, "lea1", HI2, 700, 800, 30)
	lemf.start()
	waitFor(t, "every PDU at the LEMF", func() bool { _, err := checkComplete(lemf.state().seqs, 800); return err == nil })
	// PDUs the first instance wrote into the dying connection count as sent there and come
	// again from the resend window; together each PDU is sent for the first time exactly once.
	if a, b := a.stats("lea1", HI2).Sent, b.stats("lea1", HI2).Sent; a+b != 800 || b < 400 {
		t.Errorf("first-time sends: first instance %d + second %d, want 800 with >= 400 from the second", a, b)
	}
}

func TestSecondInstanceTakesOverExpiredLease(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	lemf := newPeer(t, nil)
	cfg := testConfig(testDestination("lea1", lemf.addr, ""))
	k := streamKeys("t:", "lea1", HI2)
	// An instance that died without releasing: its lease lingers until the TTL.
	if err := rdb.Set(context.Background(), k.lease, "dead-instance", 700*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	cfg.InstanceID = "survivor"
	in := newInstance(t, cfg, rdb).run(t)
	enqueueRange(t, in.h, "lea1", HI2, 0, 100, 10)
	waitFor(t, "delivery after takeover", func() bool { _, err := checkComplete(lemf.state().seqs, 100); return err == nil })
	owner, err := rdb.Get(context.Background(), k.lease).Result()
	if err != nil || owner != "survivor" {
		t.Fatalf("lease owner %q (%v), want survivor", owner, err)
	}

	// Two live instances: exactly one sends.
	other := cfg
	other.InstanceID = "standby"
	sb := newInstance(t, other, rdb).run(t)
	enqueueRange(t, sb.h, "lea1", HI2, 100, 200, 10)
	waitFor(t, "delivery with a standby", func() bool { _, err := checkComplete(lemf.state().seqs, 200); return err == nil })
	if sb.stats("lea1", HI2).Sent != 0 || sb.stats("lea1", HI2).LeaseHeld {
		t.Fatalf("standby sent while the lease holder lives: %+v", sb.stats("lea1", HI2))
	}
	in.stop() // releases: the standby takes over
	enqueueRange(t, sb.h, "lea1", HI2, 200, 300, 10)
	waitFor(t, "standby delivers", func() bool { _, err := checkComplete(lemf.state().seqs, 300); return err == nil })
	// The sender counts a batch after its flush, so the LEMF can hold it a moment before
	// the count does: wait for the count to reach the batch, then require it exact.
	waitFor(t, "standby's sends counted", func() bool { return sb.stats("lea1", HI2).Sent >= 100 })
	if sb.stats("lea1", HI2).Sent != 100 {
		t.Fatalf("standby sent %d, want 100", sb.stats("lea1", HI2).Sent)
	}
}

func TestRedisRestart(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	lemf := newPeer(t, nil)
	in := newInstance(t, testConfig(testDestination("lea1", lemf.addr, "")), rdb).run(t)
	enqueueRange(t, in.h, "lea1", HI2, 0, 200, 20)
	waitFor(t, "first part delivered", func() bool { return in.stats("lea1", HI2).Sent == 200 })

	srv.Stop()
	err := in.h.Enqueue(context.Background(), "lea1", HI2, testPDU(200, testPDUSize))
	if !errors.Is(err, ErrRedis) {
		t.Fatalf("Enqueue with Redis down = %v, want ErrRedis", err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { srv.Restart(t) })
	wg.Wait()
	enqueueRange(t, in.h, "lea1", HI2, 200, 400, 20)
	waitFor(t, "every PDU at the LEMF", func() bool { _, err := checkComplete(lemf.state().seqs, 400); return err == nil })
}
