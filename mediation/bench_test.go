package mediation_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/benchcpu"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// BenchmarkMediation measures records from Submit to the durable handover queue: warrant
// match, session step, PDU encoding for two LIIDs (one with CC), Enqueue into Redis
// Streams — against a real redis-server, 50 submitting goroutines. Handover is not
// sending (no LEMF): this is mediation's own throughput.
func BenchmarkMediation(b *testing.B) { benchMediation(b, false, nil) }

// BenchmarkMediationSealed is BenchmarkMediation with a keyring, as `umli run` always has:
// journal and session blobs sealed, LIIDs tokenized, handover entries sealed under data keys.
func BenchmarkMediationSealed(b *testing.B) {
	text, err := seal.GenerateKeyring()
	if err != nil {
		b.Fatal(err)
	}
	keys, err := seal.ParseKeyring(text, "bench")
	if err != nil {
		b.Fatal(err)
	}
	benchMediation(b, false, keys)
}

// BenchmarkMediationClaimed is BenchmarkMediation with every record claimed, as with
// umsys.peers: the claim rides in the numbering script call, so round trips must not rise.
func BenchmarkMediationClaimed(b *testing.B) { benchMediation(b, true, nil) }

func benchMediation(b *testing.B, claimed bool, keys *seal.Keyring) {
	srv := testredis.Start(b)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 64})
	defer rdb.Close()
	trips := &roundTrips{}
	rdb.AddHook(trips)
	ctx := context.Background()
	if err := rdb.ConfigSet(ctx, "appendfsync", "everysec").Err(); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Parse("bench.yaml", []byte(testConfig("127.0.0.1:1", "127.0.0.1:2", time.Minute, time.Now().Add(-time.Hour))))
	if err != nil {
		b.Fatal(err)
	}
	hc, err := cfg.HandoverConfig()
	if err != nil {
		b.Fatal(err)
	}
	hc.Keyring = keys
	ho, err := handover.New(hc, rdb, nil, zerolog.Nop())
	if err != nil {
		b.Fatal(err)
	}
	med, err := mediation.New(cfg.MediationConfig(), rdb, ho, zerolog.Nop(), mediation.Options{Keyring: keys})
	if err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = med.Run(runCtx) }()
	defer func() { cancel(); <-done }()

	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	cpu0, rcpu0 := benchcpu.Used(), redisCPU(ctx, b, rdb)
	trips0 := trips.n.Load()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := n.Add(1)
				if i > int64(b.N) {
					return
				}
				r := &record.Record{Identities: []record.Identity{aliceID}, Source: "um-1",
					CorrelationKey: fmt.Sprintf("s%d", i%200), Boundary: record.Continue, EventKey: fmt.Sprintf("m%d", i/800), Time: time.Now()}
				if claimed {
					r.Claim = fmt.Sprintf("ev%d:0", i)
				}
				if i%2 == 0 {
					r.MessagingIRI = msgIRI(etsi.EventDeposit)
				} else {
					r.MessagingCC = audio(int(i))
				}
				if err := med.Submit(ctx, r); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := med.Drain(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
	// CPU per record, this process and redis-server apart: on a shared machine the wall
	// rate measures the neighbours too.
	b.ReportMetric(float64((benchcpu.Used()-cpu0).Nanoseconds())/1000/float64(b.N), "go-cpu-µs/record")
	b.ReportMetric(float64((redisCPU(ctx, b, rdb)-rcpu0).Nanoseconds())/1000/float64(b.N), "redis-cpu-µs/record")
	b.ReportMetric(float64(trips.n.Load()-trips0)/float64(b.N), "round-trips/record")
	if f := os.Getenv("BENCH_REDIS_STATS"); f != "" { // where redis-server's time goes, per command
		if err := os.WriteFile(f, []byte(rdb.Info(ctx, "commandstats").Val()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// roundTrips counts Redis round trips: each command or pipeline the client sends.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}

// redisCPU is redis-server's CPU time so far (INFO cpu: used_cpu_sys + used_cpu_user).
func redisCPU(ctx context.Context, tb testing.TB, rdb *redis.Client) time.Duration {
	info, err := rdb.Info(ctx, "cpu").Result()
	if err != nil {
		tb.Fatal(err)
	}
	var total float64
	for _, line := range strings.Split(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				tb.Fatalf("INFO cpu %s: %v", k, err)
			}
			total += f
		}
	}
	return time.Duration(total * float64(time.Second))
}
