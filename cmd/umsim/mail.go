package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/internal/cli"
	"github.com/umli/umli/simulators/mailsim"
)

// runMail is `umsim mail`: the scripted server side (--serve-*) and/or the client side
// (--smtp/--pop3/--imap) of the SMTP submission and the Annex B.6/C.4 examples. With
// client addresses it plays the sessions and exits; with only --serve-* it serves
// until interrupted.
func runMail(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("umsim mail", flag.ContinueOnError)
	var cfg mailsim.Config
	fs.StringVar(&cfg.SMTP, "smtp", "", "play the SMTP submission against this server (host:port)")
	fs.StringVar(&cfg.POP3, "pop3", "", "play the Annex B.6 POP3 example against this server")
	fs.StringVar(&cfg.IMAP, "imap", "", "play the Annex C.4 IMAP4 example against this server")
	fs.StringVar(&cfg.POP3Password, "pop3-password", "", "answer the APOP challenge for mrose with this password (default: the example's digest)")
	fs.StringVar(&cfg.IMAPUser, "imap-user", "", "IMAP login (default: the example's mrc)")
	fs.StringVar(&cfg.IMAPPassword, "imap-password", "", "IMAP password (default: the example's)")
	fs.StringVar(&cfg.SMTPUser, "smtp-user", "", "SMTP AUTH PLAIN user (default: the example's alice)")
	fs.StringVar(&cfg.SMTPPassword, "smtp-password", "", "SMTP AUTH PLAIN password (default: the example's)")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "bound on each client session")
	serve := map[email.Protocol]*string{
		email.SMTP: fs.String("serve-smtp", "", "serve the SMTP script's server side on this address"),
		email.POP3: fs.String("serve-pop3", "", "serve the Annex B.6 server side on this address"),
		email.IMAP: fs.String("serve-imap", "", "serve the Annex C.4 server side on this address"),
	}
	if err := cli.ParseError(fs, "usage: umsim mail [--serve-smtp ADDR] [--serve-pop3 ADDR] [--serve-imap ADDR] [--smtp ADDR] [--pop3 ADDR] [--imap ADDR]\n", args, stdout, stderr); err != nil {
		return err
	}
	client := cfg.SMTP != "" || cfg.POP3 != "" || cfg.IMAP != ""
	log := zerolog.New(stderr).With().Timestamp().Str("cmd", "umsim").Logger()
	cfg.Logger = log

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	servers := 0
	for _, proto := range []email.Protocol{email.SMTP, email.POP3, email.IMAP} {
		addr := *serve[proto]
		if addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			cancel()
			wg.Wait()
			return fmt.Errorf("mail: --serve-%s: %w", proto, err)
		}
		servers++
		fmt.Fprintf(stdout, "%s-server %s\n", proto, ln.Addr())
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := mailsim.Serve(ctx, ln, proto, log); err != nil && !errors.Is(err, context.Canceled) {
				errs <- err
			}
		}()
	}
	if servers == 0 && !client {
		return errors.New("mail: give client addresses (--smtp, --pop3, --imap) and/or --serve-smtp, --serve-pop3, --serve-imap")
	}
	var err error
	if client {
		err = mailsim.Run(ctx, cfg)
		cancel()
	} else {
		<-ctx.Done()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		err = errors.Join(err, e)
	}
	return err
}
