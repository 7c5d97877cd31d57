package faults_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/proof/chain"
	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/content"
	"github.com/umli/umli/umsys/esl"
)

// TestUMFeedCutMidFrame plays the FreeSWITCH scenarios in a loop over ESL (fragmented
// writes) through a TCP proxy that cuts the connection in the middle of a frame, and
// TestUMFeedGarbage does the same but injects malformed ESL (random bytes, then a header
// block announcing an absurd Content-Length) before the cut. What the feed lost on the
// wire is gone at the source (ESL has no replay); what umli numbered must all reach the
// LEMF without a gap, and the feed client must reconnect and deliver a clean round of
// calls afterwards.
func TestUMFeedCutMidFrame(t *testing.T) { umFeedFault(t, nil) }

// TestUMFeedGarbage: see TestUMFeedCutMidFrame.
func TestUMFeedGarbage(t *testing.T) {
	junk := make([]byte, 2048)
	_, _ = rand.Read(junk)
	junk = append(junk, "Content-Length: 99999999999999999999\nContent-Type: text/event-json\n\n{\"Event-Name\":"...)
	umFeedFault(t, junk)
}

func umFeedFault(t *testing.T, junk []byte) {
	r := newRig(t)
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	run := func(f func(context.Context) error) {
		wg.Add(1)
		go func() { defer wg.Done(); _ = f(ctx) }()
	}
	dir := t.TempDir()
	um, err := umsim.NewUM(umsim.Config{ContentDir: dir, WriteChunk: 16, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	run(um.Run)
	fetch, err := content.New(content.Config{Roots: []content.Root{{Prefix: dir}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fetch.Close() })
	ad, err := adapter.New(adapter.Config{Content: fetch, Logger: log}, r.node.Med)
	if err != nil {
		t.Fatal(err)
	}
	run(ad.Run)
	px := chain.StartProxy(t, um.Addrs().ESL)
	ec, err := esl.NewClient(esl.Config{Addr: px.Addr, Password: "ClueCon", Source: "fs-um-1", Logger: log}, ad.Handler(ctx))
	if err != nil {
		t.Fatal(err)
	}
	run(ec.Run)

	// Steady load: the scenarios over and over, re-subscribing after a cut.
	stop := make(chan struct{})
	played := make(chan int, 1)
	go func() {
		rounds := 0
		defer func() { played <- rounds }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			wctx, wcancel := context.WithTimeout(ctx, time.Minute)
			err := um.WaitSubscribers(wctx, 1, 0)
			if err == nil {
				err = um.Play(wctx, "all")
			}
			wcancel()
			if err == nil {
				rounds++
			}
		}
	}()
	time.Sleep(r.tm.warm)
	faults := 1
	if long() {
		faults = 6 // one cut every ten seconds of the minute
	}
	for range faults {
		px.CutMidFrame(junk)
		chain.WaitFor(t, "the cut to happen", time.Minute, func() bool { return !px.Armed() })
		time.Sleep(r.tm.outage / time.Duration(faults))
	}
	close(stop)
	if rounds := <-played; rounds == 0 {
		t.Fatalf("no complete round of scenarios was played")
	}

	// Still serving: one clean round after the faults reaches the LEMF whole.
	before := endedCalls(r)
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	if err := um.WaitSubscribers(wctx, 1, 0); err != nil {
		t.Fatal(err)
	}
	if err := um.Play(wctx, "all"); err != nil {
		t.Fatal(err)
	}
	calls := len(um.Script().FreeSWITCH.Scenarios)
	if !chain.Await(time.Minute, func() bool { return endedCalls(r) >= before+calls }) {
		t.Fatalf("a clean round after the cut: %d calls ended before it, %d now, want +%d; %s", before, endedCalls(r), calls, describe(r))
	}
	if err := r.node.Med.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	queued := 0
	chain.WaitFor(t, "every numbered PDU at the LEMF", time.Minute, func() bool {
		queued = int(chain.Sum(r.node.Reg, "umli_mediation_pdus_queued_total"))
		return r.delivered() >= queued
	})
	after := endedCalls(r) - before
	r.node.Stop()
	set, err := r.lm.Read()
	if err != nil {
		t.Fatal(err)
	}
	tally, err := chain.Check(set, queued, -1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d cut(s), %d calls ended after them: %v", faults, after, tally)
}

// endedCalls counts CINs whose last IRI so far is an iRI-End.
func endedCalls(r *rig) int {
	lm := r.lm.Current()
	if lm == nil {
		return 0
	}
	n := 0
	for _, l := range lm.Summary().LIIDs {
		for _, c := range l.CINs {
			if k := len(c.Events); k > 0 && c.Events[k-1].IRIType == "iRI-End" {
				n++
			}
		}
	}
	return n
}

// describe renders the LEMF's CINs and mediation's counters for a failure message.
func describe(r *rig) string {
	out := fmt.Sprintf("records %v, dropped %v, queued PDUs %v;", chain.Sum(r.node.Reg, "umli_mediation_records_total"),
		chain.Sum(r.node.Reg, "umli_mediation_records_dropped_total"), chain.Sum(r.node.Reg, "umli_mediation_pdus_queued_total"))
	if lm := r.lm.Current(); lm != nil {
		for _, l := range lm.Summary().LIIDs {
			for _, c := range l.CINs {
				out += fmt.Sprintf(" %d:", *c.CIN)
				for _, e := range c.Events {
					out += e.IRIType[4:5]
				}
			}
		}
	}
	return out
}
