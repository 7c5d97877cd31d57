package siprec

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
)

// TestSipgoLogsThroughZerolog checks that sipgo's own complaints (here: a datagram it
// cannot parse) reach the endpoint's zerolog.Logger, tagged component=sipgo, without
// the message text and the identity in it.
func TestSipgoLogsThroughZerolog(t *testing.T) {
	const identity = "+4917099999"
	tests := []struct {
		name, datagram string
	}{
		{"bad start line", "INVITE sip:" + identity + "@um.example SIP/9.9\r\nCall-ID: x\r\n\r\n"},
		{"bad header", "OPTIONS sip:" + identity + "@um.example SIP/2.0\r\nVia: \x00\r\nFrom\r\n\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf testlog.Buffer
			ep, err := New(Config{Sink: capturetest.NewSink(), MediaAddr: netip.MustParseAddr("127.0.0.1"), Log: zerolog.New(&buf)})
			if err != nil {
				t.Fatal(err)
			}
			pc, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- ep.ServeUDP(ctx, pc) }()
			defer func() {
				cancel()
				if err := ep.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
				_ = pc.Close()
				<-done
			}()
			c, err := net.Dial("udp", pc.LocalAddr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write([]byte(tc.datagram)); err != nil {
				t.Fatal(err)
			}
			// The deadline only guards against a hang.
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(buf.String(), `"component":"sipgo"`) {
				if time.Now().After(deadline) {
					t.Fatalf("no sipgo log line reached zerolog; got %q", buf.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			out := buf.String()
			if !strings.Contains(out, `"level":"error"`) || !strings.Contains(out, `"redacted":`) {
				t.Errorf("sipgo line = %s", out)
			}
			if strings.Contains(out, identity) || strings.Contains(out, "um.example") {
				t.Errorf("SIP content leaked into the log: %s", out)
			}
		})
	}
}
