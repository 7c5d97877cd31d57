package jsonfeed

import (
	"context"
	"fmt"
	"net"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/testnet"
	"github.com/umli/umli/umsys/feed"
)

// TestLineServerSurvivesEMFILE: descriptor exhaustion at accept used to end Serve
// (and umli with it); now Serve backs off and the next line still arrives.
func TestLineServerSurvivesEMFILE(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events := make(chan *feed.Event, 4)
	srv, err := NewLineServer(LineConfig{Source: "json-test", Logger: zerolog.New(zerolog.NewTestWriter(t))},
		func(e *feed.Event) error { events <- e; return nil })
	if err != nil {
		t.Fatal(err)
	}
	real, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	emfile := testnet.AcceptErr(syscall.EMFILE)
	ln := testnet.FailAccept(real, slices.Repeat([]error{emfile}, 6)...) // backoff 5+10+…+160 ms
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	for i := 0; i < 2; i++ { // once after the EMFILE burst, once more after it
		c, err := net.Dial("tcp", real.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "{\"event\":\"deposit\",\"n\":\"%d\"}\n", i)
		c.Close()
		select {
		case e := <-events:
			if e.Value("n") != fmt.Sprint(i) {
				t.Fatalf("event %d: %q", i, e.Headers)
			}
		case err := <-done:
			t.Fatalf("Serve ended after EMFILE: %v", err)
		case <-ctx.Done():
			t.Fatalf("event %d never arrived after EMFILE", i)
		}
	}
	if ln.Left() != 0 {
		t.Fatalf("EMFILE burst not consumed: %d left", ln.Left())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve after shutdown: %v", err)
	}
}
