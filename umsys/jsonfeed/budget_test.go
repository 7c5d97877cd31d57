package jsonfeed

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/testmetric"
	"github.com/umli/umli/umsys/feed"
)

// TestLineBufferBudget: partial lines beyond FreeLineBytes draw on the server's
// MaxBufferedBytes. A connection that needs more than is left is closed and counted
// (buffer-budget); the one holding the budget still completes its line, and once it
// did the budget is free again for the next connection.
func TestLineBufferBudget(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := feed.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan *feed.Event, 16)
	srv, err := NewLineServer(LineConfig{Source: "budget", MaxBufferedBytes: 128 << 10, Logger: zerolog.Nop(), Metrics: m},
		func(e *feed.Event) error { events <- e; return nil })
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ctx, ln)
	dial := func() net.Conn {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	head := `{"event":"deposit","pad":"`
	pad := strings.Repeat("x", 100<<10) // 100 KiB: more than half the budget with growth
	a := dial()
	if _, err := io.WriteString(a, head+pad); err != nil {
		t.Fatal(err)
	}
	// All of a's partial line is buffered (and reserved) before b starts.
	waitFor(t, func() bool { return srv.buffered.Load() >= 100<<10-FreeLineBytes })
	b := dial()
	io.WriteString(b, head+pad) // may fail once umli closed b
	b.SetReadDeadline(time.Now().Add(10 * time.Second))
	// EOF or a reset (umli closed with b's bytes unread); a timeout means b was kept.
	if _, err := b.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("second large partial line: read %v, want the connection closed for the budget", err)
	}
	if n := testmetric.Counter(m.FrameErrors.WithLabelValues("json", "budget", "buffer-budget")); n != 1 {
		t.Fatalf("buffer-budget count %v, want 1", n)
	}
	io.WriteString(a, "\"}\n")
	select {
	case e := <-events:
		if len(e.Raw) < 100<<10 {
			t.Fatalf("event of %d bytes, want the whole line", len(e.Raw))
		}
	case <-ctx.Done():
		t.Fatal("the connection holding the budget lost its line")
	}
	a.Close()
	waitFor(t, func() bool { return srv.buffered.Load() == 0 })
	c := dial()
	io.WriteString(c, head+pad+"\"}\n")
	select {
	case <-events:
	case <-ctx.Done():
		t.Fatal("budget not given back: the next large line was refused")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i > 1000 {
			t.Fatal("condition not reached in 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
