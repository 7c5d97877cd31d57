package main

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/umli/umli/internal/cli"
	"github.com/umli/umli/mediation/audit"
)

// versionCmd prints what was built: module path and version, VCS revision and time, and
// whether the tree had local changes, from the build information Go embeds.
func versionCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("umli version", flag.ContinueOnError)
	if code, ok := cli.Parse(fs, "usage: umli version\n", args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "umli version: unexpected arguments %q\n", fs.Args())
		return 2
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(stderr, "umli version: no build information in this binary")
		return 1
	}
	fmt.Fprint(stdout, formatVersion(bi))
	return 0
}

func formatVersion(bi *debug.BuildInfo) string {
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	rev := settings["vcs.revision"]
	if rev == "" {
		rev = "unknown (built without VCS information, e.g. -buildvcs=false)"
	} else if settings["vcs.modified"] == "true" {
		rev += " (modified)"
	}
	out := fmt.Sprintf("umli %s\nmodule %s\nrevision %s\n", bi.Main.Version, bi.Main.Path, rev)
	if t := settings["vcs.time"]; t != "" {
		out += "revision time " + t + "\n"
	}
	return out + "go " + bi.GoVersion + "\n"
}

// auditCmd is `umli audit verify FILE...`.
func auditCmd(args []string, stdout, stderr io.Writer) int {
	const usage = "usage: umli audit verify FILE...\n"
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && cli.IsHelp(args[0]) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprint(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("umli audit verify", flag.ContinueOnError)
	if code, ok := cli.Parse(fs, usage, args[1:], stdout, stderr); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	return audit.VerifyMain(fs.Args(), stdout, stderr)
}
