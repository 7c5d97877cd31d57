package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/umli/umli/internal/seal"
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

// built is where TestMain put the binaries, and the repository root.
var built struct{ dir, root string }

// TestMain compiles every binary once into a temporary directory (never into the
// repository), with VCS stamping on so `umli version` has a revision to print.
func TestMain(m *testing.M) {
	os.Exit(func() int {
		// `umli run` refuses to start without an at-rest keyring outside demo mode.
		if os.Getenv("UMLI_KEYRING") == "" {
			text, err := seal.GenerateKeyring()
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			os.Setenv("UMLI_KEYRING", strings.ReplaceAll(strings.TrimSpace(text), "\n", ";"))
		}
		root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "git rev-parse: %v (this test needs git and the repository)\n", err)
			return 1
		}
		dir, err := os.MkdirTemp("", "umli-cli-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		args := []string{"build", "-buildvcs=true", "-o", dir + string(filepath.Separator)}
		for _, b := range binaries {
			args = append(args, "./cmd/"+b)
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = strings.TrimSpace(string(root))
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go %s: %v\n%s", strings.Join(args, " "), err, out)
			return 1
		}
		built.dir, built.root = dir, strings.TrimSpace(string(root))
		return m.Run()
	}())
}

func build(*testing.T) (string, string) { return built.dir, built.root }

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
// was built from (HEAD of the checkout, "(modified)" with local changes) and the Go
// version. cmd/go stamps VCS information only where .git is a directory; in a linked
// git worktree (.git is a file) it stamps none, and umli must then say so instead of
// inventing a revision. (Rebuilding from a clone would recompile the whole module.)
func TestUmliVersion(t *testing.T) {
	dir, root := build(t)
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runBin(t, filepath.Join(dir, "umli"), "version")
	if code != 0 || errOut != "" {
		t.Fatalf("umli version: exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, "module github.com/umli/umli\n") || !regexp.MustCompile(`(?m)^go go1\.`).MatchString(out) {
		t.Errorf("umli version printed %q; want the module path and the Go version", out)
	}
	if fi, err := os.Stat(filepath.Join(root, ".git")); err == nil && !fi.IsDir() {
		t.Logf("linked worktree: cmd/go stamps no VCS information; umli version says %q", out)
		if !strings.Contains(out, "revision unknown (built without VCS information") {
			t.Errorf("umli version printed %q; without build VCS information it must say the revision is unknown", out)
		}
		return
	}
	rev := regexp.MustCompile(`(?m)^revision ([0-9a-f]{40})( \(modified\))?$`).FindStringSubmatch(out)
	if rev == nil || rev[1] != strings.TrimSpace(string(head)) {
		t.Errorf("umli version printed %q; want revision %s", out, head)
	}
}
