package loadgen

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/jsonfeed"
)

// TestRunUMAndMail drives umsys's real JSON-lines server and a real SMTP server: every
// session offered is sent, the events are canonical and in session order, and every
// identity of a non-target session lies under NonTargetDomain while target sessions
// name the configured targets.
func TestRunUMAndMail(t *testing.T) {
	var mu sync.Mutex
	var events []*feed.Event
	ls, err := jsonfeed.NewLineServer(jsonfeed.LineConfig{Source: "test", Logger: zerolog.Nop()}, func(e *feed.Event) error {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- ls.Serve(ctx, ln) }()
	mx := testmail.StartSMTP(t, testmail.SMTPOptions{})

	var progress testlog.Buffer
	st, err := Run(context.Background(), Config{Rate: 20, Duration: 500 * time.Millisecond, Mix: Mix{UM: 1, Mail: 1}, NonTarget: 0.5,
		UMJSON: ln.Addr().String(), UMConns: 2, UMSource: "ne-um", MailSMTP: mx.Addr, Progress: &progress, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []Kind{UM, Mail} {
		s := st.Kinds[k]
		if s.Offered == 0 || s.Sent != s.Offered || s.Errors != 0 || s.TargetSent+s.NonTargetSent != s.Sent {
			t.Errorf("%s: %+v", k, s)
		}
	}
	if _, ok := st.Kinds[SIP]; ok {
		t.Error("SIP counted without a SIP share")
	}
	if !strings.Contains(progress.String(), "load: offered ") {
		t.Errorf("no progress line: %q", progress.String())
	}

	// The server has read everything once the client connections are closed.
	um := st.Kinds[UM]
	deadline := time.Now().Add(30 * time.Second) // hang guard
	for {
		mu.Lock()
		n := len(events)
		mu.Unlock()
		if int64(n) == um.Events || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if int64(len(events)) != um.Events || um.Events != 4*um.Sent {
		t.Fatalf("server read %d events, run counts %d for %d sessions", len(events), um.Events, um.Sent)
	}
	next := map[string]int{}
	targets, nonTargets := 0, 0
	for _, e := range events {
		sid, _ := e.Get("session")
		ev, _ := e.Get("event")
		box, _ := e.Get("box")
		src, _ := e.Get("source")
		if src != "ne-um" {
			t.Errorf("event source %q", src)
		}
		if want := umEvents[next[sid]]; ev != want {
			t.Errorf("session %s: event %q, want %q", sid, ev, want)
		}
		next[sid]++
		orig, _ := e.Get("originating.sip")
		switch {
		case box == "2000@um.example":
			if ev == "connect" {
				targets++
			}
		case strings.HasSuffix(box, "@"+NonTargetDomain):
			if ev == "connect" {
				nonTargets++
			}
			if ev == "deposit" && !strings.HasSuffix(orig, "@"+NonTargetDomain) {
				t.Errorf("non-target deposit from %q", orig)
			}
		default:
			t.Errorf("box %q is neither the target nor a non-target", box)
		}
	}
	if int64(targets) != um.TargetSent || int64(nonTargets) != um.NonTargetSent {
		t.Errorf("sessions on the wire: %d target, %d non-target; stats %+v", targets, nonTargets, um)
	}

	msgs := mx.Messages()
	if int64(len(msgs)) != st.Kinds[Mail].Sent {
		t.Fatalf("SMTP server got %d mails, run sent %d", len(msgs), st.Kinds[Mail].Sent)
	}
	nt := 0
	for _, m := range msgs {
		switch {
		case m.From == "alice@example.net":
		case strings.HasSuffix(m.From, "@"+NonTargetDomain) && strings.HasSuffix(m.To[0], "@"+NonTargetDomain):
			nt++
		default:
			t.Errorf("mail from %q to %v", m.From, m.To)
		}
	}
	if int64(nt) != st.Kinds[Mail].NonTargetSent {
		t.Errorf("%d non-target mails, stats say %d", nt, st.Kinds[Mail].NonTargetSent)
	}
}

// TestRunUnreachable: a UM listener that is not there fails the run at once with the
// address; an SMTP server that is not there fails each mail session, counted.
func TestRunUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	_, err = Run(context.Background(), Config{Rate: 10, Duration: 100 * time.Millisecond, Mix: Mix{UM: 1}, UMJSON: dead})
	if err == nil || !strings.Contains(err.Error(), dead) {
		t.Fatalf("err = %v, want the address %s", err, dead)
	}
	st, err := Run(context.Background(), Config{Rate: 20, Duration: 200 * time.Millisecond, Mix: Mix{Mail: 1}, MailSMTP: dead})
	if err != nil {
		t.Fatal(err)
	}
	if s := st.Kinds[Mail]; s.Offered == 0 || s.Errors != s.Offered || s.Sent != 0 || !strings.Contains(s.FirstErr, dead) {
		t.Fatalf("mail stats %+v", s)
	}
}
