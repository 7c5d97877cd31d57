package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/proxy"
	"github.com/umli/umli/simulators/mailsim"
)

// VVMSource is the network element of the OMTP Visual Voicemail proxy.
const VVMSource = "vvm-1"

// VVM is the OMTP Visual Voicemail scenario: umli's IMAP proxy in vvm mode in front of
// mailsim's VVM server. A non-target's phone syncs its box first (nothing of it may
// reach the LEMF), then the target's phone logs in with the MSISDN as box, fetches
// the voice message (audio as MessagingCC), marks it read, deletes it, uploads a
// personal greeting, changes the TUI PIN and logs out.
func VVM() Scenario {
	return Scenario{Name: "OMTP Visual Voicemail over IMAP (vvm proxy): retrieve (audio CC), save, delete, greeting upload, PIN change; a non-target's box", Run: runVVM}
}

func runVVM(ctx context.Context, env Env) error {
	log := env.Log.With().Str("component", "vvm").Logger()
	ho := email.NewHandoff(env.Sink, email.HandoffConfig{Logger: log})
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	goRun := func(f func(context.Context) error) {
		wg.Add(1)
		go func() { defer wg.Done(); _ = f(runCtx) }()
	}
	goRun(ho.Run)
	srv, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("VVM server listener: %w", err)
	}
	pln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("VVM proxy listener: %w", err)
	}
	p, err := proxy.New(proxy.Config{Upstream: srv.Addr().String(), Protocol: email.VVM, Source: VVMSource,
		Emit: ho.Emit, Options: email.Options{Logger: log}, Logger: log})
	if err != nil {
		_ = srv.Close()
		_ = pln.Close()
		return err
	}
	goRun(func(ctx context.Context) error { return mailsim.Serve(ctx, srv, email.VVM, log) })
	goRun(func(ctx context.Context) error { return p.Serve(ctx, pln) })
	// The non-target first, then the target: each session submitted and numbered
	// before the next.
	phones := []mailsim.Config{
		{VVM: pln.Addr().String(), VVMUser: NonTargetMSISDN[1:], VVMPassword: "9753", Logger: log},
		{VVM: pln.Addr().String(), VVMUser: TargetMSISDN[1:], VVMPassword: mailsim.VVMPIN, Logger: log},
	}
	for i, cfg := range phones {
		if err := mailsim.Run(ctx, cfg); err != nil {
			return err
		}
		if err := waitSubmitted(ctx, ho, p, uint64(i+1)); err != nil {
			return err
		}
		if err := env.drain(ctx); err != nil {
			return err
		}
	}
	return nil
}

// waitSubmitted waits until n of the proxy's sessions have ended (their records are
// emitted then) and the handoff has submitted every record.
func waitSubmitted(ctx context.Context, ho *email.Handoff, p *proxy.Proxy, n uint64) error {
	for {
		st := ho.Stats()
		if p.Finished() >= n && st.Submitted+st.Dropped >= st.Queued {
			if st.Dropped > 0 {
				return fmt.Errorf("e-mail handoff dropped %d records", st.Dropped)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.Join(errors.New("e-mail records not all submitted"), ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
