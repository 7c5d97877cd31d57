package adapter_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/internal/testrig"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/lemf/lemftest"
	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/ami"
	"github.com/umli/umli/umsys/content"
	"github.com/umli/umli/umsys/esl"
)

// e2eConfig puts the simulator's target box under an IRI+CC warrant.
func e2eConfig(hi2, hi3 string) string {
	return fmt.Sprintf(`instance: e2e-um
operator: OP-TEST
networkElement: ne-default
sessions: {idleTimeout: 1m, sweepInterval: 100ms}
handover: {keepAlive: 1s, keepAliveTimeout: 1s}
destinations:
  - {name: lea, hi2: "%s", hi3: "%s", version: ver20}
warrants:
  - liid: UM-TARGET
    destination: lea
    scope: iri+cc
    start: 2020-01-01T00:00:00Z
    targets: [{boxID: "1000@um.example.net"}, {boxID: "1000@example.net"}]
`, hi2, hi3)
}

// TestEndToEnd drives the UM simulator over real TCP (ESL, then AMI), through the
// transports, the adapter, mediation with a real redis-server and handover, to the
// LEMF simulator, and checks what the LEMF received: one CIN per call, each from
// iRI-Begin to iRI-End, the events each scenario is about, and the message audio as
// complete CC linked to its IRI. The dialects run on separate systems because the
// LEMF summary keys CINs by number only, and CINs are unique per network element.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	t.Run("freeswitch", func(t *testing.T) {
		cins := runE2E(t, true) // waits for the deposits' and the deleted greeting's audio too
		checkCalls(t, cins, [][]string{
			{"message-box:connect", "message-box:greeting-play", "message:deposit", "message-box:disconnect"},
			{"message-box:connect", "message-box:greeting-play", "message:deposit", "message-box:disconnect"},
			{"message-box:connect", "message-box:greeting-play", "message:slamdown", "message-box:disconnect"},
			{"message-box:connect", "message-box:login", "message-box:login", "message-box:login", "message-box:logout"},
			{"message-box:login", "message:retrieve", "message:retrieve", "message:retrieve", "message:retrieve", "message:delete", "message-box:logout"},
			{"message-box:login", "message-box:greeting-record", "message-box:greeting-change", "message-box:logout"},
			{"message-box:login", "message-box:greeting-delete", "message-box:logout"},
			{"message-box:login", "message-box:pin-change", "message-box:logout"},
			{"message-box:connect", "message-box:greeting-play", "message:deposit", "message-notification:email", "message-box:disconnect"},
			{"message-box:login", "message-box:logout"},
			{"message-box:login", "message-box:disconnect"},
		})
		if n := depositsWithCC(cins); n != 3 {
			t.Errorf("%d deposits with their audio as CC, want 3", n)
		}
		// Table 5 greeting-delete: remove-greeting takes greeting 1 (chosen in the
		// greeting-change call) out of use; its audio is the CC.
		if n := eventsWithCC(cins, "message-box:greeting-delete"); n != 1 {
			t.Errorf("%d greeting-delete events with the greeting as CC, want 1", n)
		}
	})
	t.Run("json", func(t *testing.T) {
		testJSONEndToEnd(t)
	})
	t.Run("asterisk", func(t *testing.T) {
		cins := runE2E(t, false)
		checkCalls(t, cins, [][]string{
			{"message-box:connect", "message:deposit", "message-box:disconnect"},
			{"message-box:connect", "message:slamdown", "message-box:disconnect"},
			{"message-box:connect", "message-box:pin-change", "message-box:logout"},
			{"message-box:connect", "message-box:logout"},
			{"message-box:connect", "message-box:disconnect"},
		})
		// Table 5 deposit on Asterisk: the message file VM_MESSAGEFILE names in the spool.
		if n := depositsWithCC(cins); n != 1 {
			t.Errorf("%d Asterisk deposits with their audio as CC, want 1", n)
		}
	})
}

// e2eSystem is LEMF, redis, handover and mediation, running until the test ends.
type e2eSystem struct {
	ctx context.Context
	run func(func(context.Context) error)
	log zerolog.Logger
	lm  *lemf.LEMF
	med *mediation.Mediator
	reg *prometheus.Registry
}

func startE2E(t *testing.T) *e2eSystem {
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)
	lm := lemftest.Start(t, lemf.Config{Logger: zerolog.Nop()})
	cfg := testrig.Parse(t, "e2e.yaml", e2eConfig(lm.HI2.String(), lm.HI3.String()))
	core := testrig.Run(t, cfg, pipeline.Options{Log: log})
	// What the test runs stops first (cleanups run last in, first out), then the core,
	// Redis and the LEMF.
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	run := func(f func(context.Context) error) {
		wg.Add(1)
		go func() { defer wg.Done(); _ = f(ctx) }()
	}
	return &e2eSystem{ctx: ctx, run: run, log: log, lm: lm.LEMF, med: core.Mediator, reg: core.Registry}
}

// runE2E plays every scenario of one dialect and returns the CINs the LEMF saw once
// every call has ended there.
func runE2E(t *testing.T, fs bool) []lemf.CINSummary {
	sys := startE2E(t)
	ctx, run, log, lm, med, reg := sys.ctx, sys.run, sys.log, sys.lm, sys.med, sys.reg
	contentDir := t.TempDir()
	um, err := umsim.NewUM(umsim.Config{ContentDir: contentDir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	run(um.Run)
	fetch, err := content.New(content.Config{Roots: []content.Root{{Prefix: contentDir}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fetch.Close() })
	ad, err := adapter.New(adapter.Config{Content: fetch, Logger: log, Registry: reg}, med)
	if err != nil {
		t.Fatal(err)
	}
	run(ad.Run)
	calls := len(um.Script().Asterisk.Scenarios)
	nESL, nAMI := 0, 1
	if fs {
		calls, nESL, nAMI = len(um.Script().FreeSWITCH.Scenarios), 1, 0
		ec, err := esl.NewClient(esl.Config{Addr: um.Addrs().ESL, Password: "ClueCon", Source: "fs-um-1", Logger: log}, ad.Handler(ctx))
		if err != nil {
			t.Fatal(err)
		}
		run(ec.Run)
	} else {
		ac, err := ami.NewClient(ami.Config{Addr: um.Addrs().AMI, Username: "umli", Secret: "ClueCon", Source: "ast-um-1", Logger: log}, ad.Handler(ctx))
		if err != nil {
			t.Fatal(err)
		}
		run(ac.Run)
	}
	wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
	defer wcancel()
	if err := um.WaitSubscribers(wctx, nESL, nAMI); err != nil {
		t.Fatal(err)
	}
	if err := um.Play(wctx, "all"); err != nil {
		t.Fatal(err)
	}
	for {
		var cins []lemf.CINSummary
		ended := 0
		for _, l := range lm.Summary().LIIDs {
			for _, c := range l.CINs {
				cins = append(cins, c)
				if n := len(c.Events); n > 0 && c.Events[n-1].IRIType == "iRI-End" && allComplete(c) {
					ended++
				}
			}
		}
		// HI3 is a stream of its own: CC may arrive after the iRI-End on HI2, so wait
		// for every CC the callers check, not only the deposits'.
		if ended >= calls && ccArrived(cins, fs) {
			if len(cins) != calls {
				t.Errorf("%d CINs for %d calls", len(cins), calls)
			}
			return cins
		}
		select {
		case <-wctx.Done():
			t.Fatalf("%d of %d calls ended at the LEMF: %+v", ended, calls, cins)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// checkCalls: every CIN runs iRI-Begin … iRI-End with complete, typed, linked CC, and
// each expected call shows its events in order in a CIN of its own.
func checkCalls(t *testing.T, cins []lemf.CINSummary, want [][]string) {
	t.Helper()
	var sigs [][]string
	for _, c := range cins {
		var sig []string
		for i, e := range c.Events {
			w := "iRI-Continue"
			switch i {
			case 0:
				w = "iRI-Begin"
			case len(c.Events) - 1:
				w = "iRI-End"
			}
			if e.IRIType != w {
				t.Errorf("CIN %d event %d (%s) is %s, want %s", *c.CIN, i, e.Category, e.IRIType, w)
			}
			sig = append(sig, e.Category)
		}
		if c.IRI.Gaps != 0 || c.IRI.Duplicates != 0 {
			t.Errorf("CIN %d IRI sequence: %+v", *c.CIN, c.IRI)
		}
		sigs = append(sigs, sig)
		for _, cc := range c.Content {
			if !cc.Complete || cc.ContentType != "audio/wav" || cc.EventIdentifier == nil || !hasEventID(c, *cc.EventIdentifier) {
				t.Errorf("CIN %d content %+v", *c.CIN, cc)
			}
		}
	}
	// Most specific first, so a shorter pattern cannot take the call a longer one needs.
	want = slices.Clone(want)
	slices.SortStableFunc(want, func(a, b []string) int { return len(b) - len(a) })
	for _, w := range want {
		i := slices.IndexFunc(sigs, func(s []string) bool { return subsequence(s, w) })
		if i < 0 {
			t.Errorf("no call shows %s in %v", strings.Join(w, " → "), sigs)
			continue
		}
		sigs = slices.Delete(sigs, i, i+1)
	}
}

// ccArrived reports whether every CC a dialect's scenarios carry has reached the
// LEMF: three deposits and the deleted greeting on FreeSWITCH, one deposit on Asterisk.
func ccArrived(cins []lemf.CINSummary, fs bool) bool {
	if !fs {
		return depositsWithCC(cins) >= 1
	}
	return depositsWithCC(cins) >= 3 && eventsWithCC(cins, "message-box:greeting-delete") >= 1
}

// depositsWithCC counts deposit IRIs whose audio arrived complete with their
// event-identifier.
func depositsWithCC(cins []lemf.CINSummary) int { return eventsWithCC(cins, "message:deposit") }

// eventsWithCC counts IRIs of category whose content arrived complete with their
// event-identifier.
func eventsWithCC(cins []lemf.CINSummary, category string) int {
	n := 0
	for _, c := range cins {
		for _, e := range c.Events {
			if e.Category == category && e.EventIdentifier != nil && hasContent(c, *e.EventIdentifier) {
				n++
			}
		}
	}
	return n
}

func subsequence(have, want []string) bool {
	i := 0
	for _, h := range have {
		if i < len(want) && h == want[i] {
			i++
		}
	}
	return i == len(want)
}

func hasEventID(c lemf.CINSummary, id uint32) bool {
	for _, e := range c.Events {
		if e.EventIdentifier != nil && *e.EventIdentifier == id {
			return true
		}
	}
	return false
}

func hasContent(c lemf.CINSummary, id uint32) bool {
	for _, cc := range c.Content {
		if cc.EventIdentifier != nil && *cc.EventIdentifier == id && cc.Complete {
			return true
		}
	}
	return false
}

func allComplete(c lemf.CINSummary) bool {
	for _, cc := range c.Content {
		if !cc.Complete {
			return false
		}
	}
	return true
}
