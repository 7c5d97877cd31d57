package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/umli/umli/simulators/loadgen"
)

// envOr returns the environment variable name, or def when it is unset.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// BenchmarkLoadTool runs `umsim load` once against a real `umli run` (see startStack)
// and reports its figures: sessions/s sent, PDU/s delivered and event→LEMF latency
// percentiles over every PDU. Run it with -benchtime 1x; LOAD_RATE (sessions/s, default
// 50), LOAD_DURATION (default 10s) and LOAD_MIX (default um=70,sip=10,mail=10,imap=10) shape it.
func BenchmarkLoadTool(b *testing.B) {
	st := startStack(b)
	reportPath := filepath.Join(st.dir, "report.json")
	b.ResetTimer()
	for range b.N {
		args := append([]string{"--rate", envOr("LOAD_RATE", "50"), "--duration", envOr("LOAD_DURATION", "10s"),
			"--mix", envOr("LOAD_MIX", "um=70,sip=10,mail=10,imap=10"), "--report-json", reportPath}, st.args()...)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // hang guard
		err := runLoad(ctx, args, io.Discard, io.Discard)
		cancel()
		if err != nil {
			b.Fatalf("umsim load: %v", err)
		}
	}
	b.StopTimer()
	var rep loadgen.Report
	raw, err := os.ReadFile(reportPath)
	if err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		b.Fatal(err)
	}
	var errs, targets int64
	for _, k := range rep.Stats.Kinds {
		errs += k.Errors
		targets += k.TargetSent
	}
	cins := 0
	for _, ne := range rep.NEs {
		cins += ne.CINs
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(rep.SessionsPerSecond, "sessions/s")
	b.ReportMetric(rep.Total.Throughput(), "PDU/s")
	b.ReportMetric(float64(errs), "errors")
	// Every target session is one CIN at the LEMF: the two are equal when nothing was lost.
	b.ReportMetric(float64(targets), "target-sessions")
	b.ReportMetric(float64(cins), "lemf-cins")
	b.ReportMetric(ms(rep.Total.P50), "p50-ms")
	b.ReportMetric(ms(rep.Total.P90), "p90-ms")
	b.ReportMetric(ms(rep.Total.P99), "p99-ms")
	b.ReportMetric(ms(rep.Total.Max), "max-ms")
	for _, k := range loadgen.Kinds() {
		if ne := rep.NE(k); ne.Latency.PDUs > 0 {
			b.ReportMetric(ms(ne.Latency.P99), string(k)+"-p99-ms")
		}
	}
}
