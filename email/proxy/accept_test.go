package proxy

import (
	"context"
	"net"
	"slices"
	"sync"
	"syscall"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/internal/testnet"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// TestProxySurvivesEMFILE: EMFILE at accept used to end Serve; now the proxy
// backs off and the next SMTP session is still tapped.
func TestProxySurvivesEMFILE(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sink := newCollectSink()
	h := email.NewHandoff(sink, email.HandoffConfig{})
	p, err := New(Config{Upstream: scriptedServer(t, "220 hi\r\n", "250 ok\r\n", "221 bye\r\n"), Protocol: email.SMTP,
		Source: "mail-tap", Emit: h.Emit, Logger: zerolog.New(zerolog.NewTestWriter(t))})
	if err != nil {
		t.Fatal(err)
	}
	real, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	emfile := testnet.AcceptErr(syscall.EMFILE)
	ln := testnet.FailAccept(real, slices.Repeat([]error{emfile}, 6)...) // backoff 5+10+…+160 ms
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = h.Run(ctx) }()
	served := make(chan error, 1)
	go func() { defer wg.Done(); served <- p.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); wg.Wait() })

	c, err := net.Dial("tcp", real.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("EHLO x\r\nQUIT\r\n")); err != nil {
		t.Fatal(err)
	}
	recs := sink.waitClosed(t, 1)
	if got := iriSequence(recs, keys(recs)[0]); len(got) == 0 || got[0] != iri(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded) {
		t.Fatalf("session after EMFILE burst: IRIs %q", got)
	}
	select {
	case err := <-served:
		t.Fatalf("Serve ended after EMFILE: %v", err)
	default:
	}
}
