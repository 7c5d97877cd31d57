// Command translate-raw-event shows what umli makes of a UM platform's raw events.
//
//	translate-raw-event --vendor freeswitch|asterisk|json|cuni [--profile FILE] [--system ID]
//	                    [--explain] [--ber FILE] [FILE ...]
//
// It reads one event or a whole transcript (ESL event frames, AMI packets, JSON
// objects or lines) from the files, or stdin when none is given, treats everything as
// one ordered session, and prints one JSON object per resulting IRI record:
//
//	{"correlationKey":"…","iRIType":"iRI-Begin","record":{<MessagingIRI, codec JSON form>}}
//
// iRIType is what mediation would derive for a single session (Open→iRI-Begin,
// Continue→iRI-Continue, Close→iRI-End, Standalone→iRI-Report); event-identifier is
// numbered per correlation key as mediation numbers it. --explain adds the rule that
// fired and the content the event names; --ber writes the records as BER PS-PDUs
// (LIID "TRANSLATE", CIN 1, sequence numbers from 0). Unreadable input exits 1 with
// the file, line and offset and why.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/umli/umli/internal/cli"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stdout, stderr)
	var ee cli.ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if err != nil {
		fmt.Fprintf(stderr, "translate-raw-event: %v\n%s", err, usage)
		return 2
	}
	if err := translateAll(opts, stdin, stdout); err != nil {
		fmt.Fprintf(stderr, "translate-raw-event: %v\n", err)
		return 1
	}
	return 0
}
