// Package cli holds the command-line conventions every umli binary follows: -h/--help
// prints the usage and flags to stdout and exits 0; a bad flag prints the error and the
// usage to stderr and exits 2.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit statuses.
const (
	OK    = 0
	Fail  = 1
	Usage = 2
)

// Parse parses args into fs. usage is the text before the flag list (may be empty).
// ok is false when the command must stop and exit with code: 0 after help, 2 after a
// bad flag.
func Parse(fs *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	code, err := parse(fs, usage, args, stdout, stderr)
	return code, err == nil
}

// parse is Parse returning the flag package's error (flag.ErrHelp after help).
func parse(fs *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) (int, error) {
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		if hasFlags(fs) {
			if usage != "" && !strings.HasSuffix(usage, "flags:\n") {
				fmt.Fprintln(fs.Output(), "flags:")
			}
			fs.PrintDefaults()
		}
	}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case err == nil:
		fs.SetOutput(stderr)
		return OK, nil
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return OK, err
	default:
		fs.SetOutput(stderr)
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		fs.Usage()
		return Usage, err
	}
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// IsHelp reports whether arg asks for help (for commands that take no flags).
func IsHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// ExitError is a command that stopped at its flags: main exits with Code and prints
// nothing more (the help or the usage error is already printed). Err is the flag
// package's error (flag.ErrHelp after help).
type ExitError struct {
	Code int
	Err  error
}

// Error implements error.
func (e ExitError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

// Unwrap gives the flag package's error.
func (e ExitError) Unwrap() error { return e.Err }

// ParseError is Parse for commands that return an error: nil to go on, else an
// ExitError.
func ParseError(fs *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) error {
	if code, err := parse(fs, usage, args, stdout, stderr); err != nil {
		return ExitError{Code: code, Err: err}
	}
	return nil
}
