package session

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
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

// BenchmarkSessionStep measures the session step against a real redis-server, and in
// the same run `redis-benchmark -P 1 -t incr` against the same server, and reports both
// rates and their ratio (target: records/s ≥ 70% of incr/s).
//
//   - single: 50 clients, each stepping one record per call. Calls that arrive while one
//     of the same network element is in flight share the next script call (the Store's
//     group commit), as redis-benchmark's 50 clients share Redis's event loop.
//   - batched: 50 producers feed 8 workers that number whatever records are waiting, up
//     to 64, per call: how mediation runs under load.
//   - one-client: one record per call, one call at a time: the round trip an idle system
//     pays per record (its ratio to 50 clients' INCR is not a target).
func BenchmarkSessionStep(b *testing.B) {
	for _, mode := range []struct {
		name    string
		workers int
		batch   int
	}{{"single", benchClients, 1}, {"batched", 8, 64}, {"one-client", 1, 1}} {
		b.Run(mode.name, func(b *testing.B) { benchStep(b, mode.workers, mode.batch) })
	}
}

func benchStep(b *testing.B, workers, batch int) {
	srv := testredis.Start(b)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: benchClients})
	defer rdb.Close()
	ctx := context.Background()
	// testredis fsyncs every write (for the crash tests); measure with Redis's default AOF
	// policy instead, for both the session step and redis-benchmark.
	if err := rdb.ConfigSet(ctx, "appendfsync", benchFsync).Err(); err != nil {
		b.Fatal(err)
	}
	s, err := New(rdb, Config{Instance: "bench", IdleTimeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	blob := make([]byte, 300) // a typical serialized MessagingIRI record
	for i := range blob {
		blob[i] = 'a' + byte(i%26)
	}
	var seq atomic.Int64
	mk := func() *Step {
		i := seq.Add(1)
		return &Step{NE: "bench-ne", CorrelationKey: "sess-" + strconv.FormatInt(i%1000, 10), Boundary: record.Continue,
			Kind: IRI, LIIDs: []string{"LIID-1"}, ID: s.NewID(), Blob: blob, Now: time.Now()}
	}
	queue := make(chan *Step, 4096)
	var produced atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range benchClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for produced.Add(1) <= int64(b.N) {
				queue <- mk()
			}
		}()
	}
	go func() { wg.Wait(); close(queue) }()
	var cw sync.WaitGroup
	for range workers {
		cw.Add(1)
		go func() {
			defer cw.Done()
			buf := make([]*Step, 0, batch)
			for st := range queue {
				buf = append(buf[:0], st)
			fill:
				for len(buf) < batch {
					select {
					case x, ok := <-queue:
						if !ok {
							break fill
						}
						buf = append(buf, x)
					default:
						break fill
					}
				}
				if _, err := s.StepBatch(ctx, buf); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	cw.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "records/s")
	if b.N < 10000 {
		return // calibration rounds: skip the comparison
	}
	incr, err := redisBenchmarkIncr(srv.Addr)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(incr, "incr/s")
	b.ReportMetric(100*rate/incr, "%ofincr")
	b.Logf("appendfsync %s, %d workers, batches ≤%d: session step %.0f records/s; redis-benchmark -P 1 -t incr %.0f/s; ratio %.0f%%",
		benchFsync, workers, batch, rate, incr, 100*rate/incr)
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
