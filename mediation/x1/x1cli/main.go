// Package x1cli is `umli x1`: an ADMF on the command line, so an operator or a test can
// provision umli over X1 without writing XML by hand.
//
//	umli x1 [conn flags] ping|keepalive
//	umli x1 [conn flags] dest-create|dest-modify --did D --name NAME --addr HOST:PORT [--type X2andX3]
//	umli x1 [conn flags] dest-remove --did D
//	umli x1 [conn flags] activate|modify [--xid X] --liid L --did D --targets-file F [--e164 N …] [--delivery hi2|hi2+hi3] [--start T] [--end T]
//	umli x1 [conn flags] deactivate --xid X | --all
//	umli x1 [conn flags] list
//	umli x1 [conn flags] get --xid X | --did D
//	umli x1 keyring
//
// Connection flags (or UMLI_X1_URL, UMLI_X1_CERT, UMLI_X1_KEY, UMLI_X1_CA):
// --url, --cert, --key, --ca, --admf, --ne. Targets are best given in a file
// (--targets-file, lines "e164 4930123456", "email a@b", "sip sip:a@b", "tel tel:+49…",
// "ipv4 …", "ipv6 …") because command-line arguments are visible to other local users.
package x1cli

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/umli/umli/internal/cli"
	"github.com/umli/umli/mediation/secret"
	"github.com/umli/umli/mediation/x1"
)

const usage = `usage: umli x1 [--url URL --cert FILE --key FILE --ca FILE --admf ID --ne ID] COMMAND [flags]
commands:
  ping | keepalive
  dest-create | dest-modify --did UUID --name NAME --addr HOST:PORT [--type X2Only|X3Only|X2andX3]
  dest-remove --did UUID
  activate | modify [--xid UUID] --liid LIID --did UUID [--targets-file FILE] [--e164 N] [--email A]
                    [--sip URI] [--tel URI] [--ipv4 A] [--ipv6 A] [--delivery hi2|hi2+hi3] [--start RFC3339] [--end RFC3339]
  deactivate --xid UUID | --all
  list
  get --xid UUID | --did UUID
  keyring                     print a fresh target-list keyring (no connection needed)
`

// Main runs `umli x1 ARGS…` and returns the process exit code: 0 done, 1 refused or
// failed, 2 usage error.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return run(ctx, args, stdout, stderr)
}

type conn struct {
	url, cert, key, ca, admf, ne string
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("umli x1", flag.ContinueOnError)
	var c conn
	fs.StringVar(&c.url, "url", env("UMLI_X1_URL", "https://127.0.0.1:8443/X1/NE"), "X1 server URL")
	fs.StringVar(&c.cert, "cert", env("UMLI_X1_CERT", ""), "ADMF client certificate (PEM)")
	fs.StringVar(&c.key, "key", env("UMLI_X1_KEY", ""), "ADMF client key (PEM)")
	fs.StringVar(&c.ca, "ca", env("UMLI_X1_CA", ""), "CA of the X1 server certificate (PEM)")
	fs.StringVar(&c.admf, "admf", "admf", "admfIdentifier")
	fs.StringVar(&c.ne, "ne", "umli", "neIdentifier")
	if code, ok := cli.Parse(fs, usage+"connection flags:\n", args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	// Flags first, without a connection: help and usage errors need no certificates.
	if err := command(ctx, nil, cmd, rest, stdout, stderr); err != nil {
		return report(cmd, err, stdout, stderr)
	}
	if cmd == "keyring" {
		// Needs no connection: prints a fresh target-list keyring for `umli run`.
		text, err := secret.GenerateKeyring()
		if err != nil {
			fmt.Fprintf(stderr, "umli x1 keyring: %v\n", err)
			return 1
		}
		fmt.Fprint(stdout, "# umli target-list keyring; keep mode 0600. See mediation/secret for rotation.\n"+text)
		return 0
	}
	if c.cert == "" || c.key == "" || c.ca == "" {
		fmt.Fprintln(stderr, "umli x1: --cert, --key and --ca are required (X1 runs over mutual TLS only)")
		return 2
	}
	tlsConf, err := x1.ClientTLSConfig(c.cert, c.key, c.ca)
	if err != nil {
		fmt.Fprintf(stderr, "umli x1: %v\n", err)
		return 1
	}
	cl := x1.NewClient(c.url, tlsConf, x1.ClientOptions{ADMFIdentifier: c.admf, NEIdentifier: c.ne})
	defer cl.Close()
	return report(cmd, command(ctx, cl, cmd, rest, stdout, stderr), stdout, stderr)
}

// report turns a command's error into its exit status: 0 after help (printed to
// stdout), 2 for a usage error (with the usage on stderr), 1 otherwise.
func report(cmd string, err error, stdout, stderr io.Writer) int {
	var ue usageError
	var help helpRequestError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &help):
		fmt.Fprintf(stdout, "usage: umli x1 [conn flags] %s [flags]\n", cmd)
		help.fs.SetOutput(stdout)
		help.fs.PrintDefaults()
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "umli x1 %s: %v\n%s", cmd, err, usage)
		return 2
	default:
		fmt.Fprintf(stderr, "umli x1 %s: %v\n", cmd, err)
		return 1
	}
}

type usageError struct{ msg string }

// Error implements error.
func (e usageError) Error() string { return e.msg }

// helpRequestError is -h/--help on a subcommand: its flags are printed to stdout.
type helpRequestError struct{ fs *flag.FlagSet }

// Error implements error.
func (helpRequestError) Error() string { return "help requested" }

// command runs one subcommand; with cl nil it only parses and checks the flags.
func command(ctx context.Context, cl *x1.Client, cmd string, args []string, stdout, stderr io.Writer) error {
	switch cmd {
	case "ping", "keepalive", "list", "keyring":
		// No flags of their own, but -h and stray arguments are still answered.
		if err := parse(newFlags(cmd, stderr), args); err != nil || cl == nil {
			return err
		}
	}
	switch cmd {
	case "keyring":
		return nil // needs no connection: run prints it
	case "ping":
		return done(stdout, "ping", cl.Ping(ctx))
	case "keepalive":
		return done(stdout, "keepalive", cl.Keepalive(ctx))
	case "dest-create", "dest-modify":
		dd, err := destFlags(cmd, args, stderr)
		if err != nil || cl == nil {
			return err
		}
		if cmd == "dest-create" {
			return done(stdout, "destination "+dd.DID+" created", cl.CreateDestination(ctx, dd))
		}
		return done(stdout, "destination "+dd.DID+" modified", cl.ModifyDestination(ctx, dd))
	case "dest-remove":
		fs := newFlags(cmd, stderr)
		did := fs.String("did", "", "destination id")
		if err := parse(fs, args); err != nil || cl == nil {
			return err
		}
		return done(stdout, "destination "+*did+" removed", cl.RemoveDestination(ctx, *did))
	case "activate", "modify":
		td, err := taskFlags(cmd, args, stderr)
		if err != nil || cl == nil {
			return err
		}
		if cmd == "activate" {
			return done(stdout, "task "+td.XID+" activated", cl.ActivateTask(ctx, td))
		}
		return done(stdout, "task "+td.XID+" modified", cl.ModifyTask(ctx, td))
	case "deactivate":
		fs := newFlags(cmd, stderr)
		xid := fs.String("xid", "", "task id")
		all := fs.Bool("all", false, "deactivate every task")
		if err := parse(fs, args); err != nil {
			return err
		}
		if *all == (*xid != "") {
			return usageError{"want exactly one of --xid, --all"}
		}
		if cl == nil {
			return nil
		}
		if *all {
			return done(stdout, "all tasks deactivated", cl.DeactivateAllTasks(ctx))
		}
		return done(stdout, "task "+*xid+" deactivated", cl.DeactivateTask(ctx, *xid))
	case "list":
		all, err := cl.GetAllDetails(ctx)
		if err != nil {
			return err
		}
		printList(stdout, all)
		return nil
	case "get":
		fs := newFlags(cmd, stderr)
		xid := fs.String("xid", "", "task id")
		did := fs.String("did", "", "destination id")
		if err := parse(fs, args); err != nil {
			return err
		}
		if (*xid == "") == (*did == "") {
			return usageError{"want exactly one of --xid, --did"}
		}
		if cl == nil {
			return nil
		}
		var v any
		var err error
		if *xid != "" {
			v, err = cl.GetTaskDetails(ctx, *xid)
		} else {
			v, err = cl.GetDestinationDetails(ctx, *did)
		}
		if err != nil {
			return err
		}
		b, err := xml.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return nil
	default:
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
}

func done(stdout io.Writer, what string, err error) error {
	if err == nil {
		fmt.Fprintln(stdout, what)
	}
	return err
}

func newFlags(cmd string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("umli x1 "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard) // help and errors are printed by report
	err := fs.Parse(args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		return helpRequestError{fs}
	}
	if err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

func destFlags(cmd string, args []string, stderr io.Writer) (x1.DestinationDetails, error) {
	fs := newFlags(cmd, stderr)
	did := fs.String("did", "", "destination id (UUID)")
	name := fs.String("name", "", "friendlyName: the umli destination name warrants deliver to")
	addr := fs.String("addr", "", "delivery address HOST:PORT")
	typ := fs.String("type", "X2andX3", "deliveryType")
	if err := parse(fs, args); err != nil {
		return x1.DestinationDetails{}, err
	}
	if *did == "" || *addr == "" {
		return x1.DestinationDetails{}, usageError{"--did and --addr are required"}
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return x1.DestinationDetails{}, usageError{fmt.Sprintf("--addr: %v", err)}
	}
	ip := x1.IPAddress{IPv4Address: host}
	if strings.Contains(host, ":") {
		ip = x1.IPAddress{IPv6Address: x1.ExpandIPv6(host)}
	}
	return x1.DestinationDetails{DID: *did, FriendlyName: *name, DeliveryType: *typ, DeliveryAddress: x1.DeliveryAddress{
		IPAddressAndPort: &x1.IPAddressPort{Address: ip, Port: x1.Port{TCPPort: port}},
	}}, nil
}

type multi []string

// String implements flag.Value.
func (m *multi) String() string { return strings.Join(*m, ",") }

// Set implements flag.Value.
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

func taskFlags(cmd string, args []string, stderr io.Writer) (x1.TaskDetails, error) {
	fs := newFlags(cmd, stderr)
	xid := fs.String("xid", "", "task id (UUID; activate picks one when empty)")
	liid := fs.String("liid", "", "LIID")
	did := fs.String("did", "", "destination id")
	delivery := fs.String("delivery", "hi2+hi3", "hi2 (IRI only) or hi2+hi3 (IRI and content)")
	start := fs.String("start", "", "StartTime (RFC 3339)")
	end := fs.String("end", "", "EndTime (RFC 3339)")
	file := fs.String("targets-file", "", "file of targets, one \"KIND VALUE\" per line")
	var e164, email, sip, tel, ipv4, ipv6 multi
	fs.Var(&e164, "e164", "E.164 number target (repeatable)")
	fs.Var(&email, "email", "e-mail address target (repeatable)")
	fs.Var(&sip, "sip", "SIP URI target (repeatable)")
	fs.Var(&tel, "tel", "tel URI target (repeatable)")
	fs.Var(&ipv4, "ipv4", "IPv4 address target (repeatable)")
	fs.Var(&ipv6, "ipv6", "IPv6 address target (repeatable)")
	if err := parse(fs, args); err != nil {
		return x1.TaskDetails{}, err
	}
	if *xid == "" {
		if cmd != "activate" {
			return x1.TaskDetails{}, usageError{"--xid is required"}
		}
		*xid = x1.NewUUID()
	}
	if *liid == "" || *did == "" {
		return x1.TaskDetails{}, usageError{"--liid and --did are required"}
	}
	td := x1.TaskDetails{XID: *xid, ListOfDIDs: x1.ListOfDIDs{DIDs: []string{*did}}}
	md := x1.MediationDetails{LIID: *liid}
	switch *delivery {
	case "hi2":
		td.DeliveryType, md.DeliveryType = "X2Only", "HI2Only"
	case "hi2+hi3":
		td.DeliveryType, md.DeliveryType = "X2andX3", "HI2andHI3"
	default:
		return x1.TaskDetails{}, usageError{"--delivery: want hi2 or hi2+hi3"}
	}
	for _, tm := range []struct {
		flag string
		v    string
		dst  *string
	}{{"start", *start, &md.StartTime}, {"end", *end, &md.EndTime}} {
		if tm.v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, tm.v)
		if err != nil {
			return x1.TaskDetails{}, usageError{fmt.Sprintf("--%s: want RFC 3339, e.g. 2026-01-02T15:04:05Z", tm.flag)}
		}
		*tm.dst = x1.FormatTime(t)
	}
	td.MediationDetails = &x1.ListOfMediationDetails{Details: []x1.MediationDetails{md}}
	add := func(kind, v string) error {
		var ti x1.TargetIdentifier
		switch kind {
		case "e164":
			ti.E164Number = strings.TrimPrefix(v, "+")
		case "email":
			ti.EmailAddress = v
		case "sip":
			ti.SIPURI = v
		case "tel":
			ti.TelURI = v
		case "ipv4":
			ti.IPv4Address = v
		case "ipv6":
			ti.IPv6Address = x1.ExpandIPv6(v)
		default:
			return usageError{fmt.Sprintf("target kind %q: want e164, email, sip, tel, ipv4 or ipv6", kind)}
		}
		td.TargetIdentifiers.Targets = append(td.TargetIdentifiers.Targets, ti)
		return nil
	}
	for kind, vs := range map[string]multi{"e164": e164, "email": email, "sip": sip, "tel": tel, "ipv4": ipv4, "ipv6": ipv6} {
		for _, v := range vs {
			if err := add(kind, v); err != nil {
				return x1.TaskDetails{}, err
			}
		}
	}
	if *file != "" {
		if err := readTargets(*file, add); err != nil {
			return x1.TaskDetails{}, err
		}
	}
	if len(td.TargetIdentifiers.Targets) == 0 {
		return x1.TaskDetails{}, usageError{"at least one target is required"}
	}
	return td, nil
}

// readTargets reads "KIND VALUE" lines; errors name the line, never the value.
func readTargets(path string, add func(kind, v string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("targets file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, v, ok := strings.Cut(line, " ")
		if !ok {
			return usageError{fmt.Sprintf("%s:%d: want \"KIND VALUE\"", path, n)}
		}
		if err := add(kind, strings.TrimSpace(v)); err != nil {
			return usageError{fmt.Sprintf("%s:%d: %v", path, n, err)}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("targets file %s: %w", path, err)
	}
	return nil
}

// printList prints one line per task and destination; target counts, not identities.
func printList(w io.Writer, m *x1.Message) {
	if m.ListOfDestinationResponseDetails != nil {
		for _, d := range m.ListOfDestinationResponseDetails.Destinations {
			dd := d.DestinationDetails
			fmt.Fprintf(w, "destination %s name=%s type=%s status=%s\n", dd.DID, dd.FriendlyName, dd.DeliveryType, d.DestinationStatus.DestinationDeliveryStatus)
		}
	}
	if m.ListOfTaskResponseDetails != nil {
		for _, t := range m.ListOfTaskResponseDetails.Tasks {
			td := t.TaskDetails
			var ls []string
			if td.MediationDetails != nil {
				for _, md := range td.MediationDetails.Details {
					ls = append(ls, fmt.Sprintf("%s/%s[%s..%s]", md.LIID, md.DeliveryType, md.StartTime, md.EndTime))
				}
			}
			fmt.Fprintf(w, "task %s targets=%d dids=%s liids=%s status=%s\n", td.XID, len(td.TargetIdentifiers.Targets),
				strings.Join(td.ListOfDIDs.DIDs, ","), strings.Join(ls, ","), t.TaskStatus.ProvisioningStatus)
		}
	}
}
