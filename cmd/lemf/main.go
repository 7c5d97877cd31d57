// Command lemf is a law-enforcement monitoring facility for testing handover:
//
//	lemf decode FILE...   print every PS-PDU in the files as one JSON object per line
//	lemf listen [flags]   receive HI2 and HI3, keep and reassemble what arrives
//	lemf serve [flags]    web view of an output directory (see simulators/lemfweb)
//
// See package github.com/umli/umli/simulators/lemf for the output layout.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/cli"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/lemfweb"
)

const usage = `usage:
  lemf decode [--strict] FILE...
  lemf listen [--strict] [--hi2 ADDR] [--hi3 ADDR] [--out DIR] [--tls-cert F --tls-key F --tls-client-ca F] [--log-level L]
              [--serve ADDR [--serve-tls-cert F --serve-tls-key F --serve-client-ca F]]
  lemf serve [--dir DIR] [--listen ADDR] [--tls-cert F --tls-key F --client-ca F]
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "decode":
		if len(args) >= 2 && cli.IsHelp(args[1]) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		if len(args) >= 2 && args[1] == "--strict" {
			return decodeStrict(args[2:], stdout, stderr)
		}
		if len(args) < 2 || strings.HasPrefix(args[1], "-") {
			fmt.Fprint(stderr, usage)
			return 2
		}
		if err := lemf.DecodeFiles(stdout, args[1:]...); err != nil {
			fmt.Fprintf(stderr, "lemf decode: %v\n", err)
			return 1
		}
		return 0
	case "listen":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := listen(ctx, args[1:], stdout, stderr); err != nil {
			var u usageExitError
			if errors.As(err, &u) {
				return int(u)
			}
			fmt.Fprintf(stderr, "lemf listen: %v\n", err)
			return 1
		}
		return 0
	case "serve":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return lemfweb.Main(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "lemf: unknown command %q\n%s", args[0], usage)
		return 2
	}
}

// usageExitError is the status of a listen that stopped at its flags (help or a bad flag).
type usageExitError int

func (u usageExitError) Error() string { return fmt.Sprintf("exit %d", int(u)) }

// listen serves until ctx ends, then prints the summary.
func listen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lemf listen", flag.ContinueOnError)
	hi2 := fs.String("hi2", "127.0.0.1:6602", "HI2 (IRI) listen address")
	hi3 := fs.String("hi3", "127.0.0.1:6603", "HI3 (CC) listen address")
	out := fs.String("out", "lemf-out", "output directory")
	cert := fs.String("tls-cert", "", "server certificate (PEM); enables TLS")
	key := fs.String("tls-key", "", "server private key (PEM)")
	clientCA := fs.String("tls-client-ca", "", "CA that client certificates must chain to (PEM)")
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	strict := fs.Bool("strict", false, "check every PDU against the ASN.1 constraints; log and count violations")
	web := lemfweb.AddLiveFlags(fs)
	if code, ok := cli.Parse(fs, usage, args, stdout, stderr); !ok {
		return usageExitError(code)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	lvl, err := zerolog.ParseLevel(*level)
	if err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	cfg := lemf.Config{HI2Addr: *hi2, HI3Addr: *hi3, OutDir: *out,
		Logger: zerolog.New(stderr).Level(lvl).With().Timestamp().Logger(), Strict: *strict}
	if *cert != "" || *key != "" || *clientCA != "" {
		if cfg.TLS, err = lemf.ServerTLSConfig(*cert, *key, *clientCA); err != nil {
			return err
		}
	}
	l, err := lemf.New(cfg)
	if err != nil {
		return err
	}
	a2, a3 := l.Addrs()
	// The first stdout line tells scripts (and tests) where to connect.
	fmt.Fprintf(stdout, "listening hi2=%s hi3=%s\n", a2, a3)
	webCtx, stopWeb := context.WithCancel(ctx)
	defer stopWeb()
	webDone, err := web.Start(webCtx, l, *out, stdout, cfg.Logger)
	if err != nil {
		return errors.Join(err, l.Close())
	}
	runErr := l.Run(ctx)
	fmtErr := l.Summary().Format(stdout)
	var webErr error
	if webDone != nil {
		stopWeb()
		webErr = <-webDone
	}
	return errors.Join(runErr, fmtErr, webErr)
}
