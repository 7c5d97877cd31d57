package ami_test

import (
	"bytes"
	"errors"
	"github.com/umli/umli/internal/testmetric"
	"github.com/umli/umli/internal/testnet"
	"github.com/umli/umli/umsys/feed/feedtest"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/ami"
	"github.com/umli/umli/umsys/feed"
)

func startUM(t *testing.T, chunk int) *umsim.UM {
	t.Helper()
	um, err := umsim.NewUM(umsim.Config{ContentDir: t.TempDir(), AMIUser: "li", AMISecret: "s3cret", WriteChunk: chunk, AMIAuthFailDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	feedtest.Background(t, um.Run)
	return um
}

// runClient runs an ami.Client against addr until the test ends.
func runClient(t *testing.T, addr string, mod func(*ami.Config)) *feedtest.Runner {
	t.Helper()
	return feedtest.RunClient(t, 1024, func(r *feedtest.Runner) ami.Config {
		return ami.Config{
			Addr: addr, Username: "li", Secret: "s3cret", Source: "ast-test", Metrics: r.M,
			BackoffMin: feedtest.BackoffMin, BackoffMax: feedtest.BackoffMax,
			Logger: r.Logger, OnReady: r.OnReady,
		}
	}, mod, ami.NewClient)
}

func TestDialAuthFailed(t *testing.T) {
	um := startUM(t, 0)
	_, err := ami.Dial(feedtest.Ctx(t), ami.Config{Addr: um.Addrs().AMI, Username: "li", Secret: "nope"})
	if !errors.Is(err, ami.ErrAuthFailed) || strings.Contains(err.Error(), "nope") {
		t.Fatalf("err %v", err)
	}
}

func TestDialReadsBannerVersion(t *testing.T) {
	um := startUM(t, 0)
	c, err := ami.Dial(feedtest.Ctx(t), ami.Config{Addr: um.Addrs().AMI, Username: "li", Secret: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Version != "11.0.0" {
		t.Errorf("version %q", c.Version)
	}
}

// TestEveryScenarioEventForEvent: FullyBooted first (system class), then each
// Asterisk scenario exactly as rendered, whatever the write shaping.
func TestEveryScenarioEventForEvent(t *testing.T) {
	for _, tc := range []struct {
		name  string
		chunk int
	}{{"block-per-write", 0}, {"joined", -1}, {"one-byte-writes", 1}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := feedtest.Ctx(t)
			um := startUM(t, tc.chunk)
			r := runClient(t, um.Addrs().AMI, nil)
			r.WaitReady(t, ctx)
			if e := r.Take(t, ctx, 1)[0]; e.Value("Event") != "FullyBooted" {
				t.Fatalf("first event %q", e.Value("Event"))
			}
			for _, sc := range um.Script().Asterisk.Scenarios {
				want, _, err := um.Script().RenderAMIIn(sc.Name, um.AMISpool())
				if err != nil {
					t.Fatal(err)
				}
				if err := um.Play(ctx, sc.Name); err != nil {
					t.Fatal(err)
				}
				got := r.Take(t, ctx, len(want))
				for i := range want {
					if !bytes.Equal(got[i].Raw, want[i].Block) || !slices.Equal(got[i].Headers, want[i].Headers) {
						t.Fatalf("%s event %d differs", sc.Name, i)
					}
					if got[i].Dialect != feed.Asterisk || got[i].Source != "ast-test" {
						t.Fatalf("metadata %v %q", got[i].Dialect, got[i].Source)
					}
				}
			}
		})
	}
}

// TestEventMaskNeedsEveryClass: without "user" in the mask, VoicemailPasswordChange
// (system,user) is not delivered, as manager.c requires all class bits.
func TestEventMaskNeedsEveryClass(t *testing.T) {
	ctx := feedtest.Ctx(t)
	um := startUM(t, 0)
	r := runClient(t, um.Addrs().AMI, func(c *ami.Config) { c.Events = "call,system,dialplan" })
	r.WaitReady(t, ctx)
	r.Take(t, ctx, 1) // FullyBooted
	all, _ := um.Script().RenderAMI("pin-change")
	mask := map[string]bool{"call": true, "system": true, "dialplan": true}
	want := 0 // the events whose every class is in the mask (not the user or dtmf ones)
	for _, e := range all {
		if !slices.ContainsFunc(e.Classes, func(c string) bool { return !mask[c] }) {
			want++
		}
	}
	if want == len(all) {
		t.Fatal("pin-change has no event outside call,system,dialplan")
	}
	if err := um.Play(ctx, "pin-change"); err != nil {
		t.Fatal(err)
	}
	got := r.Take(t, ctx, want)
	for _, e := range got {
		if ev := e.Value("Event"); ev == "VoicemailPasswordChange" || strings.HasPrefix(ev, "DTMF") {
			t.Fatalf("%s delivered without its classes in the mask", ev)
		}
	}
}

func TestPingTimeoutReconnects(t *testing.T) {
	ctx := feedtest.Ctx(t)
	um := startUM(t, 0)
	r := runClient(t, um.Addrs().AMI, func(c *ami.Config) {
		c.PingInterval = 20 * time.Millisecond
		c.PingTimeout = 50 * time.Millisecond
	})
	r.WaitReady(t, ctx)
	um.MuteAMIPings(true)
	r.WaitReady(t, ctx) // reconnected after the missed Pong
	um.MuteAMIPings(false)
	if !strings.Contains(r.Logs.String(), "ping timeout") {
		t.Errorf("no ping-timeout log: %s", r.Logs.String())
	}
	if n := testmetric.Counter(r.M.Reconnects.WithLabelValues("asterisk", "ast-test")); n < 1 {
		t.Errorf("reconnects %v", n)
	}
	// The new session works.
	if err := um.WaitSubscribers(ctx, 0, 1); err != nil {
		t.Fatal(err)
	}
	want, _ := um.Script().RenderAMI("logout")
	if err := um.Play(ctx, "logout"); err != nil {
		t.Fatal(err)
	}
	// Skip the FullyBooted of every session (how many depends on scheduling).
	var got []*feed.Event
	for len(got) < len(want) {
		if e := r.Take(t, ctx, 1)[0]; e.Value("Event") != "FullyBooted" {
			got = append(got, e)
		}
	}
	for i := range want {
		if !bytes.Equal(got[i].Raw, want[i].Block) {
			t.Fatalf("after reconnect: event %d differs", i)
		}
	}
}

// TestFeedDropsMidPacket: a raw peer logs the client in, sends one event and half of
// the next, then dies: the half packet is discarded with a log line and a metric, and
// the client reconnects.
func TestFeedDropsMidPacket(t *testing.T) {
	ctx := feedtest.Ctx(t)
	addr := testnet.Serve(t, func(c net.Conn) {
		c.Write([]byte("Asterisk Call Manager/11.0.0\r\n"))
		buf := make([]byte, 4096)
		c.Read(buf) // Login
		c.Write([]byte("Response: Success\r\nActionID: umli-login\r\nMessage: Authentication accepted\r\n\r\n"))
		c.Write([]byte("Event: Hangup\r\nPrivilege: call,all\r\nCause: 16\r\n\r\nEvent: MessageWaiting\r\nPrivilege: call,all\r\nMailbox: 10"))
	})
	r := runClient(t, addr, nil)
	r.WaitReady(t, ctx)
	if e := r.Take(t, ctx, 1)[0]; e.Value("Event") != "Hangup" || e.Value("Cause") != "16" {
		t.Fatalf("event %q", e.Headers)
	}
	r.WaitReady(t, ctx)
	if n := testmetric.Counter(r.M.PartialFrames.WithLabelValues("asterisk", "ast-test")); n < 1 {
		t.Errorf("partial metric %v", n)
	}
	if !strings.Contains(r.Logs.String(), "partial packet discarded") {
		t.Errorf("no log line: %s", r.Logs.String())
	}
}
