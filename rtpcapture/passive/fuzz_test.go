package passive

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/rs/zerolog"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
)

// FuzzPassiveCapture reads arbitrary bytes as a pcap file: frames, SIP, SDP and RTP
// from outside must never panic the capture.
func FuzzPassiveCapture(f *testing.F) {
	if b, err := os.ReadFile(callsPcap); err == nil {
		// The head of the capture: INVITE, answer, the first RTP of both calls.
		f.Add(b[:min(len(b), 8192)])
	}
	f.Add([]byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := New(Config{Sink: capturetest.NewSink(), Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		_ = c.ReadPcap(context.Background(), bytes.NewReader(data))
		if c.Stats.RTP > c.Stats.Frames {
			t.Fatalf("stats = %+v", c.Stats)
		}
	})
}
