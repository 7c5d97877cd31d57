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

// MailSource is the network element name of the e-mail tap.
const MailSource = "mail-1"

// MailLoginDomain turns the examples' login names (mrose, mrc, alice) into addresses.
const MailLoginDomain = "example.org"

// Mail is the e-mail scenario: umli's e-mail proxy taps SMTP, POP3 and IMAP4 in front of
// the mailsim server (the scripted server side), the mailsim client plays an SMTP
// submission, the TS 102 232-2 Annex B.6 POP3 and the Annex C.4 IMAP4 examples through
// it, and the records go through an email.Handoff to mediation.
func Mail() Scenario {
	return Scenario{Name: "e-mail proxy: SMTP submission, Annex B.6 POP3, Annex C.4 IMAP4 with a full FETCH and an APPEND (mailsim client and server)", Run: runMail}
}

func runMail(ctx context.Context, env Env) error {
	log := env.Log.With().Str("component", "mail").Logger()
	ho := email.NewHandoff(env.Sink, email.HandoffConfig{Logger: log})
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	goRun := func(f func(context.Context) error) {
		wg.Add(1)
		go func() { defer wg.Done(); _ = f(runCtx) }()
	}
	goRun(ho.Run)

	protos := []email.Protocol{email.SMTP, email.POP3, email.IMAP}
	front := map[email.Protocol]string{}
	var proxies []*proxy.Proxy
	for _, proto := range protos {
		srv, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("mail server listener: %w", err)
		}
		pln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("mail proxy listener: %w", err)
		}
		p, err := proxy.New(proxy.Config{Upstream: srv.Addr().String(), Protocol: proto, Source: MailSource,
			Emit: ho.Emit, Options: email.Options{LoginDomain: MailLoginDomain, Logger: log}, Logger: log})
		if err != nil {
			_ = srv.Close()
			_ = pln.Close()
			return err
		}
		proxies = append(proxies, p)
		goRun(func(ctx context.Context) error { return mailsim.Serve(ctx, srv, proto, log) })
		goRun(func(ctx context.Context) error { return p.Serve(ctx, pln) })
		front[proto] = pln.Addr().String()
	}
	// One session at a time, each submitted and numbered before the next, so CINs
	// follow the order of the sessions.
	for i, proto := range protos {
		cfg := mailsim.Config{Logger: log}
		switch proto {
		case email.SMTP:
			cfg.SMTP = front[proto]
		case email.POP3:
			cfg.POP3 = front[proto]
		case email.IMAP:
			cfg.IMAP = front[proto]
		case email.VVM:
			// Not in protos: VVM has its own demo scenario.
		}
		if err := mailsim.Run(ctx, cfg); err != nil {
			return err
		}
		if err := waitSubmitted(ctx, ho, proxies[i], 1); err != nil {
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
