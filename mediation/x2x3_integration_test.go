package mediation_test

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/umli/umli/handover/x2x3"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/internal/testcert"
	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/internal/testrig"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/warrant"
	"github.com/umli/umli/mediation/x1"
	"github.com/umli/umli/mediation/x1/x1test"
	"github.com/umli/umli/simulators/mdf"
)

// TestX1DeliveryTypeRoutesX2X3 (R426): three X1 destinations of deliveryType X2Only,
// X3Only and X2andX3 name configured destinations with interface x2x3 (one MDF over
// mutual TLS 1.3); one task per destination. Each task's records arrive as X2 (IRI) and
// X3 (CC) PDUs carrying its XID: X2Only only X2, X3Only only X3, X2andX3 both. Every
// PDU's correlation ID is the CIN of its PS-PDU, its sequence number attribute the
// PS-PDU's, and the PS-PDUs have no gap per LIID/CIN.
func TestX1DeliveryTypeRoutesX2X3(t *testing.T) {
	ca := testcert.NewCA(t, "x2x3-ca")
	srv, cli := ca.Issue(t, "mdf", testcert.Server), ca.Issue(t, "umli-poi", testcert.Client)
	dir := t.TempDir()
	crt, key := testcert.WriteFile(t, dir, "poi.crt", cli.CertPEM), testcert.WriteFile(t, dir, "poi.key", cli.KeyPEM)
	caf := testcert.WriteFile(t, dir, "ca.crt", ca.PEM)
	srvTLS := &tls.Config{MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{srv.TLS},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool}
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	var x2bin, x3bin testlog.Buffer
	x2, err := mdf.Listen("127.0.0.1:0", srvTLS, &x2bin, log)
	if err != nil {
		t.Fatal(err)
	}
	x3, err := mdf.Listen("127.0.0.1:0", srvTLS, &x3bin, log)
	if err != nil {
		t.Fatal(err)
	}

	names := []string{"mdf-x2", "mdf-x3", "mdf-both"}
	types := []string{"X2Only", "X3Only", "X2andX3"}
	yaml := "instance: x2x3-1\noperator: OP-TEST\nnetworkElement: ne-x2x3\nsessions: {idleTimeout: 1m, sweepInterval: 50ms}\n" +
		"handover: {keepAlive: 200ms, keepAliveTimeout: 2s}\ndestinations:\n"
	for _, n := range names {
		yaml += fmt.Sprintf("  - {name: %s, interface: x2x3, hi2: %q, hi3: %q, tls: {cert: %q, key: %q, ca: %q, serverName: 127.0.0.1}}\n",
			n, x2.Addr(), x3.Addr(), crt, key, caf)
	}
	cfg, err := config.Parse("x2x3.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Destinations["mdf-both"].Interface != mediation.InterfaceX2X3 {
		t.Fatalf("interface %q, want x2x3", cfg.Destinations["mdf-both"].Interface)
	}
	if cfg.Table, err = warrant.NewTable(nil); err != nil {
		t.Fatal(err)
	}
	rdb := testredis.Start(t).Client(t)
	srvX1 := x1test.Start(t, rdb, x1test.Options{Log: &log})
	admf := srvX1.Client(t)
	var core *testrig.Core
	watch := newX1Watch(srvX1.Store, log, func() *mediation.Mediator { return core.Mediator })
	core = testrig.New(t, cfg, pipeline.Options{Redis: rdb, Log: log, Audit: srvX1.Audit,
		Handover: testrig.Backoff(20*time.Millisecond, 200*time.Millisecond)})
	med := core.Mediator
	core.Start(watch.run)
	ctx := t.Context()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			core.Stop()
			_ = x2.Close()
			_ = x3.Close()
		}
	}
	t.Cleanup(stop)

	targets := []record.Identity{
		{Kind: record.IdentityE164, Value: "+491700000001"},
		{Kind: record.IdentityE164, Value: "+491700000002"},
		{Kind: record.IdentityE164, Value: "+491700000003"},
	}
	xids := make([]uuid.UUID, len(names))
	for i, n := range names {
		dd := x1.DestinationFor(n, x2.Addr(), true)
		dd.DeliveryType = types[i]
		if err := admf.CreateDestination(ctx, dd); err != nil {
			t.Fatalf("CreateDestination %s: %v", n, err)
		}
		td, err := x1.TaskFromWarrant(&warrant.Warrant{LIID: "X2X3-" + types[i], Scope: warrant.ScopeIRICC, Targets: targets[i : i+1]}, dd.DID)
		if err != nil {
			t.Fatal(err)
		}
		if err := admf.ActivateTask(ctx, td); err != nil {
			t.Fatalf("ActivateTask %s: %v", types[i], err)
		}
		xids[i] = uuid.MustParse(td.XID)
	}
	watch.wait(t)

	const frames = 5
	for i, id := range targets {
		ck := fmt.Sprintf("call-%d", i)
		open := boxRec(id, ck, record.Open, etsi.BoxConnect)
		if err := med.Submit(ctx, open); err != nil {
			t.Fatal(err)
		}
		for f := 0; f < frames; f++ {
			cc := rec(id, ck, record.Continue, "")
			cc.MessagingCC, cc.Direction = audio(f), etsi.DirectionFromTarget
			if err := med.Submit(ctx, cc); err != nil {
				t.Fatal(err)
			}
		}
		closeR := boxRec(id, ck, record.Close, etsi.BoxDisconnect)
		if err := med.Submit(ctx, closeR); err != nil {
			t.Fatal(err)
		}
	}
	if err := med.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// What each task must deliver: X2Only 2 IRI, X3Only 5 CC, X2andX3 both.
	want := map[uuid.UUID][2]int{xids[0]: {2, 0}, xids[1]: {0, frames}, xids[2]: {2, frames}}
	count := func(b []byte, typ uint16) map[uuid.UUID]int {
		out := map[uuid.UUID]int{}
		_ = mdf.Read(bytes.NewReader(b), func(_ []byte, p *x2x3.PDU) error {
			if p.Type == typ {
				out[p.XID]++
			}
			return nil
		}, nil)
		return out
	}
	waitFor(t, "every X2/X3 PDU at the MDF", func() bool {
		c2, c3 := count(x2bin.Bytes(), x2x3.TypeX2), count(x3bin.Bytes(), x2x3.TypeX3)
		for x, w := range want {
			if c2[x] < w[0] || c3[x] < w[1] {
				return false
			}
		}
		return true
	})
	stop()

	pspdus := filepath.Join(t.TempDir(), "pspdus.ber")
	var all []byte
	got := map[uuid.UUID][2]int{}
	for i, b := range [][]byte{x2bin.Bytes(), x3bin.Bytes()} {
		wantType := uint16(x2x3.TypeX2 + i)
		err := mdf.Read(bytes.NewReader(b), func(_ []byte, p *x2x3.PDU) error {
			if p.Type != wantType || p.Format != x2x3.FormatTS102232 {
				t.Errorf("PDU type %d format %d on the X%d stream", p.Type, p.Format, i+2)
			}
			ps, _, err := etsi.DecodePSPDU(p.Payload)
			if err != nil {
				return fmt.Errorf("payload is not a PS-PDU: %w", err)
			}
			if cin := ps.Header.CommunicationIdentifier.CIN; cin == nil || uint64(*cin) != p.CorrelationID {
				t.Errorf("correlation ID %d is not the PS-PDU's CIN %v", p.CorrelationID, cin)
			}
			if seq, ok := p.SequenceNumber(); !ok || seq != ps.Header.SequenceNumber {
				t.Errorf("sequence attribute %d (%v), PS-PDU %d", seq, ok, ps.Header.SequenceNumber)
			}
			if (ps.Payload.CC != nil) != (p.Type == x2x3.TypeX3) {
				t.Errorf("X%d PDU carries CC=%v", p.Type+1, ps.Payload.CC != nil)
			}
			if p.Type == x2x3.TypeX3 && p.Direction != x2x3.DirFromTarget {
				t.Errorf("X3 direction %d, want fromTarget %d", p.Direction, x2x3.DirFromTarget)
			}
			c := got[p.XID]
			c[i]++
			got[p.XID] = c
			all = append(all, p.Payload...)
			return nil
		}, nil)
		if err != nil && err.Error() != "EOF" {
			t.Fatalf("X%d stream: %v", i+2, err)
		}
	}
	for x, w := range want {
		if got[x] != w {
			t.Errorf("XID %s: (X2, X3) = %v, want %v", x, got[x], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("PDUs for %d XIDs, want %d: %v", len(got), len(want), got)
	}
	if err := os.WriteFile(pspdus, all, 0o600); err != nil {
		t.Fatal(err)
	}
	set, err := pducheck.Read(pspdus)
	if err != nil {
		t.Fatal(err)
	}
	if g := set.Gaps(); len(g) > 0 || len(set.Reused) > 0 {
		t.Errorf("gaps %v, reused %v", g, set.Reused)
	}
}
