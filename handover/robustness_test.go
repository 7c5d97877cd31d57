package handover

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
)

func TestMalformedBytesFromLEMFEndOnlyThatConnection(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	lemf := newPeer(t, nil)
	lemf.garbage.Store(true)
	in := newInstance(t, testConfig(testDestination("lea1", lemf.addr, "")), rdb).run(t)
	enqueueRange(t, in.h, "lea1", HI2, 0, 100, 10)
	waitFor(t, "delivery after the bad connection", func() bool { _, err := checkComplete(lemf.state().seqs, 100); return err == nil })
	if st := in.stats("lea1", HI2); st.Reconnects < 1 {
		t.Fatalf("malformed input did not end the connection: %+v", st)
	}
}

// A LEMF that stops reading leaves megabytes in socket buffers; they are lost with the
// connection, so only what a keep-aliveResponse confirmed may leave the stream.
func TestStalledLEMFHitsWriteTimeoutThenRecovers(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	lemf := newPeer(t, nil)
	d := testDestination("lea1", lemf.addr, "")
	d.WriteTimeout = 300 * time.Millisecond
	d.KeepAliveInterval, d.KeepAliveTimeout = 100*time.Millisecond, time.Second
	cfg := testConfig(d)
	cfg.BatchSize = 512
	in := newInstance(t, cfg, rdb).run(t)
	enqueueRange(t, in.h, "lea1", HI2, 0, 100, 100)
	waitFor(t, "traffic flowing", func() bool { return len(lemf.state().seqs) >= 100 })
	lemf.stalled.Store(true)
	const n = 30000 // ~9 MB: more than the socket buffers hold
	enqueueRange(t, in.h, "lea1", HI2, 100, n, 1000)
	waitFor(t, "write timeout and redial", func() bool { return in.stats("lea1", HI2).Reconnects >= 1 })
	lemf.stalled.Store(false)
	var last error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, last = checkComplete(lemf.state().seqs, n); last == nil {
			break
		}
	}
	if last != nil {
		t.Fatalf("%v (stats %+v, %d received)", last, in.stats("lea1", HI2), len(lemf.state().seqs))
	}
	if st := in.stats("lea1", HI2); st.Resent == 0 {
		t.Errorf("nothing replayed after the stall: %+v", st)
	}
}

func TestStaleSenderCannotRecordProgress(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	cfg := testConfig(testDestination("lea1", "127.0.0.1:1", ""))
	cfg.InstanceID = "stale"
	in := newInstance(t, cfg, rdb)
	s := in.h.streams[streamName{"lea1", HI2}]
	ctx := context.Background()
	if err := rdb.Set(ctx, s.keys.lease, "current", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	ss := &session{s: s, ring: newIDRing(1), ack: &streamID{ms: 5}}
	if err := ss.acknowledge(ctx); !errors.Is(err, errLeaseLost) {
		t.Fatalf("acknowledge by a non-holder = %v, want errLeaseLost", err)
	}
	if n, _ := rdb.Exists(ctx, s.keys.sent).Result(); n != 0 {
		t.Fatal("stale sender moved the cursor")
	}
	if held, err := s.acquire(ctx); held || err != nil {
		t.Fatalf("acquire of a held lease = %v, %v", held, err)
	}
}
