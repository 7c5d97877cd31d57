package esl_test

import (
	"github.com/umli/umli/internal/benchcpu"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/esl"
)

// benchParse streams data through Stream + EventFromFrame in 64 KiB reads, as Serve
// does, and reports events per second.
func benchParse(b *testing.B, data []byte) {
	b.Helper()
	var events int
	now := time.Now()
	cpu0 := benchcpu.Used()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := esl.NewStream(esl.Limits{})
		rest := data
		for len(rest) > 0 {
			n := min(64<<10, len(rest))
			if err := s.Write(rest[:n], func(f *esl.Frame) error {
				if _, err := esl.EventFromFrame(f, "bench", now); err != nil {
					return err
				}
				events++
				return nil
			}); err != nil {
				b.Fatal(err)
			}
			rest = rest[n:]
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	// On a shared machine wall time understates one core; CPU time does not.
	b.ReportMetric(float64(events)/(benchcpu.Used()-cpu0).Seconds(), "events/cpu-s")
}

// BenchmarkESLParse: channel-bearing events as umsim plays them (~2.9 KB, ~90
// headers each) and the small mwi-update of vendor-feeds.md §6.6.
func BenchmarkESLParse(b *testing.B) {
	s, err := umsim.LoadScript()
	if err != nil {
		b.Fatal(err)
	}
	var all []byte
	for _, sc := range s.FreeSWITCH.Scenarios {
		t, err := s.FSTranscript(sc.Name, umsim.DefaultFSContentDir)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, t...)
	}
	small, err := os.ReadFile(filepath.Join("testdata", "torture", "valid", "mwi-update.esl"))
	if err != nil {
		b.Fatal(err)
	}
	var smalls []byte
	for range 200 {
		smalls = append(smalls, small...)
	}
	b.Run("channel-events", func(b *testing.B) { benchParse(b, all) })
	b.Run("mwi-update", func(b *testing.B) { benchParse(b, smalls) })
}
