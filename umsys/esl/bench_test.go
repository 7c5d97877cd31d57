package esl_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/esl"
	"github.com/umli/umli/umsys/feed/feedtest"
)

// benchParse streams data through Stream + EventFromFrame in 64 KiB reads, as Serve
// does, and reports events per second.
func benchParse(b *testing.B, data []byte) {
	b.Helper()
	var events int
	now := time.Now()
	feedtest.BenchStream(b, data, 64<<10, func() *esl.Stream { return esl.NewStream(esl.Limits{}) }, func(f *esl.Frame) error {
		if _, err := esl.EventFromFrame(f, "bench", now); err != nil {
			return err
		}
		events++
		return nil
	}, &events)
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
