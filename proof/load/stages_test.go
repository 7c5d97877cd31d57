package load_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/proof/chain"
	"github.com/umli/umli/proof/load"
	"github.com/umli/umli/simulators/lemf/measure"
)

// stamp is one PDU seen at a stage, and when.
type stamp struct {
	pdu []byte
	at  time.Time
}

// stageLog collects PDUs at one stage; they are decoded after the run so that the
// measurement costs the measured path only a copy.
type stageLog struct {
	mu sync.Mutex
	s  []stamp
}

func (l *stageLog) add(at time.Time, pdu []byte) {
	l.mu.Lock()
	l.s = append(l.s, stamp{pdu, at})
	l.mu.Unlock()
}

// delays decodes every PDU's event time and returns at − event time, sorted.
func (l *stageLog) delays(tb testing.TB) []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]time.Duration, 0, len(l.s))
	for _, s := range l.s {
		p, _, err := etsi.DecodePSPDU(s.pdu)
		if err != nil {
			tb.Fatalf("decode a PDU seen at a stage: %v", err)
		}
		ts := p.Header.MicroSecondTimeStamp
		if p.Payload.TRI != nil || ts == nil {
			continue
		}
		out = append(out, s.at.Sub(time.Unix(int64(ts.Seconds), int64(ts.MicroSeconds)*1000)))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// timedQueue is the handover queue with the time each PDU was accepted.
type timedQueue struct {
	q   mediation.Queue
	log *stageLog
}

func (t *timedQueue) Enqueue(ctx context.Context, dest string, hi handover.HI, pdus ...[]byte) error {
	err := t.q.Enqueue(ctx, dest, hi, pdus...)
	if err == nil {
		now := time.Now()
		for _, p := range pdus {
			t.log.add(now, p)
		}
	}
	return err
}

// EnqueueBatches keeps handover's one-round-trip path (mediation uses it when offered).
func (t *timedQueue) EnqueueBatches(ctx context.Context, bs []handover.Batch) []error {
	errs := t.q.(*handover.Handover).EnqueueBatches(ctx, bs)
	now := time.Now()
	for i, b := range bs {
		if errs[i] == nil {
			for _, p := range b.PDUs {
				t.log.add(now, p)
			}
		}
	}
	return errs
}

// redisTimes is a go-redis hook timing each command (a script by the first key's role).
type redisTimes struct {
	mu sync.Mutex
	d  map[string][]time.Duration
}

func (r *redisTimes) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *redisTimes) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (r *redisTimes) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		t0 := time.Now()
		err := next(ctx, cmd)
		name := cmd.Name()
		if a := cmd.Args(); (name == "evalsha" || name == "eval") && len(a) > 3 {
			k := fmt.Sprint(a[3])
			if i := strings.LastIndexByte(k, ':'); i >= 0 {
				k = k[i+1:]
			}
			name += "(" + k + ")"
		}
		if name == "xread" {
			return err // blocks by design
		}
		r.mu.Lock()
		r.d[name] = append(r.d[name], time.Since(t0))
		r.mu.Unlock()
		return err
	}
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, len(ds)*p/100)]
}

// BenchmarkLoadStages is BenchmarkLoad2k with the delay measured at every stage:
// event → handover queue (match, step, encode, Enqueue), event → written to the LEMF's
// socket (Destination.Written), event → LEMF receipt; and each Redis command's round trip.
// It says where a record waits; it asserts nothing about time.
func BenchmarkLoadStages(b *testing.B) {
	const rate = 2000
	d := time.Duration(float64(max(b.N, rate/10)) / float64(rate) * float64(time.Second))
	srv := testredis.Start(b)
	times := &redisTimes{d: map[string][]time.Duration{}}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	rdb.AddHook(times)
	b.Cleanup(func() { _ = rdb.Close() })
	lm := chain.StartLEMF(b)
	cfg, err := config.Parse("stages.yaml", []byte(chain.ConfigYAML("stages-1", lm.HI2, lm.HI3)))
	if err != nil {
		b.Fatal(err)
	}
	hc, err := cfg.HandoverConfig()
	if err != nil {
		b.Fatal(err)
	}
	queued, written := &stageLog{}, &stageLog{}
	for i := range hc.Destinations {
		hc.Destinations[i].Written = func(_ handover.HI, pdu string, replayed bool) {
			if !replayed {
				written.add(time.Now(), []byte(pdu))
			}
		}
	}
	log := zerolog.New(os.Stderr).Level(zerolog.ErrorLevel)
	ho, err := handover.New(hc, rdb, nil, log)
	if err != nil {
		b.Fatal(err)
	}
	med, err := mediation.New(cfg.MediationConfig(), rdb, &timedQueue{q: ho, log: queued}, log, mediation.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = ho.Run(ctx) })
	wg.Go(func() { _ = med.Run(ctx) })
	b.Cleanup(func() { cancel(); wg.Wait() })

	res, err := load.Run(ctx, load.Config{
		Rate: rate, Duration: d, Sessions: 50, CCShare: 0.5, Source: "um-load", Target: chain.Target(),
		Sinks: []record.Sink{med},
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := chain.Drain(ctx, med); err != nil {
		b.Fatal(err)
	}
	chain.WaitFor(b, "every PDU at the LEMF", 2*time.Minute, func() bool { return lm.Distinct() >= res.Records })
	b.StopTimer()
	lat, err := measure.Measure(lm.Dirs()...)
	if err != nil {
		b.Fatal(err)
	}
	q, w := queued.delays(b), written.delays(b)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(pct(q, 50)), "queued-p50-ms")
	b.ReportMetric(ms(pct(q, 99)), "queued-p99-ms")
	b.ReportMetric(ms(pct(w, 50)), "written-p50-ms")
	b.ReportMetric(ms(pct(w, 99)), "written-p99-ms")
	b.ReportMetric(ms(lat.P50), "lemf-p50-ms")
	b.ReportMetric(ms(lat.P99), "lemf-p99-ms")
	times.mu.Lock()
	defer times.mu.Unlock()
	names := make([]string, 0, len(times.d))
	for n := range times.d {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ds := times.d[n]
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		b.Logf("redis %-22s n=%6d p50 %8v p99 %8v max %8v", n, len(ds), pct(ds, 50), pct(ds, 99), ds[len(ds)-1])
	}
	b.Logf("%d records; event→queued p50 %v p99 %v; event→written p50 %v p99 %v; %v",
		res.Records, pct(q, 50), pct(q, 99), pct(w, 50), pct(w, 99), lat)
}
