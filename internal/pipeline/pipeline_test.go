package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/mailsim"
)

// freeAddr is a loopback address nothing listens on (the configuration names the
// proxy's listen address before the pipeline binds it).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// configDoc is a demo-mode configuration delivering to hi2/hi3, an SMTP proxy at listen
// in front of upstream, and a warrant on the SMTP example's sender.
func configDoc(hi2, hi3, listen, upstream string) string {
	return fmt.Sprintf(`instance: pipeline-test
operator: OP-TEST
demo: true
sessions: {idleTimeout: 1s, sweepInterval: 100ms}
destinations:
  - {name: lea, hi2: "%s", hi3: "%s"}
warrants:
  - liid: PIPE-1
    destination: lea
    scope: iri+cc
    start: 2020-01-01T00:00:00Z
    targets: [{email: alice@example.org}]
email:
  proxies:
    - {source: mail-t, protocol: smtp, listen: "%s", upstream: "%s"}
`, hi2, hi3, listen, upstream)
}

// TestPipelineFromConfig: the pipeline built from a configuration file's text runs the
// source it names (an SMTP proxy) into mediation and handover, and the LEMF receives the
// target's session as IRI and CC; Stop drains and ends cleanly.
func TestPipelineFromConfig(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv := testredis.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	lm, err := lemf.New(lemf.Config{OutDir: t.TempDir(), Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = lm.Run(ctx) }()
	defer lm.Close()
	up, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = mailsim.Serve(ctx, up, email.SMTP, zerolog.Nop()) }()
	hi2, hi3 := lm.Addrs()
	listen := freeAddr(t)
	cfg, err := config.Parse("pipeline.yaml", []byte(configDoc(hi2.String(), hi3.String(), listen, up.Addr().String())))
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(cfg, pipeline.Options{Redis: rdb, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	p.Start(ctx)
	srcCtx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	if err := p.StartSources(srcCtx, fail); err != nil {
		t.Fatal(err)
	}
	if err := mailsim.Run(ctx, mailsim.Config{SMTP: listen, Logger: zerolog.Nop()}); err != nil {
		t.Fatal(err)
	}
	// The SMTP session: its IRI (at least logon, send, logoff) and the mail as CC.
	if err := lm.WaitPDUs(ctx, 3, 1); err != nil {
		t.Fatalf("LEMF: %v (summary %+v)", err, lm.Summary())
	}
	if err := p.Stop(10 * time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := context.Cause(srcCtx); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("a source failed: %v", err)
	}
	s := lm.Summary()
	if len(s.LIIDs) != 1 || s.LIIDs[0].LIID != "PIPE-1" || s.Gaps != 0 {
		t.Fatalf("LEMF summary: %+v", s)
	}
}

// TestPipelineSourceListenTaken: a source whose listen address is taken fails
// StartSources with an error naming the source; the pipeline still stops cleanly.
func TestPipelineSourceListenTaken(t *testing.T) {
	srv := testredis.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg, err := config.Parse("pipeline.yaml", []byte(configDoc("127.0.0.1:1", "127.0.0.1:1", taken.Addr().String(), "127.0.0.1:1")))
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(cfg, pipeline.Options{Redis: rdb, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	p.Start(ctx)
	err = p.StartSources(ctx, cancel)
	if err == nil || !strings.Contains(err.Error(), "email proxy mail-t") {
		t.Fatalf("StartSources = %v, want the taken listener named", err)
	}
	if err := p.Stop(time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

// TestPipelineNeedsRedis: New refuses to build without a Redis client.
func TestPipelineNeedsRedis(t *testing.T) {
	cfg, err := config.Parse("pipeline.yaml", []byte(configDoc("127.0.0.1:1", "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:1")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.New(cfg, pipeline.Options{}); err == nil || !strings.Contains(err.Error(), "Redis") {
		t.Fatalf("New without Redis = %v", err)
	}
}
