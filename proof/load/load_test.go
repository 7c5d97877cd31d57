package load_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/proof/chain"
	"github.com/umli/umli/proof/load"
	"github.com/umli/umli/simulators/lemf/measure"
)

// runLoad drives one instance at rate for d and returns the submission result and the
// LEMF's records, once every PDU has arrived.
func runLoad(tb testing.TB, rate int, d time.Duration) (load.Result, *chain.LEMF) {
	tb.Helper()
	srv := testredis.Start(tb)
	rdb := srv.Client(tb)
	lm := chain.StartLEMF(tb)
	n := chain.StartNode(tb, "load-1", rdb, chain.NewKeyring(tb), lm, zerolog.New(os.Stderr).Level(zerolog.ErrorLevel))
	ctx := context.Background()
	res, err := load.Run(ctx, load.Config{
		Rate: rate, Duration: d, Sessions: 50, CCShare: 0.5, Source: "um-load", Target: chain.Target(),
		Sinks: []record.Sink{n.Med},
	})
	if err != nil {
		tb.Fatal(err)
	}
	if res.Errors > 0 {
		tb.Fatalf("%d records refused, first: %v", res.Errors, res.FirstErr)
	}
	if err := chain.Drain(ctx, n.Med); err != nil {
		tb.Fatal(err)
	}
	chain.WaitFor(tb, "every PDU at the LEMF", 2*time.Minute, func() bool { return lm.Distinct() >= res.Records })
	return res, lm
}

// TestLoadDelivers runs the load tool at a modest rate and checks that the LEMF got every
// record, gapless, and that the latency report is computed from the LEMF's records.
func TestLoadDelivers(t *testing.T) {
	res, lm := runLoad(t, 500, 2*time.Second)
	dirs := lm.Dirs()
	set, err := lm.Read()
	if err != nil {
		t.Fatal(err)
	}
	tally, err := chain.Check(set, res.Records, 50)
	if err != nil {
		t.Fatal(err)
	}
	lat, err := measure.Measure(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	if lat.PDUs != tally.Distinct {
		t.Fatalf("latency over %d PDUs, LEMF holds %d", lat.PDUs, tally.Distinct)
	}
	if lat.P50 > lat.P90 || lat.P90 > lat.P99 || lat.P99 > lat.Max {
		t.Fatalf("percentiles out of order: %v", lat)
	}
	// The LEMF is idle now: Settle sees the same PDUs, and every sample names the run's
	// network element and a UM payload.
	n, err := measure.Settle(context.Background(), 200*time.Millisecond, dirs...)
	if err != nil || n != lat.PDUs {
		t.Fatalf("Settle = %d, %v; want %d", n, err, lat.PDUs)
	}
	samples, err := measure.Samples(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, s := range samples {
		if s.NE != "um-load" || s.LIID == "" {
			t.Fatalf("sample %+v", s)
		}
		kinds[s.Payload]++
	}
	if kinds["MessagingIRI"] != res.IRI || kinds["MessagingCC"] != res.CC || len(kinds) != 2 {
		t.Fatalf("payloads %v, submitted %d IRI and %d CC", kinds, res.IRI, res.CC)
	}
	t.Logf("%d records (%d IRI, %d CC): %v; %v", res.Records, res.IRI, res.CC, tally, lat)
}

// benchLoad runs b.N records at rate and reports event→LEMF percentiles. Use
// -benchtime Nx to choose the record count (e.g. 20000x at 2k/s is ten seconds).
func benchLoad(b *testing.B, rate int) {
	// The framework's first call has b.N = 1: offer a tenth of a second's worth at least.
	d := time.Duration(float64(max(b.N, rate/10)) / float64(rate) * float64(time.Second))
	res, lm := runLoad(b, rate, d)
	b.StopTimer()
	lat, err := measure.Measure(lm.Dirs()...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(res.Records)/res.Elapsed.Seconds(), "offered/s")
	b.ReportMetric(lat.Throughput(), "delivered/s")
	b.ReportMetric(float64(lat.P50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat.P99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat.Max.Microseconds())/1000, "max-ms")
}

// BenchmarkLoad2k offers 2,000 UM records/s (half IRI, half CC) to one instance.
func BenchmarkLoad2k(b *testing.B) { benchLoad(b, 2000) }

// BenchmarkLoad10k offers 10,000 UM records/s (half IRI, half CC) to one instance.
func BenchmarkLoad10k(b *testing.B) { benchLoad(b, 10000) }
