package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// binaries are the module's commands, built once per test run.
var binaries = []string{"umli", "lemf", "umsim", "translate-raw-event"}

// commands lists every command and subcommand, as the arguments before the flag.
var commands = map[string][][]string{
	"umli": {{}, {"run"}, {"check-config"}, {"demo"}, {"version"}, {"audit", "verify"},
		{"x1"}, {"x1", "ping"}, {"x1", "keepalive"}, {"x1", "dest-create"}, {"x1", "dest-modify"},
		{"x1", "dest-remove"}, {"x1", "activate"}, {"x1", "modify"}, {"x1", "deactivate"},
		{"x1", "list"}, {"x1", "get"}, {"x1", "keyring"}},
	"lemf":                {{}, {"decode"}, {"listen"}, {"serve"}},
	"umsim":               {{}, {"um"}, {"mail"}, {"sip"}, {"load"}, {"transcript"}, {"list"}},
	"translate-raw-event": {{}},
}

// build compiles every binary into one temporary directory (never into the repository),
// with VCS stamping on so `umli version` has a revision to print.
func build(t *testing.T) (string, string) {
	t.Helper()
	root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatalf("git rev-parse: %v (this test needs git and the repository)", err)
	}
	dir := t.TempDir()
	args := []string{"build", "-buildvcs=true", "-o", dir + string(filepath.Separator)}
	for _, b := range binaries {
		args = append(args, "./cmd/"+b)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = strings.TrimSpace(string(root))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return dir, strings.TrimSpace(string(root))
}

func runBin(t *testing.T, bin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Stdin = strings.NewReader("")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("%s %q: %v", bin, args, err)
	}
	return code, o.String(), e.String()
}

// TestHelpAndBadFlags: for every command and subcommand of every binary, each spelling
// of help prints a usage to stdout and nothing to stderr with exit 0, and an unknown flag
// prints the usage to stderr and nothing to stdout with exit 2.
func TestHelpAndBadFlags(t *testing.T) {
	dir, _ := build(t)
	for _, b := range binaries {
		for _, cmd := range commands[b] {
			name := strings.Join(append([]string{b}, cmd...), " ")
			bin := filepath.Join(dir, b)
			t.Run(name, func(t *testing.T) {
				for _, help := range []string{"-h", "--help"} {
					code, out, errOut := runBin(t, bin, append(append([]string(nil), cmd...), help)...)
					if code != 0 || !strings.Contains(strings.ToLower(out), "usage") || errOut != "" {
						t.Errorf("%s %s: exit %d, stdout %q, stderr %q; want exit 0, usage on stdout, empty stderr", name, help, code, out, errOut)
					}
				}
				code, out, errOut := runBin(t, bin, append(append([]string(nil), cmd...), "--no-such-flag")...)
				if code != 2 || !strings.Contains(strings.ToLower(errOut), "usage") || out != "" {
					t.Errorf("%s --no-such-flag: exit %d, stdout %q, stderr %q; want exit 2, usage on stderr, empty stdout", name, code, out, errOut)
				}
			})
		}
	}
}

// TestUmliVersion: `umli version` prints the module path, the VCS revision the binary
// was built from (that of the checkout) and the Go version. cmd/go stamps VCS
// information only where .git is a directory, so in a linked worktree (.git is a file)
// the test builds from a shared clone of HEAD instead.
func TestUmliVersion(t *testing.T) {
	_, root := build(t)
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	src := root
	if fi, err := os.Stat(filepath.Join(root, ".git")); err != nil || !fi.IsDir() {
		src = filepath.Join(t.TempDir(), "clone")
		if out, err := exec.Command("git", "clone", "-q", "--shared", root, src).CombinedOutput(); err != nil {
			t.Fatalf("git clone: %v\n%s", err, out)
		}
	}
	bin := filepath.Join(t.TempDir(), "umli")
	cmd := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/umli")
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	code, out, errOut := runBin(t, bin, "version")
	if code != 0 || errOut != "" {
		t.Fatalf("umli version: exit %d, stderr %q", code, errOut)
	}
	rev := regexp.MustCompile(`(?m)^revision ([0-9a-f]{40})( \(modified\))?$`).FindStringSubmatch(out)
	if !strings.Contains(out, "module github.com/umli/umli\n") || rev == nil || rev[1] != strings.TrimSpace(string(head)) ||
		!regexp.MustCompile(`(?m)^go go1\.`).MatchString(out) {
		t.Errorf("umli version printed %q; want module github.com/umli/umli, revision %s, go version", out, head)
	}
}
