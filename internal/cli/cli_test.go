package cli

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
)

// TestParse: help goes to stdout with exit 0, a bad flag to stderr with exit 2, good
// flags parse and print nothing.
func TestParse(t *testing.T) {
	for _, tt := range []struct {
		args             []string
		code             int
		ok               bool
		stdout, stderr   string
		noStdout, noErrs bool
	}{
		{[]string{"--n", "3"}, OK, true, "", "", true, true},
		{[]string{"-h"}, OK, false, "usage: x [--n N]", "", false, true},
		{[]string{"--help"}, OK, false, "-n int", "", false, true},
		{[]string{"--bogus"}, Usage, false, "", "flag provided but not defined: -bogus", true, false},
		{[]string{"--n", "x"}, Usage, false, "", "usage: x [--n N]", true, false},
	} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.Int("n", 0, "a number")
		var out, errb bytes.Buffer
		code, ok := Parse(fs, "usage: x [--n N]\n", tt.args, &out, &errb)
		if code != tt.code || ok != tt.ok || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errb.String(), tt.stderr) ||
			(tt.noStdout && out.Len() > 0) || (tt.noErrs && errb.Len() > 0) {
			t.Errorf("%q: code %d ok %v stdout %q stderr %q", tt.args, code, ok, out.String(), errb.String())
		}
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	var ee ExitError
	err := ParseError(fs, "", []string{"--bogus"}, &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.As(err, &ee) || ee.Code != Usage || !strings.Contains(err.Error(), "flag provided but not defined") {
		t.Errorf("ParseError: %v", err)
	}
	if err := ParseError(fs, "", []string{"-h"}, &bytes.Buffer{}, &bytes.Buffer{}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("ParseError help: %v", err)
	}
}
