package siprec

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	dto "github.com/prometheus/client_model/go"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
)

// offerN is an offer with n send-only audio m-lines from 127.0.0.1.
func offerN(n int) string {
	var b strings.Builder
	b.WriteString("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n")
	for i := range n {
		fmt.Fprintf(&b, "m=audio %d RTP/AVP 8\r\na=sendonly\r\n", 40000+2*i)
	}
	return b.String()
}

func statusOf(err error) int {
	var de *sipgo.ErrDialogResponse
	if errors.As(err, &de) {
		return de.Res.StatusCode
	}
	return 0
}

// TestMediaCaps: an offer with more audio streams than MaxStreamsPerOffer is refused
// with 488 and opens no socket; offers beyond MaxStreams get 503 until a call ends
// (issue 21: m-line bursts must not take the process's descriptors).
func TestMediaCaps(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ep, srs := startEndpoint(t, ctx, Config{Source: "srs-t", Sink: capturetest.NewSink(), MaxStreams: 3})
	src := newTestSRC(t)

	for range 5 {
		_, err := src.invite(ctx, srs, offerN(8))
		if statusOf(err) != 488 {
			t.Fatalf("8 m-lines: %v, want 488", err)
		}
	}
	if n := ep.media.Load(); n != 0 {
		t.Fatalf("%d media sockets open after refused offers", n)
	}
	first, err := src.invite(ctx, srs, offerN(2))
	if err != nil {
		t.Fatalf("2 m-lines: %v", err)
	}
	if n := ep.media.Load(); n != 2 {
		t.Fatalf("media sockets = %d, want 2", n)
	}
	if _, err := src.invite(ctx, srs, offerN(2)); statusOf(err) != 503 {
		t.Fatalf("over MaxStreams: %v, want 503", err)
	}
	if n := ep.media.Load(); n != 2 {
		t.Fatalf("media sockets after 503 = %d, want 2", n)
	}
	if err := first.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	for ep.media.Load() != 0 {
		select {
		case <-ctx.Done():
			t.Fatalf("media sockets still %d after BYE", ep.media.Load())
		case <-time.After(10 * time.Millisecond):
		}
	}
	again, err := src.invite(ctx, srs, offerN(3))
	if err != nil {
		t.Fatalf("after BYE, 3 m-lines: %v", err)
	}
	_ = again.Bye(ctx)
}

func TestMaxStreamsDefaults(t *testing.T) {
	tests := []struct {
		name            string
		min, max, in    int
		want, wantOffer int
	}{
		{"ephemeral", 0, 0, 0, 1024, 4},
		{"range ceiling", 30000, 30009, 0, 5, 4},
		{"range caps config", 30000, 30009, 100, 5, 4},
		{"below range", 30000, 30999, 10, 10, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Config{Sink: capturetest.NewSink(), PortMin: tc.min, PortMax: tc.max, MaxStreams: tc.in}
			c.MediaAddr = netip.MustParseAddr("127.0.0.1")
			if err := c.defaults(); err != nil {
				t.Fatal(err)
			}
			if c.MaxStreams != tc.want || c.MaxStreamsPerOffer != tc.wantOffer {
				t.Errorf("MaxStreams %d, per offer %d; want %d, %d", c.MaxStreams, c.MaxStreamsPerOffer, tc.want, tc.wantOffer)
			}
		})
	}
}

// TestPendingPerPeer: a peer's INVITEs answered but not ACKed count against
// MaxPendingPerPeer; one more is refused with 503 and Retry-After and counted, and
// once an ACK completes one of them the peer is served again (issue 21: INVITEs never
// ACKed must not cycle through the media sockets).
func TestPendingPerPeer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	refused, err := NewRefused(nil)
	if err != nil {
		t.Fatal(err)
	}
	ep, srs := startEndpoint(t, ctx, Config{Source: "srs-p", Sink: capturetest.NewSink(), MaxPendingPerPeer: 2, Refused: refused})
	src := newTestSRC(t)
	unacked := func() (*sipgo.DialogClientSession, error) {
		req := inviteRequest(srs, offerN(1))
		dlg, err := src.dua.WriteInvite(ctx, req)
		if err != nil {
			return nil, err
		}
		return dlg, dlg.WaitAnswer(ctx, sipgo.AnswerOptions{})
	}
	var held []*sipgo.DialogClientSession
	for i := range 2 {
		d, err := unacked()
		if err != nil {
			t.Fatalf("INVITE %d within the cap: %v", i, err)
		}
		held = append(held, d)
	}
	if n := ep.Pending(); n != 2 {
		t.Fatalf("pending = %d, want 2", n)
	}
	_, err = unacked()
	var de *sipgo.ErrDialogResponse
	if !errors.As(err, &de) || de.Res.StatusCode != 503 || de.Res.GetHeader("Retry-After") == nil {
		t.Fatalf("INVITE over the pending cap: %v, want 503 with Retry-After", err)
	}
	var m dto.Metric
	if err := refused.WithLabelValues("srs-p", RefusedPending).Write(&m); err != nil || m.GetCounter().GetValue() != 1 {
		n := m.GetCounter().GetValue()
		t.Fatalf("refused{pending_peer} = %v, want 1", n)
	}
	if err := held[0].Ack(ctx); err != nil {
		t.Fatal(err)
	}
	for ep.Pending() != 1 {
		select {
		case <-ctx.Done():
			t.Fatalf("pending still %d after an ACK", ep.Pending())
		case <-time.After(10 * time.Millisecond):
		}
	}
	d, err := src.invite(ctx, srs, offerN(1))
	if err != nil {
		t.Fatalf("INVITE after an ACK freed a slot: %v", err)
	}
	_ = d.Bye(ctx)
	_ = held[0].Bye(ctx)
}
