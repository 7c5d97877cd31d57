// Command umsim runs the UM platform simulator.
//
//	umsim um --esl 127.0.0.1:8021 --ami 127.0.0.1:5038 --password ClueCon \
//	         --scenario all --content-dir /tmp/um [--wait-esl 1] [--wait-ami 0] [--exit]
//	umsim mail [--serve-smtp ADDR] [--serve-pop3 ADDR] [--serve-imap ADDR] \
//	           [--smtp ADDR] [--pop3 ADDR] [--imap ADDR]
//	umsim sip --srs 127.0.0.1:5080 [--transport udp|tcp] [--mode deposit|retrieve|both] ...
//	umsim load [--rate 20] [--duration 10s] [--mix um=80,sip=10,mail=10,imap=10] [--non-target 0.2] \
//	           [--um-json ADDR] [--siprec ADDR] [--mail-smtp ADDR] [--mail-imap ADDR] [--lemf-dir DIR]...
//	umsim transcript --vendor freeswitch|asterisk [--content-dir DIR] NAME
//	umsim mdf --x2 ADDR --x3 ADDR [--dir DIR] [--cert F --key F --ca F]
//	umsim list
//
// `um` serves a FreeSWITCH event socket and an Asterisk manager interface, waits for
// the requested number of subscribers, plays the scenario(s) and keeps serving until
// interrupted (or exits with --exit). `transcript` prints the exact bytes a subscriber
// receives for one scenario. `mail` serves the scripted server side of the SMTP
// submission and the TS 102 232-2 Annex B.6 (POP3) and C.4 (IMAP4) examples (--serve-*)
// and/or plays their client side against servers, usually umli's e-mail proxy (see
// simulators/mailsim). `sip` places simulated deposit/retrieval calls whose SIPREC
// client forks the media to a recording endpoint (see simulators/sipsim). `load` drives
// a running umli with a rate and mix of UM, SIP and mail sessions, prints a progress line
// each second and reports throughput and event→LEMF latency from the LEMF's records
// (see simulators/loadgen).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/cli"
	"github.com/umli/umli/internal/slogzero"
	"github.com/umli/umli/simulators/sipsim"
	"github.com/umli/umli/simulators/umsim"
)

func main() {
	// sipgo logs some transport warnings through the process-wide slog logger; route it to
	// zerolog with only party-free attributes, like umli does.
	slog.SetDefault(slogzero.New(zerolog.New(os.Stderr).With().Timestamp().Str("cmd", "umsim").Logger(), slog.LevelWarn, nil))
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

const usage = `usage: umsim um|mail|sip|load|mdf|transcript|list [flags]   (umsim COMMAND --help for its flags)
`

// exitCode maps run's error to the exit status: 0, 2 for usage errors (already
// printed), 1 otherwise.
func exitCode(err error, stderr io.Writer) int {
	var ee cli.ExitError
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "umsim: %v\n%s", err, usage)
		return 2
	default:
		fmt.Fprintln(stderr, "umsim:", err)
		return 1
	}
}

// usageError is a wrong command line.
type usageError struct{ msg string }

// Error implements error.
func (e usageError) Error() string { return e.msg }

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"no command"}
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	case "um":
		return runUM(args[1:], stdout, stderr)
	case "mail", "sip", "load", "mdf":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		switch args[0] {
		case "mail":
			return runMail(ctx, args[1:], stdout, stderr)
		case "load":
			return runLoad(ctx, args[1:], stdout, stderr)
		case "mdf":
			return runMDF(ctx, args[1:], stdout, stderr)
		}
		return sipsim.RunCommand(ctx, args[1:], stdout, stderr)
	case "transcript":
		return runTranscript(args[1:], stdout, stderr)
	case "list":
		fs := flag.NewFlagSet("umsim list", flag.ContinueOnError)
		if err := cli.ParseError(fs, "usage: umsim list\n", args[1:], stdout, stderr); err != nil {
			return err
		}
		s, err := umsim.LoadScript()
		if err != nil {
			return err
		}
		for _, sc := range s.FreeSWITCH.Scenarios {
			fmt.Fprintf(stdout, "freeswitch\t%s\t%s\n", sc.Name, sc.Description)
		}
		for _, sc := range s.Asterisk.Scenarios {
			fmt.Fprintf(stdout, "asterisk\t%s\t%s\n", sc.Name, sc.Description)
		}
		return nil
	default:
		return usageError{fmt.Sprintf("unknown command %q (want um, mail, sip, load, transcript or list)", args[0])}
	}
}

func runUM(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("umsim um", flag.ContinueOnError)
	eslAddr := fs.String("esl", "127.0.0.1:8021", "event socket listen address")
	amiAddr := fs.String("ami", "127.0.0.1:5038", "manager interface listen address")
	password := fs.String("password", "ClueCon", "event socket password (also the AMI secret unless --ami-secret)")
	amiUser := fs.String("ami-user", "umli", "AMI username")
	amiSecret := fs.String("ami-secret", "", "AMI secret (default: --password)")
	scenario := fs.String("scenario", "all", "scenario name or all")
	contentDir := fs.String("content-dir", "", "directory for message and greeting audio (required)")
	waitESL := fs.Int("wait-esl", 1, "ESL subscribers to wait for before playing")
	waitAMI := fs.Int("wait-ami", 0, "AMI subscribers to wait for before playing")
	exit := fs.Bool("exit", false, "exit after playing instead of serving on")
	chunk := fs.Int("write-chunk", 0, "0 frame per write, n>0 n-byte writes, -1 whole scenario per write")
	heartbeat := fs.Duration("heartbeat", 20*time.Second, "HEARTBEAT interval for ESL subscribers (0: none)")
	if err := cli.ParseError(fs, "usage: umsim um --content-dir DIR [flags]\n", args, stdout, stderr); err != nil {
		return err
	}
	if *contentDir == "" {
		return errors.New("um: --content-dir is required")
	}
	log := zerolog.New(stderr).With().Timestamp().Str("cmd", "umsim").Logger()
	um, err := umsim.NewUM(umsim.Config{
		ESLAddr: *eslAddr, AMIAddr: *amiAddr, Password: *password,
		AMIUser: *amiUser, AMISecret: *amiSecret, ContentDir: *contentDir,
		AMIAuthFailDelay: time.Second, WriteChunk: *chunk, Heartbeat: *heartbeat, Logger: log,
	})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- um.Run(ctx) }()
	a := um.Addrs()
	fmt.Fprintf(stdout, "esl %s\nami %s\n", a.ESL, a.AMI)
	log.Info().Str("esl", a.ESL).Str("ami", a.AMI).Int("wait_esl", *waitESL).Int("wait_ami", *waitAMI).Msg("waiting for subscribers")
	if err := um.WaitSubscribers(ctx, *waitESL, *waitAMI); err != nil {
		stop()
		<-done
		return err
	}
	if err := um.Play(ctx, *scenario); err != nil {
		stop()
		<-done
		return err
	}
	log.Info().Str("scenario", *scenario).Msg("played")
	if *exit {
		stop()
	}
	return <-done
}

func runTranscript(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("umsim transcript", flag.ContinueOnError)
	vendor := fs.String("vendor", "freeswitch", "freeswitch or asterisk")
	contentDir := fs.String("content-dir", umsim.DefaultFSContentDir, "content dir the FreeSWITCH events name")
	if err := cli.ParseError(fs, "usage: umsim transcript --vendor freeswitch|asterisk [--content-dir DIR] NAME\n", args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("transcript: want exactly one scenario name")
	}
	s, err := umsim.LoadScript()
	if err != nil {
		return err
	}
	var b []byte
	switch *vendor {
	case "freeswitch":
		b, err = s.FSTranscript(fs.Arg(0), *contentDir)
	case "asterisk":
		b, err = s.AMITranscript(fs.Arg(0))
	default:
		return fmt.Errorf("transcript: unknown vendor %q", *vendor)
	}
	if err != nil {
		return err
	}
	_, err = stdout.Write(b)
	return err
}
