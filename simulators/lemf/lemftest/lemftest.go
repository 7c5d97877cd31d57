// Package lemftest runs a real simulators/lemf LEMF on loopback for one test, the
// set-up every end-to-end test of the handover repeats otherwise.
package lemftest

import (
	"context"
	"net"
	"testing"

	"github.com/umli/umli/simulators/lemf"
)

// LEMF is a LEMF serving HI2 and HI3 on loopback until Stop or the end of the test.
type LEMF struct {
	*lemf.LEMF
	// HI2 and HI3 are the listening addresses.
	HI2, HI3 net.Addr
	done     chan error
}

// Start creates a LEMF from cfg (an empty OutDir gets a temp dir; listen addresses
// default to free loopback ports) and serves it. At cleanup it is closed and its Run
// waited for.
func Start(tb testing.TB, cfg lemf.Config) *LEMF {
	tb.Helper()
	if cfg.OutDir == "" {
		cfg.OutDir = tb.TempDir()
	}
	lm, err := lemf.New(cfg)
	if err != nil {
		tb.Fatalf("lemftest: %v", err)
	}
	l := &LEMF{LEMF: lm, done: make(chan error, 1)}
	l.HI2, l.HI3 = lm.Addrs()
	go func() { l.done <- lm.Run(context.Background()) }()
	tb.Cleanup(func() {
		_ = lm.Close()
		<-l.done
		l.done <- nil
	})
	return l
}

// Stop closes the LEMF, which finalizes its output files, reports a failure to close
// as a test error, and waits until Run has returned.
func (l *LEMF) Stop(tb testing.TB) {
	tb.Helper()
	if err := l.Close(); err != nil {
		tb.Errorf("lemftest: close: %v", err)
	}
	l.done <- <-l.done
}

// OnlyCIN is the one CIN of the one LIID the LEMF has received; ok is false while it
// holds none, or more than one of either.
func (l *LEMF) OnlyCIN() (c lemf.CINSummary, ok bool) {
	s := l.Summary()
	if len(s.LIIDs) != 1 || len(s.LIIDs[0].CINs) != 1 {
		return lemf.CINSummary{}, false
	}
	return s.LIIDs[0].CINs[0], true
}
