package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/esl"
	"github.com/umli/umli/umsys/feed"
)

// TestUMPlaysToSubscriberThenExits drives the real command: it waits for one ESL
// subscriber, plays the deposit scenario to it and exits.
func TestUMPlaysToSubscriberThenExits(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // hang guard
	defer cancel()
	dir := t.TempDir()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"um", "--esl", "127.0.0.1:0", "--ami", "127.0.0.1:0", "--password", "pw",
			"--scenario", "deposit", "--content-dir", dir, "--exit"}, pw, &stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "esl ") {
		t.Fatalf("first line %q: %v", line, err)
	}
	go io.Copy(io.Discard, pr)
	events := make(chan *feed.Event, 64)
	c, err := esl.NewClient(esl.Config{Addr: strings.TrimSpace(line[4:]), Password: "pw", Logger: zerolog.Nop()},
		func(e *feed.Event) error { events <- e; return nil })
	if err != nil {
		t.Fatal(err)
	}
	cctx, ccancel := context.WithCancel(ctx)
	defer ccancel()
	go c.Run(cctx)
	s, _ := umsim.LoadScript()
	want, _, err := s.RenderFS("deposit", dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		select {
		case e := <-events:
			if !bytes.Equal(e.Raw, want[i].Frame) {
				t.Fatalf("event %d differs", i)
			}
		case <-ctx.Done():
			t.Fatalf("got %d of %d events", i, len(want))
		}
	}
	if err := <-done; err != nil {
		t.Fatalf("run: %v (%s)", err, stderr.String())
	}
	if strings.Contains(stderr.String(), `"pw"`) {
		t.Error("password logged")
	}
}

func TestTranscriptAndErrors(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"transcript", "--vendor", "asterisk", "pin-change"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Event: VoicemailPasswordChange\r\n") {
		t.Errorf("transcript: %.80q", out.String())
	}
	for _, args := range [][]string{{}, {"nope"}, {"transcript", "no-such"}, {"transcript", "--vendor", "x", "deposit"}, {"um"}} {
		if err := run(args, io.Discard, io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
