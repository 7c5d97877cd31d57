// Package feedtest runs a feed client (ami, esl) in a test and collects what it
// delivers, so the dialect tests share one harness.
package feedtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/umsys/feed"
)

// Runner collects a client's events, ready signals, metrics and logs.
type Runner struct {
	// Events receives every delivered event, in order.
	Events chan *feed.Event
	// Ready receives one value per session that came up (wire it to OnReady).
	Ready chan struct{}
	Reg   *prometheus.Registry
	M     *feed.Metrics
	// Logs captures the client's log output (wire Logger in).
	Logs   *testlog.Buffer
	Logger zerolog.Logger
}

// NewRunner makes a Runner with its own registry and an events buffer of size buf.
func NewRunner(tb testing.TB, buf int) *Runner {
	tb.Helper()
	reg := prometheus.NewRegistry()
	m, err := feed.NewMetrics(reg)
	if err != nil {
		tb.Fatal(err)
	}
	logs := &testlog.Buffer{}
	return &Runner{Events: make(chan *feed.Event, buf), Ready: make(chan struct{}, 16), Reg: reg, M: m, Logs: logs, Logger: zerolog.New(logs)}
}

// Handle is the feed.Handler to give the client.
func (r *Runner) Handle(e *feed.Event) error { r.Events <- e; return nil }

// OnReady is the OnReady callback to give the client.
func (r *Runner) OnReady() { r.Ready <- struct{}{} }

// Run runs the client's Run until the test ends.
func (r *Runner) Run(tb testing.TB, run func(context.Context) error) { Background(tb, run) }

// Fast reconnect waits for clients under test, so a dropped session comes back
// well within a test's patience.
const (
	BackoffMin = 5 * time.Millisecond
	BackoffMax = 50 * time.Millisecond
)

// RunClient runs the dialect client newClient builds from config (wired to a new
// Runner with an events buffer of buf) and then mod, until the test ends.
func RunClient[C any](tb testing.TB, buf int, config func(r *Runner) C, mod func(*C), newClient func(C, feed.Handler) (*feed.Client, error)) *Runner {
	tb.Helper()
	r := NewRunner(tb, buf)
	cfg := config(r)
	if mod != nil {
		mod(&cfg)
	}
	c, err := newClient(cfg, r.Handle)
	if err != nil {
		tb.Fatal(err)
	}
	r.Run(tb, c.Run)
	return r
}

// Background runs run (a client's or a simulator's Run) until the test ends, then
// cancels it and waits for it to return.
func Background(tb testing.TB, run func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = run(ctx); close(done) }()
	tb.Cleanup(func() { cancel(); <-done })
}

// Ctx is a per-test context; its 60 s timeout guards against a hung test and is
// not a timing assertion.
func Ctx(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// WaitReady waits for the next session to come up.
func (r *Runner) WaitReady(tb testing.TB, ctx context.Context) {
	tb.Helper()
	select {
	case <-r.Ready:
	case <-ctx.Done():
		tb.Fatal("client never became ready")
	}
}

// Take waits for the next n events.
func (r *Runner) Take(tb testing.TB, ctx context.Context, n int) []*feed.Event {
	tb.Helper()
	out := make([]*feed.Event, 0, n)
	for len(out) < n {
		select {
		case e := <-r.Events:
			out = append(out, e)
		case <-ctx.Done():
			tb.Fatalf("got %d of %d events", len(out), n)
		}
	}
	return out
}

// Torture reads testdata/torture/<dir>/*.<ext> (the dialect's captured and
// hand-made wire samples) by file name; it fails the test when there are none.
func Torture(tb testing.TB, dir, ext string) map[string][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "torture", dir, "*."+ext))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no torture files in %s: %v", dir, err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// WriteSplit hands data to write in chunks whose sizes cycle through sizes (each
// at least 1 byte), or whole when sizes is empty, as a framer fuzz target splits
// its input; it stops at the first error.
func WriteSplit(data []byte, sizes []int, write func(p []byte) error) error {
	for k := 0; len(data) > 0; k++ {
		n := len(data)
		if len(sizes) > 0 {
			n = min(max(1, sizes[k%len(sizes)]), len(data))
		}
		if err := write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}
