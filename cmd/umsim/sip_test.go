package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture/siprec"
)

// collector keeps what the recording endpoint submits.
type collector struct {
	mu   sync.Mutex
	recs []*record.Record
}

func (c *collector) Submit(_ context.Context, r *record.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs = append(c.recs, r)
	return nil
}

// ccBytes sums the MessagingCC content of one correlation key and counts ended streams.
func (c *collector) ccBytes(key string) (n, ended int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.recs {
		if r.MessagingCC != nil && r.CorrelationKey == key {
			n += len(r.MessagingCC.Content)
			if r.MessagingCC.EndOfSequence {
				ended++
			}
		}
	}
	return n, ended
}

// TestSIPDepositToRecordingEndpoint runs `umsim sip` against umli's SIPREC endpoint
// over UDP: the command reports the call, the endpoint gets its forked media.
func TestSIPDepositToRecordingEndpoint(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // hang guard
	defer cancel()
	sink := &collector{}
	ep, err := siprec.New(siprec.Config{Source: "fs-um-1", Sink: sink, MediaAddr: netip.MustParseAddr("127.0.0.1"), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = ep.ServeUDP(sctx, pc) }()
	defer func() { stop(); <-done; _ = ep.Close() }()

	var out bytes.Buffer
	err = run([]string{"sip", "--srs", pc.LocalAddr().String(), "--mode", "deposit", "--duration", "400ms", "--uuid", "demo-uuid-1"}, &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "deposit\tcall-id=") || !strings.Contains(out.String(), "uuid=demo-uuid-1\t") {
		t.Errorf("output %q", out.String())
	}
	// Both directions, once per candidate party (box owner and caller), end-of-sequence.
	for {
		n, ended := sink.ccBytes("demo-uuid-1")
		if ended >= 4 {
			if n == 0 {
				t.Error("no media content")
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d content bytes, %d of 4 streams ended", n, ended)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
