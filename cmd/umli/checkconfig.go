package main

import (
	"fmt"
	"io"

	"github.com/umli/umli/mediation/config"
)

// checkConfigCmd loads and checks a configuration; exit status 1 lists every problem as
// file:line: reason.
func checkConfigCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: umli check-config FILE")
		return 2
	}
	c, err := config.Load(args[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok (%d destinations, %d warrants)\n", args[0], len(c.Destinations), c.Table.Len())
	return 0
}
