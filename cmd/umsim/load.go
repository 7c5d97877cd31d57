package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/cli"
	"github.com/umli/umli/simulators/lemf/measure"
	"github.com/umli/umli/simulators/loadgen"
)

// listFlag collects a repeatable (or comma-separated) string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// defaultMix are the shares used when --mix is not given, for the kinds with an address.
var defaultMix = loadgen.Mix{loadgen.UM: 80, loadgen.SIP: 10, loadgen.Mail: 10, loadgen.IMAP: 10}

// runLoad is `umsim load`: drive a running umli with UM, SIP and mail sessions and report
// what its LEMF received (see simulators/loadgen).
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("umsim load", flag.ContinueOnError)
	var cfg loadgen.Config
	fs.Float64Var(&cfg.Rate, "rate", 20, "sessions started per second, all kinds together")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long sessions are started")
	mix := fs.String("mix", "", "shares of the sessions per kind, e.g. um=80,sip=10,mail=10,imap=10 (default: those shares for the kinds given an address)")
	fs.Float64Var(&cfg.NonTarget, "non-target", 0.2, "share (0..1) of each kind's sessions that concern no target")
	fs.StringVar(&cfg.UMJSON, "um-json", "", "umli's jsonLines listener (host:port): UM sessions as canonical JSON events")
	fs.IntVar(&cfg.UMConns, "um-conns", 4, "connections to the jsonLines listener")
	fs.BoolVar(&cfg.UMAck, "um-ack", false, "ask umli to acknowledge every UM line; resend unacknowledged lines after a reconnect (--um-json may then list peer instances, comma-separated)")
	fs.StringVar(&cfg.UMSource, "um-source", "load-um", "\"source\" of the UM events: the network element in the PDUs (empty: the listener's)")
	fs.StringVar(&cfg.TargetBox, "target-box", "2000@um.example", "box of target UM sessions (a warrant's boxID)")
	fs.StringVar(&cfg.SIPREC, "siprec", "", "umli's SIPREC endpoint (host:port): one deposit call per SIP session")
	fs.StringVar(&cfg.SIPTransport, "sip-transport", "udp", "SIP transport to the SIPREC endpoint: udp or tcp")
	fs.DurationVar(&cfg.SIPMedia, "sip-media", time.Second, "G.711 sent per SIP leg (50 packets/s each way)")
	fs.StringVar(&cfg.TargetCaller, "target-caller", "sip:+4917011111@carrier.example", "caller of target SIP legs (a warrant's e164 or sipURI)")
	sipNE := fs.String("sip-source", "", "network element of umli's SIPREC source (rtp.siprec.source), to label the report")
	fs.StringVar(&cfg.MailSMTP, "mail-smtp", "", "umli's SMTP proxy (host:port): one submission per mail session")
	fs.StringVar(&cfg.TargetEmail, "target-email", "alice@example.net", "sender of target mails (a warrant's email)")
	mailNE := fs.String("mail-source", "", "network element of umli's SMTP proxy (its source), to label the report")
	fs.StringVar(&cfg.MailIMAP, "mail-imap", "", "umli's IMAP proxy (host:port): one login, select, fetch, logout per imap session")
	fs.StringVar(&cfg.IMAPUser, "imap-user", "", "IMAP login of target sessions (default: --target-email)")
	fs.StringVar(&cfg.IMAPNonTargetUser, "imap-nontarget-user", "nt@"+loadgen.NonTargetDomain, "IMAP login of non-target sessions")
	imapPassFile := fs.String("imap-password-file", "", "file holding the IMAP password of both logins (needed with --mail-imap)")
	imapNE := fs.String("imap-source", "", "network element of umli's IMAP proxy (its source), to label the report")
	fs.IntVar(&cfg.MaxInFlight, "max-inflight", 512, "sessions in flight at most; more count as errors")
	var dirs listFlag
	fs.Var(&dirs, "lemf-dir", "LEMF output directory (lemf listen --out); repeatable")
	settle := fs.Duration("settle", 2*time.Second, "the LEMF is done when its records stayed unchanged this long")
	settleMax := fs.Duration("settle-timeout", 2*time.Minute, "give up waiting for the LEMF to settle after this")
	reportJSON := fs.String("report-json", "", "also write the report as JSON to this file")
	level := fs.String("log-level", "warn", "log level: debug, info, warn, error")
	if err := cli.ParseError(fs, "usage: umsim load [flags]\n", args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("load: unexpected argument %q", fs.Arg(0))
	}
	lvl, err := zerolog.ParseLevel(*level)
	if err != nil {
		return fmt.Errorf("load: --log-level: %w", err)
	}
	cfg.Log = zerolog.New(stderr).Level(lvl).With().Timestamp().Str("cmd", "umsim").Logger()
	cfg.Progress = stderr
	if *imapPassFile != "" {
		b, err := os.ReadFile(*imapPassFile)
		if err != nil {
			return fmt.Errorf("load: --imap-password-file: %w", err)
		}
		cfg.IMAPPassword = strings.TrimRight(string(b), "\r\n")
	}
	if *mix != "" {
		if cfg.Mix, err = loadgen.ParseMix(*mix); err != nil {
			return fmt.Errorf("load: --mix: %w", err)
		}
	} else {
		cfg.Mix = loadgen.Mix{}
		for k, addr := range map[loadgen.Kind]string{loadgen.UM: cfg.UMJSON, loadgen.SIP: cfg.SIPREC, loadgen.Mail: cfg.MailSMTP, loadgen.IMAP: cfg.MailIMAP} {
			if addr != "" {
				cfg.Mix[k] = defaultMix[k]
			}
		}
		if len(cfg.Mix) == 0 {
			return errors.New("load: give at least one of --um-json, --siprec, --mail-smtp, --mail-imap")
		}
	}
	st, err := loadgen.Run(ctx, cfg)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	neKinds := map[string]loadgen.Kind{}
	for ne, k := range map[string]loadgen.Kind{cfg.UMSource: loadgen.UM, *sipNE: loadgen.SIP, *mailNE: loadgen.Mail, *imapNE: loadgen.IMAP} {
		if ne != "" {
			neKinds[ne] = k
		}
	}
	rep := loadgen.Report{Stats: st}
	var settleErr error
	if len(dirs) > 0 {
		// An interrupt that ended the run early must not cut the LEMF's settling short;
		// a (further) interrupt while settling reports what the LEMF holds by then.
		base := ctx
		if ctx.Err() != nil {
			var stop context.CancelFunc
			base, stop = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
		}
		sctx, cancel := context.WithTimeout(base, *settleMax)
		rep, settleErr = settleReport(sctx, st, neKinds, *settle, dirs)
		cancel()
	}
	rep.Format(stdout)
	if *reportJSON != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return fmt.Errorf("load: report: %w", err)
		}
		if err := os.WriteFile(*reportJSON, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("load: --report-json: %w", err)
		}
	}
	if settleErr != nil {
		return settleErr // the report above shows what the LEMF held by then
	}
	if rep.NonTargetMentions > 0 {
		return fmt.Errorf("load: the LEMF received %d mentions of non-target identities", rep.NonTargetMentions)
	}
	return nil
}

// settleReport waits until the LEMF is quiet for settle and, for each kind whose network
// element is known, holds a CIN per target session sent; then it builds the report.
// When ctx ends first it returns the report of what the LEMF holds, and an error saying
// what is missing.
func settleReport(ctx context.Context, st loadgen.Stats, neKinds map[string]loadgen.Kind, settle time.Duration, dirs []string) (loadgen.Report, error) {
	labelled := slices.Collect(maps.Values(neKinds))
	for {
		_, serr := measure.Settle(ctx, settle, dirs...)
		rep, err := loadgen.BuildReport(st, neKinds, dirs...)
		if err != nil {
			return rep, fmt.Errorf("load: %w", err)
		}
		var missing []string
		for _, k := range loadgen.Kinds() {
			ks, ok := st.Kinds[k]
			if ok && slices.Contains(labelled, k) && int64(rep.NE(k).CINs) < ks.TargetSent {
				missing = append(missing, fmt.Sprintf("%s %d of %d", k, rep.NE(k).CINs, ks.TargetSent))
			}
		}
		if len(missing) == 0 {
			return rep, nil
		}
		if serr != nil {
			return rep, fmt.Errorf("load: the LEMF holds fewer CINs than target sessions sent (%s) after --settle-timeout: do the warrants name the --target-* identities, and the --*-source flags umli's sources? (%w)",
				strings.Join(missing, ", "), serr)
		}
	}
}
