//go:build linux

package capture

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/simulators/mailsim"
)

// TestLiveLoopback taps the Annex B.6 session played by mailsim over lo.
func TestLiveLoopback(t *testing.T) {
	src, err := OpenLive("lo")
	if err != nil {
		t.Skipf("live capture needs CAP_NET_RAW: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := zerolog.New(zerolog.NewTestWriter(t))

	var mu sync.Mutex
	var recs []*record.Record
	closed := make(chan struct{})
	emit := func(r *record.Record) {
		mu.Lock()
		defer mu.Unlock()
		recs = append(recs, r)
		if r.Boundary == record.Close {
			close(closed)
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	var runErr error
	go func() {
		defer wg.Done()
		_, runErr = RunLive(ctx, src, Config{Source: "lo", Ports: map[uint16]email.Protocol{port: email.POP3}, Emit: emit})
	}()
	go func() { defer wg.Done(); _ = mailsim.Serve(ctx, ln, email.POP3, log) }()
	if err := mailsim.Run(ctx, mailsim.Config{POP3: ln.Addr().String(), Logger: log}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("no logoff captured")
	}
	cancel()
	wg.Wait()
	if !errors.Is(runErr, context.Canceled) {
		t.Fatalf("RunLive returned %v", runErr)
	}
	mu.Lock()
	defer mu.Unlock()
	var got []string
	for _, r := range recs {
		got = append(got, summary([]*record.Record{r}, r.CorrelationKey)...)
	}
	if strings.Join(got, "\n") != strings.Join(wantB6, "\n") {
		t.Fatalf("records:\ngot  %q\nwant %q", got, wantB6)
	}
}
