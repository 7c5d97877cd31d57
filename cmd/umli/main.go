// Command umli is the lawful-interception adapter for unified messaging and e-mail:
// mediation (warrants, CINs, sequence numbers in Redis) and handover (HI2/HI3 to the LEMF).
//
//	umli run --config FILE [--records FILE|-]
//	umli check-config FILE
//	umli demo [--out DIR]
//	umli x1 [conn flags] COMMAND ...
//	umli audit verify FILE...
//	umli version
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/umli/umli/mediation/x1/x1cli"
)

const usage = `usage:
  umli run --config FILE [--records FILE|-]   run mediation and handover
  umli check-config FILE                      check a configuration file and exit
  umli demo [--out DIR]                       run the whole system on embedded defaults
  umli x1 [conn flags] COMMAND ...            provision umli over X1 (umli x1 --help)
  umli audit verify FILE...                   verify hash-chained audit logs
  umli version                                print the module version and VCS revision

Every command answers -h/--help on stdout (exit 0); a usage error exits 2.

` + "`umli run`" + ` runs everything the configuration names: UM feeds (umsys), e-mail taps
(email), the SIPREC endpoint (rtp), X1 provisioning (x1, audit), mediation and handover.

See umli.example.yaml for a documented configuration. --records feeds intercept records
as JSON lines (mediation/record.Record with its Go field names; []byte as base64), for
tests and replays; sources built into umli feed mediation directly.
`

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return runCmd(args[1:], stdin, stdout, stderr)
	case "check-config":
		return checkConfigCmd(args[1:], stdout, stderr)
	case "demo":
		return demoCmd(args[1:], stdout, stderr)
	case "x1":
		return x1cli.Main(args[1:], stdout, stderr)
	case "audit":
		return auditCmd(args[1:], stdout, stderr)
	case "version":
		return versionCmd(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "umli: unknown command %q\n%s", args[0], usage)
		return 2
	}
}
