package proxy

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/lemf/lemftest"
)

// TestEndToEndLEMF: curl fetches through the proxy from Dovecot; the records go
// through a Handoff to the real mediation (Redis) and handover to the LEMF simulator.
// The LEMF gets one CIN for the session with iRI-Begin (logon), iRI-Report
// (download, Table C.1), iRI-End (logoff) and the EmailCC, including the fetched message.
func TestEndToEndLEMF(t *testing.T) {
	curl := testmail.Need(t, "curl")
	dc := testmail.StartDovecot(t, map[string]string{"mrc": "secret"})
	dc.Deliver(t, "mrc", "1700000000.M1P1.test", inboxMsg)

	rs := testredis.Start(t)
	rdb := rs.Client(t)
	dir := filepath.Join(t.TempDir(), "lemf")
	lm := lemftest.Start(t, lemf.Config{OutDir: dir})
	hi2, hi3 := lm.HI2, lm.HI3
	cfg, err := config.Parse("e2e.yaml", []byte(fmt.Sprintf(`instance: mail-1
operator: OP-TEST
networkElement: ne-default
sessions: {idleTimeout: 1m, sweepInterval: 50ms}
queue: {size: 2000, workers: 2}
handover: {keepAlive: 1s, keepAliveTimeout: 1s}
destinations:
  - {name: lea, hi2: "%s", hi3: "%s", version: ver20, timestamps: both}
warrants:
  - liid: MAIL-1
    destination: lea
    scope: iri+cc
    start: %s
    targets: [{email: mrc@example.org}]
`, hi2, hi3, time.Now().Add(-time.Hour).Format(time.RFC3339))))
	if err != nil {
		t.Fatal(err)
	}
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	hc, err := cfg.HandoverConfig()
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	ho, err := handover.New(hc, rdb, reg, log)
	if err != nil {
		t.Fatal(err)
	}
	med, err := mediation.New(cfg.MediationConfig(), rdb, ho, log, mediation.Options{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{ho.Run, med.Run} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = run(ctx) }()
	}

	addr, p := startProxyP(t, Config{Upstream: dc.IMAPAddr, Protocol: email.IMAP,
		Options: email.Options{LoginDomain: "example.org"}}, med)
	if got := run(t, curl, "-sS", "--url", "imap://"+addr+"/INBOX;UID=1", "-u", "mrc:secret"); got != inboxMsg {
		t.Fatalf("curl fetched %q", got)
	}
	p.waitSessions(t, 1)
	dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer dcancel()
	if err := med.Drain(dctx); err != nil {
		t.Fatal(err)
	}
	// Let handover deliver what mediation queued, then stop everything.
	deadline := time.Now().Add(30 * time.Second)
	var set *pducheck.Set
	for {
		set, err = pducheck.ReadLEMF(dir)
		if err == nil && set.Total > 0 && streamsDone(set) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("LEMF received %v (err %v)", set, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	lm.Stop(t)
	set, err = pducheck.ReadLEMF(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g := set.Gaps(); len(g) != 0 {
		t.Fatalf("sequence gaps: %v", g)
	}

	var iriStream, ccStream *pducheck.Stream
	for st := range set.PDUs {
		if st.LIID != "MAIL-1" || st.NE != "mail-tap" {
			t.Fatalf("unexpected stream %v", st)
		}
		if st.CC {
			ccStream = &st
		} else {
			iriStream = &st
		}
	}
	if iriStream == nil || ccStream == nil || iriStream.CIN != ccStream.CIN {
		t.Fatalf("want one CIN with IRI and CC, got %v", set.PDUs)
	}
	var events []string
	for _, seq := range seqs(set, *iriStream) {
		pdu, err := set.Decoded(*iriStream, seq)
		if err != nil {
			t.Fatal(err)
		}
		for _, ip := range pdu.Payload.IRI {
			events = append(events, fmt.Sprintf("%v %v %v", *ip.IRIType, ip.Contents.EmailIRI.EventType, ip.Contents.EmailIRI.Status))
		}
	}
	want := []string{
		fmt.Sprintf("%v %v %v", etsi.IRIBegin, etsi.EmailLogon, etsi.EmailStatusSucceeded),
		fmt.Sprintf("%v %v %v", etsi.IRIReport, etsi.EmailDownload, etsi.EmailStatusSucceeded),
		fmt.Sprintf("%v %v %v", etsi.IRIEnd, etsi.EmailLogoff, etsi.EmailStatusSucceeded),
	}
	if strings.Join(events, "\n") != strings.Join(want, "\n") {
		t.Fatalf("LEMF IRI:\n%s\nwant:\n%s", strings.Join(events, "\n"), strings.Join(want, "\n"))
	}
	var message bool
	for _, seq := range seqs(set, *ccStream) {
		pdu, err := set.Decoded(*ccStream, seq)
		if err != nil {
			t.Fatal(err)
		}
		for _, cp := range pdu.Payload.CC {
			message = message || strings.Contains(string(cp.Contents.EmailCC.Content), inboxMsg)
		}
	}
	if !message {
		t.Fatal("no EmailCC with the fetched message at the LEMF")
	}
}

// streamsDone reports whether the IRI stream ends with the logoff.
func streamsDone(set *pducheck.Set) bool {
	for st := range set.PDUs {
		if st.CC {
			continue
		}
		s := seqs(set, st)
		pdu, err := set.Decoded(st, s[len(s)-1])
		if err == nil && len(pdu.Payload.IRI) > 0 && pdu.Payload.IRI[0].IRIType != nil && *pdu.Payload.IRI[0].IRIType == etsi.IRIEnd {
			return true
		}
	}
	return false
}

func seqs(set *pducheck.Set, st pducheck.Stream) []uint32 {
	var out []uint32
	for seq := range set.PDUs[st] {
		out = append(out, seq)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
