package ami_test

import (
	"testing"
	"time"

	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/ami"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/feed/feedtest"
)

// BenchmarkAMIParse streams every Asterisk scenario (channel-snapshot events of
// 300-500 bytes) through Stream in 64 KiB reads and builds the feed.Event for each
// Event block, as Serve does.
func BenchmarkAMIParse(b *testing.B) {
	s, err := umsim.LoadScript()
	if err != nil {
		b.Fatal(err)
	}
	var data []byte
	for range 20 {
		for _, sc := range s.Asterisk.Scenarios {
			t, err := s.AMITranscript(sc.Name)
			if err != nil {
				b.Fatal(err)
			}
			data = append(data, t...)
		}
	}
	var events int
	now := time.Now()
	feedtest.BenchStream(b, data, 64<<10, func() *ami.Stream { return ami.NewStream(ami.Limits{}, false) }, func(bl *ami.Block) error {
		if bl.Err != nil || bl.Kind != ami.KindEvent {
			b.Fatalf("block %v %v", bl.Kind, bl.Err)
		}
		_ = &feed.Event{Dialect: feed.Asterisk, Source: "bench", Headers: bl.Headers, Raw: bl.Raw, Received: now}
		events++
		return nil
	}, &events)
}
