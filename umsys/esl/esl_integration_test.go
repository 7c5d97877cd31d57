package esl_test

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/umli/umli/internal/testmetric"
	"github.com/umli/umli/internal/testnet"
	"github.com/umli/umli/umsys/feed/feedtest"
	"net"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/esl"
	"github.com/umli/umli/umsys/feed"
)

// startUM runs a simulated platform for the test's lifetime.
func startUM(t *testing.T, chunk int) (*umsim.UM, string) {
	t.Helper()
	dir := t.TempDir()
	um, err := umsim.NewUM(umsim.Config{ContentDir: dir, Password: "s3cret", WriteChunk: chunk, AMIAuthFailDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	feedtest.Background(t, um.Run)
	return um, dir
}

// runClient runs an esl.Client against addr until the test ends.
func runClient(t *testing.T, addr string, mod func(*esl.Config)) *feedtest.Runner {
	t.Helper()
	return feedtest.RunClient(t, 4096, func(r *feedtest.Runner) esl.Config {
		return esl.Config{
			Addr: addr, Password: "s3cret", Source: "fs-test", Metrics: r.M,
			BackoffMin: feedtest.BackoffMin, BackoffMax: feedtest.BackoffMax,
			Logger: r.Logger, OnReady: r.OnReady,
		}
	}, mod, esl.NewClient)
}

func TestDialAuthFailed(t *testing.T) {
	um, _ := startUM(t, 0)
	_, err := esl.Dial(feedtest.Ctx(t), esl.Config{Addr: um.Addrs().ESL, Password: "wrong"})
	if !errors.Is(err, esl.ErrAuthFailed) {
		t.Fatalf("err %v, want ErrAuthFailed", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error leaks the password: %v", err)
	}
}

func TestDialAuthOK(t *testing.T) {
	um, _ := startUM(t, 0)
	c, err := esl.Dial(feedtest.Ctx(t), esl.Config{Addr: um.Addrs().ESL, Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// TestEveryScenarioEventForEvent plays every FreeSWITCH scenario and checks the client
// delivers exactly the transcript: same frames, same decoded headers, same order,
// whether the server writes one frame per write, 1-byte writes, or all frames joined.
func TestEveryScenarioEventForEvent(t *testing.T) {
	for _, tc := range []struct {
		name  string
		chunk int
		only  []string
	}{
		{"frame-per-write", 0, nil},
		{"joined", -1, nil},
		{"one-byte-writes", 1, []string{"deposit", "pin-change"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := feedtest.Ctx(t)
			um, dir := startUM(t, tc.chunk)
			r := runClient(t, um.Addrs().ESL, nil)
			r.WaitReady(t, ctx)
			if err := um.WaitSubscribers(ctx, 1, 0); err != nil {
				t.Fatal(err)
			}
			for _, sc := range um.Script().FreeSWITCH.Scenarios {
				if tc.only != nil && !slices.Contains(tc.only, sc.Name) {
					continue
				}
				want, _, err := um.Script().RenderFS(sc.Name, dir)
				if err != nil {
					t.Fatal(err)
				}
				if err := um.Play(ctx, sc.Name); err != nil {
					t.Fatal(err)
				}
				got := r.Take(t, ctx, len(want))
				for i := range want {
					if !bytes.Equal(got[i].Raw, want[i].Frame) {
						t.Fatalf("%s event %d: raw differs", sc.Name, i)
					}
					if !slices.Equal(got[i].HeaderList(), want[i].Headers) {
						t.Fatalf("%s event %d: headers differ", sc.Name, i)
					}
					if got[i].Dialect != feed.FreeSWITCH || got[i].Source != "fs-test" || got[i].Received.IsZero() {
						t.Fatalf("%s event %d: metadata %v %q", sc.Name, i, got[i].Dialect, got[i].Source)
					}
				}
			}
			select {
			case e := <-r.Events:
				t.Fatalf("extra event %q", e.Value("Event-Name"))
			default:
			}
		})
	}
}

func TestDepositWritesAudioNamedByEvent(t *testing.T) {
	ctx := feedtest.Ctx(t)
	um, dir := startUM(t, 0)
	r := runClient(t, um.Addrs().ESL, nil)
	r.WaitReady(t, ctx)
	want, _, _ := um.Script().RenderFS("deposit", dir)
	if err := um.Play(ctx, "deposit"); err != nil {
		t.Fatal(err)
	}
	var path, secs string
	for _, e := range r.Take(t, ctx, len(want)) {
		if e.Value("VM-Action") == "leave-message" {
			path, secs = e.Value("VM-File-Path"), e.Value("VM-Message-Len")
		}
	}
	if !strings.HasPrefix(path, dir) || secs != "12" {
		t.Fatalf("VM-File-Path %q (content dir %q), len %q", path, dir, secs)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" || b[20] != 7 || len(b) != 58+12*8000 {
		t.Errorf("audio: %q… %d bytes", b[:12], len(b))
	}
}

func TestSubscriptionFilterCustomRule(t *testing.T) {
	ctx := feedtest.Ctx(t)
	um, dir := startUM(t, 0)
	r := runClient(t, um.Addrs().ESL, func(c *esl.Config) {
		c.Events = []string{"MESSAGE_WAITING"}
		c.Subclasses = []string{"vm::maintenance"}
	})
	r.WaitReady(t, ctx)
	all, _, _ := um.Script().RenderFS("retrieve-delete", dir)
	var want []umsim.FSEventOut
	for _, e := range all {
		if e.Event == "MESSAGE_WAITING" || e.Subclass == "vm::maintenance" {
			want = append(want, e)
		}
	}
	if len(want) < 4 {
		t.Fatalf("scenario has only %d matching events", len(want))
	}
	if err := um.Play(ctx, "retrieve-delete"); err != nil {
		t.Fatal(err)
	}
	got := r.Take(t, ctx, len(want))
	for i := range want {
		if !bytes.Equal(got[i].Raw, want[i].Frame) {
			t.Fatalf("event %d: got %q", i, got[i].Value("Event-Name"))
		}
	}
	if err := um.Play(ctx, "deposit"); err != nil {
		t.Fatal(err)
	}
	// deposit's first matching event must come next: nothing else leaked through.
	if e := r.Take(t, ctx, 1)[0]; e.Value("Event-Subclass") != "vm::maintenance" || e.Value("VM-Action") != "leave-message" {
		t.Fatalf("unexpected event %q %q", e.Value("Event-Name"), e.Value("VM-Action"))
	}
}

func TestDisconnectNoticeThenReconnect(t *testing.T) {
	ctx := feedtest.Ctx(t)
	um, dir := startUM(t, 0)
	r := runClient(t, um.Addrs().ESL, nil)
	r.WaitReady(t, ctx)
	um.DisconnectESL()
	r.WaitReady(t, ctx)
	if err := um.WaitSubscribers(ctx, 1, 0); err != nil {
		t.Fatal(err)
	}
	want, _, _ := um.Script().RenderFS("logout", dir)
	if err := um.Play(ctx, "logout"); err != nil {
		t.Fatal(err)
	}
	got := r.Take(t, ctx, len(want))
	if !bytes.Equal(got[len(got)-1].Raw, want[len(want)-1].Frame) {
		t.Fatal("last event after reconnect differs")
	}
	if n := testmetric.Counter(r.M.Reconnects.WithLabelValues("freeswitch", "fs-test")); n < 1 {
		t.Errorf("reconnects metric %v", n)
	}
	if !strings.Contains(r.Logs.String(), "disconnect notice") {
		t.Errorf("no log line for the disconnect notice: %s", r.Logs.String())
	}
}

// TestFeedDropsMidFrame uses a raw TCP peer that speaks the handshake, then dies in the
// middle of an event frame: the partial frame is discarded, logged and counted, and
// the client reconnects.
func TestFeedDropsMidFrame(t *testing.T) {
	ctx := feedtest.Ctx(t)
	frame := esl.AppendFrame(nil, esl.TypeEventPlain, esl.AppendEventPlain(nil, []feed.Header{{Name: "Event-Name", Value: "HEARTBEAT"}}, nil))
	var accepted atomic.Int32
	addr := testnet.Serve(t, func(c net.Conn) {
		accepted.Add(1)
		c.Write([]byte("Content-Type: auth/request\n\n"))
		buf := make([]byte, 4096)
		c.Read(buf) // auth
		c.Write([]byte("Content-Type: command/reply\nReply-Text: +OK accepted\n\n"))
		c.Read(buf) // event plain …
		c.Write([]byte("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n"))
		c.Write(frame)
		c.Write(frame[:len(frame)-5])
	})
	r := runClient(t, addr, nil)
	r.WaitReady(t, ctx)
	if e := r.Take(t, ctx, 1)[0]; e.Value("Event-Name") != "HEARTBEAT" {
		t.Fatalf("event %q", e.Value("Event-Name"))
	}
	r.WaitReady(t, ctx) // reconnected
	if n := testmetric.Counter(r.M.PartialFrames.WithLabelValues("freeswitch", "fs-test")); n < 1 {
		t.Errorf("partial frames metric %v", n)
	}
	if !strings.Contains(r.Logs.String(), "partial frame discarded") {
		t.Errorf("no log line: %s", r.Logs.String())
	}
}

// TestOversizedHeaderResetsConnection: a peer sending an endless header block gets the
// connection reset with an error naming the offset.
func TestOversizedHeaderResetsConnection(t *testing.T) {
	ctx := feedtest.Ctx(t)
	addr := testnet.Serve(t, func(c net.Conn) {
		c.Write([]byte("Content-Type: auth/request\n\n"))
		buf := make([]byte, 4096)
		c.Read(buf)
		c.Write([]byte("Content-Type: command/reply\nReply-Text: +OK accepted\n\n"))
		c.Read(buf)
		c.Write([]byte("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n"))
		c.Write(bytes.Repeat([]byte("X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaa\n"), 200))
		c.Read(buf) // until the client resets
	})
	r := runClient(t, addr, func(c *esl.Config) { c.Limits.MaxHeaderBytes = 1024 })
	r.WaitReady(t, ctx)
	r.WaitReady(t, ctx)
	if n := testmetric.Counter(r.M.FrameErrors.WithLabelValues("freeswitch", "fs-test", "framing")); n < 1 {
		t.Errorf("framing errors metric %v", n)
	}
	handshake := len("Content-Type: auth/request\n\n") + len("Content-Type: command/reply\nReply-Text: +OK accepted\n\n") +
		len("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n")
	if want := fmt.Sprintf("header block at offset %d exceeds 1024 bytes", handshake); !strings.Contains(r.Logs.String(), want) {
		t.Errorf("log does not name limit and offset: %s", r.Logs.String())
	}
}

// TestIdleTimeoutReconnects: a platform that stays silent past IdleTimeout is treated
// as gone and the client reconnects.
func TestIdleTimeoutReconnects(t *testing.T) {
	ctx := feedtest.Ctx(t)
	um, _ := startUM(t, 0)
	r := runClient(t, um.Addrs().ESL, func(c *esl.Config) { c.IdleTimeout = 30 * time.Millisecond })
	r.WaitReady(t, ctx)
	r.WaitReady(t, ctx)
	if !strings.Contains(r.Logs.String(), "i/o timeout") {
		t.Errorf("no idle-timeout log: %s", r.Logs.String())
	}
}
