package handover

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
	"github.com/umli/umli/internal/testredis"
)

const testPDUSize = 300

// instance is one running Handover under test.
type instance struct {
	h      *Handover
	reg    *prometheus.Registry
	cancel context.CancelFunc
	done   chan struct{}
}

func testRedis(t testing.TB, srv *testredis.Server) redis.UniversalClient {
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: 1,
		DialTimeout: 500 * time.Millisecond, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func testDestination(name, hi2, hi3 string) Destination {
	return Destination{
		Name: name, HI2Addr: hi2, HI3Addr: hi3,
		KeepAlive: func(uint32) []byte { return testKeepAlive }, IsKeepAliveResponse: isTestKeepAliveResponse,
		KeepAliveInterval: 200 * time.Millisecond, KeepAliveTimeout: 2 * time.Second,
		DialTimeout: time.Second, WriteTimeout: 2 * time.Second,
		Backoff:      Backoff{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond, Jitter: 0.2},
		ResendWindow: 50,
	}
}

// keepAliveRig is a fresh Redis, a peer answering keep-alives when answer, and
// destination lea1 at the peer keeping alive every interval, timing out after timeout.
func keepAliveRig(t *testing.T, answer bool, interval, timeout time.Duration) (redis.UniversalClient, *peer, Destination) {
	t.Helper()
	rdb := testRedis(t, testredis.Start(t))
	p := newPeer(t, nil)
	p.answer.Store(answer)
	d := testDestination("lea1", p.addr, "")
	d.KeepAliveInterval, d.KeepAliveTimeout = interval, timeout
	return rdb, p, d
}

func testConfig(dests ...Destination) Config {
	return Config{KeyPrefix: "t:", LeaseTTL: 10 * time.Second, BatchSize: 64, PurgeInterval: 50 * time.Millisecond,
		EnqueueTimeout: 5 * time.Second, Destinations: dests}
}

// newInstance builds a Handover; run starts it.
func newInstance(t testing.TB, cfg Config, rdb redis.UniversalClient) *instance {
	t.Helper()
	reg := prometheus.NewRegistry()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel).With().Timestamp().Logger()
	h, err := New(cfg, rdb, reg, log)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &instance{h: h, reg: reg}
}

func (in *instance) run(t testing.TB) *instance {
	ctx, cancel := context.WithCancel(context.Background())
	in.cancel, in.done = cancel, make(chan struct{})
	go func() {
		defer close(in.done)
		if err := in.h.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	var once sync.Once
	t.Cleanup(func() { once.Do(in.stop) })
	return in
}

func (in *instance) stop() {
	if in.cancel != nil {
		in.cancel()
		<-in.done
		in.cancel = nil
	}
}

func (in *instance) stats(dest string, hi HI) StreamStats {
	for _, s := range in.h.Stats() {
		if s.Destination == dest && s.HI == hi {
			return s
		}
	}
	return StreamStats{}
}

// metric reads one sample from the instance's registry (0 when absent).
func (in *instance) metric(t testing.TB, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := in.reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, lp := range m.GetLabel() {
				got[lp.GetName()] = lp.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue next
				}
			}
			if c := m.GetCounter(); c != nil {
				return c.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

// waitFor polls cond until it holds; a liveness bound, not a timing assertion.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// enqueueRange enqueues PDUs with seq [from,to) in batches of batch.
func enqueueRange(t testing.TB, h *Handover, dest string, hi HI, from, to, batch int) {
	t.Helper()
	for i := from; i < to; i += batch {
		var pdus [][]byte
		for j := i; j < min(i+batch, to); j++ {
			pdus = append(pdus, testPDU(uint64(j), testPDUSize))
		}
		if err := h.Enqueue(context.Background(), dest, hi, pdus...); err != nil {
			t.Fatalf("Enqueue %d..%d: %v", i, min(i+batch, to), err)
		}
	}
}
