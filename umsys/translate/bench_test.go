package translate_test

import (
	"github.com/umli/umli/internal/benchcpu"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/umli/umli/umsys/ami"
	"github.com/umli/umli/umsys/esl"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/feed/feedtest"
	"github.com/umli/umli/umsys/translate"
)

// corpus concatenates every fixture of a dialect into one stream, as a busy feed
// connection would deliver it.
func corpus(b *testing.B, pattern string) []byte {
	b.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		b.Fatalf("no fixtures %s: %v", pattern, err)
	}
	var all []byte
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, d...)
	}
	return all
}

// BenchmarkParseTranslateESL measures the transports' ESL stream parser plus the
// FreeSWITCH translator on one core, fed in 4 KiB reads.
func BenchmarkParseTranslateESL(b *testing.B) {
	data := corpus(b, "testdata/freeswitch/*.esl")
	tr := translate.NewFreeSWITCH(translate.Config{})
	now := time.Now()
	var outs []translate.Output
	events := 0
	handle := func(f *esl.Frame) error {
		if f.ContentType != esl.TypeEventPlain {
			return nil
		}
		e, err := esl.EventFromFrame(f, "fs", now)
		if err != nil {
			return err
		}
		events++
		outs = tr.Translate(outs[:0], e)
		return nil
	}
	feedtest.BenchStream(b, data, 4096, func() *esl.Stream { return esl.NewStream(esl.Limits{}) }, handle, &events)
}

// BenchmarkParseTranslateAMI is the same for the AMI stream parser and the Asterisk
// translator.
func BenchmarkParseTranslateAMI(b *testing.B) {
	data := corpus(b, "testdata/asterisk/*.ami")
	tr := translate.NewAsterisk(translate.Config{})
	now := time.Now()
	var outs []translate.Output
	events := 0
	handle := func(blk *ami.Block) error {
		if blk.Kind != ami.KindEvent {
			return nil
		}
		events++
		e := feed.Event{Dialect: feed.Asterisk, Source: "ast", Headers: blk.Headers, Raw: blk.Raw, Received: now}
		outs = tr.Translate(outs[:0], &e)
		return nil
	}
	feedtest.BenchStream(b, data, 4096, func() *ami.Stream { return ami.NewStream(ami.Limits{}, false) }, handle, &events)
}

// BenchmarkTranslateESL is the FreeSWITCH translator alone on pre-parsed events, to
// separate translation from parsing cost.
func BenchmarkTranslateESL(b *testing.B) {
	data := corpus(b, "testdata/freeswitch/*.esl")
	var evs []*feed.Event
	st := esl.NewStream(esl.Limits{})
	if err := st.Write(data, func(f *esl.Frame) error {
		e, err := esl.EventFromFrame(f, "fs", time.Now())
		evs = append(evs, e)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	tr := translate.NewFreeSWITCH(translate.Config{})
	var outs []translate.Output
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := benchcpu.Used()
	for i := 0; i < b.N; i++ {
		for _, e := range evs {
			outs = tr.Translate(outs[:0], e)
		}
	}
	reportRates(b, len(evs)*b.N, cpu0)
}

// BenchmarkParseOnlyESL is the transports' stream parser alone on the same corpus, to
// show how the parse+translate figure splits.
func BenchmarkParseOnlyESL(b *testing.B) {
	data := corpus(b, "testdata/freeswitch/*.esl")
	now := time.Now()
	events := 0
	handle := func(f *esl.Frame) error {
		if _, err := esl.EventFromFrame(f, "fs", now); err != nil {
			return err
		}
		events++
		return nil
	}
	feedtest.BenchStream(b, data, 4096, func() *esl.Stream { return esl.NewStream(esl.Limits{}) }, handle, &events)
}

// reportRates reports events per wall-clock second and per CPU second.
func reportRates(b *testing.B, events int, cpu0 time.Duration) {
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if cpu := benchcpu.Used() - cpu0; cpu > 0 {
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	}
}
