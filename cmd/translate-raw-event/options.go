package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/umli/umli/internal/cli"
	"github.com/umli/umli/umsys/canonical"
	"github.com/umli/umli/umsys/feed"
)

type options struct {
	dialect feed.Dialect
	profile *canonical.Profile
	system  string
	explain bool
	ber     string
	files   []string
}

const usage = `usage: translate-raw-event --vendor freeswitch|asterisk|json|cuni [--profile FILE] [--system ID] [--explain] [--ber FILE] [FILE ...]
`

func parseFlags(args []string, stdout, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("translate-raw-event", flag.ContinueOnError)
	vendor := fs.String("vendor", "", "event dialect: freeswitch, asterisk, json or cuni")
	profile := fs.String("profile", "", "YAML vendor profile for --vendor json")
	system := fs.String("system", "", "system-identifier to write (default: what the events name)")
	explain := fs.Bool("explain", false, "show the rule that fired for each record")
	ber := fs.String("ber", "", "also write the records as BER PS-PDUs to this file")
	if err := cli.ParseError(fs, usage, args, stdout, stderr); err != nil {
		return nil, err
	}
	o := &options{system: *system, explain: *explain, ber: *ber, files: fs.Args()}
	switch *vendor {
	case "freeswitch", "asterisk", "json", "cuni":
		o.dialect = feed.Dialect(*vendor)
	case "":
		return nil, fmt.Errorf("--vendor is required (freeswitch, asterisk, json or cuni)")
	default:
		return nil, fmt.Errorf("--vendor %q: want freeswitch, asterisk, json or cuni", *vendor)
	}
	if *profile != "" {
		if o.dialect != feed.JSON {
			return nil, fmt.Errorf("--profile applies to --vendor json only")
		}
		p, err := canonical.LoadProfile(*profile)
		if err != nil {
			return nil, err
		}
		o.profile = p
	}
	return o, nil
}
