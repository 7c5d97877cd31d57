package jsonfeed

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/feed"
)

// TestLineAck: lines asking for ack are answered in order once the durable handler took
// them; lines without ack are not answered; an untranslatable event is acknowledged with
// an error (resending cannot help); a handler failure is not acknowledged.
func TestLineAck(t *testing.T) {
	var mu sync.Mutex
	var plain, durable []string
	h := func(e *feed.Event) error {
		mu.Lock()
		defer mu.Unlock()
		plain = append(plain, e.Value("n"))
		return nil
	}
	d := func(e *feed.Event) error {
		mu.Lock()
		defer mu.Unlock()
		switch e.Value("n") {
		case "bad":
			return fmt.Errorf("x: %w", adapter.ErrInvalidEvent)
		case "fail":
			return fmt.Errorf("queue full")
		}
		durable = append(durable, e.Value("n"))
		return nil
	}
	srv, err := NewLineServer(LineConfig{Source: "j", Durable: d}, h)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	lines := []string{
		`{"id":"e1","ack":true,"n":"1"}`,
		`{"id":"e2","n":"2"}`,               // no ack asked
		`{"ack":true,"n":"3"}`,              // no id: handled, not acknowledged
		`{"id":"e4","ack":true,"n":"fail"}`, // not taken: not acknowledged
		`{"id":"e5","ack":true,"n":"bad"}`,
		`{"id":"e6","ack":true,"n":"6"}`,
	}
	if _, err := c.Write([]byte(strings.Join(lines, "\n") + "\n")); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	want := []string{`{"ack":"e1"}`, `{"ack":"e5","error":"invalid event"}`, `{"ack":"e6"}`}
	for _, w := range want {
		got, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading ack %s: %v", w, err)
		}
		if strings.TrimSpace(got) != w {
			t.Fatalf("ack %q, want %q", strings.TrimSpace(got), w)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(durable, ",") != "1,6" || strings.Join(plain, ",") != "2,3" {
		t.Errorf("durable handler got %v, plain %v; want [1 6] and [2 3]", durable, plain)
	}
}
