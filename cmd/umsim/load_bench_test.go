package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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
// percentiles over every PDU, and umli's own stage latencies (from its /metrics: Submit →
// handover queue, session step, queue → LEMF socket). Run it with -benchtime 1x;
// LOAD_RATE (sessions/s, default 50), LOAD_DURATION (default 10s) and LOAD_MIX (default
// um=70,sip=10,mail=10,imap=10) shape it. LOAD_FSYNC is redis-server's appendfsync
// (default everysec, as issue 16 measures). LOAD_PROFILE=FILE also writes umli's CPU
// profile over the run (its --pprof listener) to FILE.
func BenchmarkLoadTool(b *testing.B) {
	st := startStack(b, envOr("LOAD_FSYNC", "everysec"))
	reportPath := filepath.Join(st.dir, "report.json")
	duration, err := time.ParseDuration(envOr("LOAD_DURATION", "10s"))
	if err != nil {
		b.Fatalf("LOAD_DURATION: %v", err)
	}
	b.ResetTimer()
	for range b.N {
		args := append([]string{"--rate", envOr("LOAD_RATE", "50"), "--duration", duration.String(),
			"--mix", envOr("LOAD_MIX", "um=70,sip=10,mail=10,imap=10"), "--report-json", reportPath}, st.args()...)
		profErr := make(chan error, 1)
		if path := os.Getenv("LOAD_PROFILE"); path != "" {
			go func() { profErr <- fetchProfile(st.pprofAddr, duration, path) }()
		} else {
			profErr <- nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // hang guard
		err := runLoad(ctx, args, io.Discard, io.Discard)
		cancel()
		if err != nil {
			b.Fatalf("umsim load: %v", err)
		}
		if err := <-profErr; err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	stages, err := scrapeStages(st.metricsAddr)
	if err != nil {
		b.Fatal(err)
	}
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
	for _, sq := range stages {
		b.ReportMetric(ms(sq.P50), sq.Stage+"-p50-ms")
		b.ReportMetric(ms(sq.P99), sq.Stage+"-p99-ms")
	}
	if first := firstErrors(rep); first != "" {
		b.Logf("first errors: %s", first)
	}
}

// firstErrors lists each kind's first error, for the log of a run that had any.
func firstErrors(rep loadgen.Report) string {
	var out []string
	for _, k := range loadgen.Kinds() {
		if ks, ok := rep.Stats.Kinds[k]; ok && ks.FirstErr != "" {
			out = append(out, fmt.Sprintf("%s (%d): %s", k, ks.Errors, ks.FirstErr))
		}
	}
	return strings.Join(out, "; ")
}
