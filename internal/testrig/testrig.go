// Package testrig runs umli's core for one test: handover and mediation built by
// internal/pipeline from a product configuration on a real Redis, the set-up every
// end-to-end test of mediation or of a source repeats otherwise. Tests build through
// the same assembly as `umli run`, so what they prove holds for what users run.
package testrig

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/internal/testredis"
)

// Parse parses yaml as the configuration file name, failing the test on an error.
func Parse(tb testing.TB, name, yaml string) *config.Config {
	tb.Helper()
	cfg, err := config.Parse(name, []byte(yaml))
	if err != nil {
		tb.Fatalf("testrig: %v", err)
	}
	return cfg
}

// Backoff returns a pipeline.Options.Handover that redials every destination between
// lo and hi, so tests that drop a LEMF see handover come back quickly.
func Backoff(lo, hi time.Duration) func(*handover.Config) {
	return func(hc *handover.Config) {
		for i := range hc.Destinations {
			hc.Destinations[i].Backoff = handover.Backoff{Min: lo, Max: hi}
		}
	}
}

// Core is handover and mediation (and the delivery audit with an audit log) of one
// configuration, running from Start until Stop or the end of the test.
type Core struct {
	*pipeline.Pipeline
	tb     testing.TB
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds the core from cfg with opt; nothing runs yet, so a test can install hooks
// on the Mediator first. Without opt.Redis the core gets a redis-server of its own
// (internal/testredis), stopped after the core at the end of the test.
func New(tb testing.TB, cfg *config.Config, opt pipeline.Options) *Core {
	tb.Helper()
	if opt.Redis == nil {
		opt.Redis = testredis.Start(tb).Client(tb)
	}
	p, err := pipeline.New(cfg, opt)
	if err != nil {
		tb.Fatalf("testrig: %v", err)
	}
	return &Core{Pipeline: p, tb: tb}
}

// Run is New then Start.
func Run(tb testing.TB, cfg *config.Config, opt pipeline.Options, extra ...func(context.Context) error) *Core {
	tb.Helper()
	c := New(tb, cfg, opt)
	c.Start(extra...)
	return c
}

// Start runs handover, mediation, the delivery audit and extra until Stop; an error
// any of them returns (handover and mediation return none when stopped) fails the
// test. Stop runs at the end of the test if the test has not called it.
func (c *Core) Start(extra ...func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	runs := append([]func(context.Context) error{c.Handover.Run, c.Mediator.Run}, extra...)
	if c.Deliveries != nil {
		// Run ends with the context; the last summaries are Stop's flush.
		runs = append(runs, func(ctx context.Context) error { _ = c.Deliveries.Run(ctx); return nil })
	}
	for _, run := range runs {
		c.wg.Go(func() {
			if err := run(ctx); err != nil {
				c.tb.Error(err)
			}
		})
	}
	c.tb.Cleanup(c.Stop)
}

// Stop ends everything Start ran and waits for it, without a Drain (a test that wants
// every record delivered drains first), then writes the delivery audit's last
// summaries: handover has stopped, so they account for its last writes. Later calls do
// nothing.
func (c *Core) Stop() {
	if c.cancel == nil {
		return
	}
	c.cancel()
	c.cancel = nil
	c.wg.Wait()
	if c.Deliveries != nil {
		if err := c.Deliveries.Flush(); err != nil {
			c.tb.Error(err)
		}
	}
}
