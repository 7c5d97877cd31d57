package main

import (
	"fmt"
	"io"

	"github.com/umli/umli/simulators/lemf"
)

// decodeStrict is `lemf decode --strict FILE...`: one line per constraint violation on
// stdout, a count on stderr; exit status 1 when any PDU has a violation or a file cannot
// be read, 2 without files.
func decodeStrict(files []string, stdout, stderr io.Writer) int {
	if len(files) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	rep, err := lemf.CheckFiles(stdout, files...)
	fmt.Fprintf(stderr, "lemf decode --strict: %d violations in %d of %d PDUs\n", rep.Violations, rep.Violating, rep.PDUs)
	if err != nil {
		fmt.Fprintf(stderr, "lemf decode --strict: %v\n", err)
		return 1
	}
	if rep.Violating > 0 {
		return 1
	}
	return 0
}
