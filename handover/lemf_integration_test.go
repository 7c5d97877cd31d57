package handover

import (
	"context"
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/simulators/lemf"
)

// etsiHeader is a PS-PDU header for the integration test's one CIN.
func etsiHeader(seq uint32) etsi.PSHeader {
	return etsi.PSHeader{LIID: "LIID-HO-1", SequenceNumber: seq, CommunicationIdentifier: etsi.CommunicationIdentifier{
		NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "umli-test"}, CIN: etsi.Ptr[uint32](7)}}
}

func etsiEncode(t testing.TB, p etsi.PSPDU) []byte {
	b, err := p.AppendBER(nil, etsi.LatestVersion())
	if err != nil {
		t.Fatalf("encode PS-PDU: %v", err)
	}
	return b
}

// TestRealLEMF hands real TS 102 232-1 PS-PDUs (opaque to handover) to the LEMF simulator,
// which answers TRI keep-alives and accounts sequence numbers; a handover restart midway
// may duplicate but must not leave a gap.
func TestRealLEMF(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	l, err := lemf.New(lemf.Config{OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	defer func() { cancel(); <-done }()
	_, hi3 := l.Addrs()

	d := testDestination("lea-real", "", hi3.String())
	d.KeepAlive = func(seq uint32) []byte { return etsiEncode(t, etsi.KeepAlivePDU(etsiHeader(seq))) }
	d.IsKeepAliveResponse = func(b []byte) bool {
		p, _, err := etsi.DecodePSPDU(b)
		return err == nil && p.Payload.TRI != nil && p.Payload.TRI.Kind == etsi.TRIKeepAliveResponse
	}
	d.KeepAliveInterval = 50 * time.Millisecond
	cfg := testConfig(d)
	const n = 600
	pdus := make([][]byte, n)
	for i := range pdus {
		pdus[i] = etsiEncode(t, etsi.CCPDU(etsiHeader(uint32(i)), etsi.CCPayload{Contents: etsi.CCContents{
			EmailCC: &etsi.EmailCC{Format: etsi.EmailFormatApplication, Content: []byte("opaque content chunk")}}}))
	}
	a := newInstance(t, cfg, rdb).run(t)
	if err := a.h.Enqueue(ctx, "lea-real", HI3, pdus[:n/2]...); err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	if err := l.WaitPDUs(wctx, 0, n/2); err != nil {
		t.Fatal(err)
	}
	a.stop()
	b := newInstance(t, cfg, rdb).run(t)
	if err := b.h.Enqueue(ctx, "lea-real", HI3, pdus[n/2:]...); err != nil {
		t.Fatal(err)
	}
	cc := func() lemf.SequenceSummary {
		for _, li := range l.Summary().LIIDs {
			for _, c := range li.CINs {
				return c.CC
			}
		}
		return lemf.SequenceSummary{}
	}
	waitFor(t, "every sequence number at the LEMF", func() bool { s := cc(); return s.PDUs-s.Duplicates >= n })
	waitFor(t, "keep-alives answered", func() bool { return l.Summary().HI3.KeepAlives >= 2 })
	sum, seq := l.Summary(), cc()
	if sum.Gaps != 0 || sum.HI3.DecodeErrors != 0 || seq.Lowest != 0 || seq.Highest != n-1 || seq.PDUs-seq.Duplicates != n {
		t.Fatalf("LEMF: %d gaps, %d decode errors, CC sequence %+v", sum.Gaps, sum.HI3.DecodeErrors, seq)
	}
	if got := b.stats("lea-real", HI3).KeepAliveTimeouts + a.stats("lea-real", HI3).KeepAliveTimeouts; got != 0 {
		t.Fatalf("%d keep-alive timeouts against the real LEMF", got)
	}
	t.Logf("LEMF: %d PDUs, %d duplicates, %d keep-alives", sum.HI3.PDUs, sum.Duplicates, sum.HI3.KeepAlives)
}
