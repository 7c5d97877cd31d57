package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/umli/umli/internal/cli"
	"github.com/umli/umli/internal/config"
)

// checkConfigCmd loads and checks a configuration; exit status 1 lists every problem as
// file:line: reason. Warnings (valid settings that leave traffic unseen) go to stderr
// as file:line: warning: reason and do not change the exit status.
func checkConfigCmd(args []string, stdout, stderr io.Writer) int {
	const usage = "usage: umli check-config FILE\n"
	fs := flag.NewFlagSet("umli check-config", flag.ContinueOnError)
	if code, ok := cli.Parse(fs, usage, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	c, err := config.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	for _, w := range c.Warnings {
		fmt.Fprintln(stderr, w)
	}
	fmt.Fprintf(stdout, "%s: ok (%d destinations, %d warrants)\n", fs.Arg(0), len(c.Destinations), c.Table.Len())
	return 0
}
