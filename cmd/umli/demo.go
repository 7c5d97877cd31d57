package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/cli"
	"github.com/umli/umli/internal/demo"
)

func demoCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("umli demo", flag.ContinueOnError)
	out := fs.String("out", "demo-out", "directory for what the LEMF receives")
	level := fs.String("log", "warn", "log level on stderr")
	if code, ok := cli.Parse(fs, "usage: umli demo [--out DIR] [--log LEVEL]\n", args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "umli demo: unexpected arguments %q\n", fs.Args())
		return 2
	}
	lvl, err := zerolog.ParseLevel(*level)
	if err != nil {
		fmt.Fprintf(stderr, "umli demo: --log: %v\n", err)
		return 2
	}
	if err := os.MkdirAll(*out, 0o750); err != nil {
		fmt.Fprintf(stderr, "umli demo: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := zerolog.New(stderr).Level(lvl).With().Timestamp().Logger()
	if err := demo.Run(ctx, demo.Options{OutDir: *out, Out: stdout, Log: log, Scenarios: demoScenarios()}); err != nil {
		fmt.Fprintf(stderr, "umli demo: %v\n", err)
		return 1
	}
	return 0
}
