package demo

import (
	"context"
	"fmt"
	"net"
	"sync"

	"github.com/rs/zerolog"
	"github.com/umli/umli/email"
	"github.com/umli/umli/simulators/mailsim"
)

// MailSource is the network element name of the e-mail tap.
const MailSource = "mail-1"

// MailLoginDomain turns the examples' login names (mrose, mrc, alice) into addresses.
const MailLoginDomain = "example.org"

// Mail is the e-mail scenario: umli's e-mail proxy taps SMTP, POP3 and IMAP4 in front of
// the mailsim server (the scripted server side), the mailsim client plays an SMTP
// submission, the TS 102 232-2 Annex B.6 POP3 and the Annex C.4 IMAP4 examples through
// it, and the records go through an email.Handoff to mediation. The proxies are built
// from an email configuration section by the pipeline, as umli run builds them.
func Mail() Scenario {
	return Scenario{Name: "e-mail proxy: SMTP submission, Annex B.6 POP3, Annex C.4 IMAP4 with a full FETCH and an APPEND (mailsim client and server)", Run: runMail}
}

func runMail(ctx context.Context, env Env) error {
	log := env.Log.With().Str("component", "mail").Logger()
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	protos := []email.Protocol{email.SMTP, email.POP3, email.IMAP}
	front := map[email.Protocol]string{}
	// umli's proxies come from an email section, as an operator writes it; the mailsim
	// servers behind them are the scripted server side.
	section := "email:\n  proxies:\n"
	for _, proto := range protos {
		upstream, listen, err := startMailServer(runCtx, &wg, proto, log)
		if err != nil {
			return err
		}
		front[proto] = listen
		section += fmt.Sprintf("    - {source: %s, protocol: %s, listen: %q, upstream: %q, loginDomain: %s}\n",
			MailSource, proto, listen, upstream, MailLoginDomain)
	}
	sink, stopSources, err := env.startCounted(runCtx, "e-mail", section)
	if err != nil {
		return err
	}
	defer stopSources()
	// One session at a time, each submitted (its logoff closes the sequence) and
	// numbered before the next, so CINs follow the order of the sessions.
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
		if err := sink.wait(ctx, MailSource, i+1); err != nil {
			return err
		}
		if err := env.drain(ctx); err != nil {
			return err
		}
	}
	return nil
}

// startMailServer serves the mailsim server side of proto on loopback until ctx ends
// (wg waits for it) and picks the address umli's proxy in front of it will listen on.
func startMailServer(ctx context.Context, wg *sync.WaitGroup, proto email.Protocol, log zerolog.Logger) (upstream, listen string, err error) {
	srv, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", fmt.Errorf("%s server listener: %w", proto, err)
	}
	wg.Add(1)
	go func() { defer wg.Done(); _ = mailsim.Serve(ctx, srv, proto, log) }()
	if listen, err = freeLoopback(); err != nil {
		return "", "", err
	}
	return srv.Addr().String(), listen, nil
}

// freeLoopback is a loopback address nothing listens on, for a listener the
// configuration names before the pipeline binds it.
func freeLoopback() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("pick a loopback port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
