package session

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/record"
)

// benchClients matches redis-benchmark's default of 50 parallel connections.
const benchClients = 50

// benchFsync is the AOF fsync policy both measurements run under.
const benchFsync = "everysec"

// BenchmarkSessionStep measures one session step (the one round trip a record costs)
// against a real redis-server, 50 clients in parallel, and in the same run measures
// `redis-benchmark -P 1 -t incr` against the same server. It reports both rates and
// their ratio (target: steps/s ≥ 70% of incr/s).
func BenchmarkSessionStep(b *testing.B) {
	srv := testredis.Start(b)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: benchClients})
	defer rdb.Close()
	// testredis fsyncs every write (for the crash tests); measure with Redis's default AOF
	// policy instead, for both the session step and redis-benchmark. With "always" the
	// figure mostly measures how many writes share one fsync.
	if err := rdb.ConfigSet(context.Background(), "appendfsync", benchFsync).Err(); err != nil {
		b.Fatal(err)
	}
	s, err := New(rdb, Config{Instance: "bench", IdleTimeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	blob := make([]byte, 300) // a typical serialized MessagingIRI record
	for i := range blob {
		blob[i] = 'a' + byte(i%26)
	}
	var n atomic.Int64
	b.SetParallelism((benchClients + 1) / 2)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			st := &Step{NE: "bench-ne", CorrelationKey: "sess-" + strconv.FormatInt(i%1000, 10), Boundary: record.Continue,
				Kind: IRI, LIIDs: []string{"LIID-1"}, ID: s.NewID(), Blob: blob, Now: time.Now()}
			if _, err := s.Step(ctx, st); err != nil {
				b.Error(err)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	steps := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(steps, "steps/s")
	if b.N < 10000 {
		return // calibration rounds: skip the comparison
	}
	incr, err := redisBenchmarkIncr(srv.Addr)
	if err != nil {
		b.Fatal(err)
	}
	if testing.Verbose() {
		b.Log(rdb.Info(ctx, "commandstats").Val())
	}
	b.ReportMetric(incr, "incr/s")
	b.ReportMetric(100*steps/incr, "%ofincr")
	b.Logf("appendfsync %s: session step %.0f/s; redis-benchmark -P 1 -t incr %.0f/s; ratio %.0f%%", benchFsync, steps, incr, 100*steps/incr)
}

var rpsRE = regexp.MustCompile(`INCR: ([0-9.]+) requests per second`)

// redisBenchmarkIncr runs redis-benchmark -P 1 -t incr -q -n 100000 against addr.
func redisBenchmarkIncr(addr string) (float64, error) {
	_, port, _ := net.SplitHostPort(addr)
	out, err := exec.Command("redis-benchmark", "-P", "1", "-t", "incr", "-q", "-n", "100000", "-h", "127.0.0.1", "-p", port).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("redis-benchmark: %w: %s", err, out)
	}
	m := rpsRE.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("redis-benchmark: no rate in %q", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}
