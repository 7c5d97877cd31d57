package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/secret"
)

// TestAuditVerifySubcommand: `umli audit verify` accepts an intact hash chain and
// refuses one whose entry was edited afterwards.
func TestAuditVerifySubcommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "audit.log")
	al, err := audit.Open(good, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"ActivateTask", "DeactivateTask"} {
		if _, err := al.Append("admf-test", a, map[string]string{"xid": "x-1"}, "ok"); err != nil {
			t.Fatal(err)
		}
	}
	if err := al.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "tampered.log")
	if err := os.WriteFile(bad, bytes.Replace(b, []byte("DeactivateTask"), []byte("ActivateTask"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		args      []string
		code      int
		stdoutHas string
		stderrHas string
	}{
		{"intact", []string{"audit", "verify", good}, 0, good + ": OK: 2 entries", ""},
		{"tampered", []string{"audit", "verify", bad}, 1, "", bad + ": FAIL"},
		{"no file", []string{"audit", "verify"}, 2, "", "usage: umli audit verify"},
		{"no verb", []string{"audit"}, 2, "", "usage: umli audit verify"},
		{"other verb", []string{"audit", "append", good}, 2, "", "usage: umli audit verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := dispatch(tt.args, strings.NewReader(""), &out, &errb)
			if code != tt.code || !strings.Contains(out.String(), tt.stdoutHas) || !strings.Contains(errb.String(), tt.stderrHas) {
				t.Fatalf("exit %d stdout %q stderr %q; want %d, %q, %q", code, out.String(), errb.String(), tt.code, tt.stdoutHas, tt.stderrHas)
			}
		})
	}
}

// TestX1Subcommand runs the built binary's `umli x1`: keyring prints a keyring the
// secret package loads; without certificates the ADMF commands refuse to run (X1 is
// mutual TLS only); without a command it prints the usage.
func TestX1Subcommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the umli binary")
	}
	bin := buildUMLI(t)
	out, err := exec.Command(bin, "x1", "keyring").Output()
	if err != nil {
		t.Fatalf("umli x1 keyring: %v", err)
	}
	if _, err := secret.ParseKeyring(string(out), "umli x1 keyring"); err != nil {
		t.Fatalf("keyring printed by umli x1 keyring: %v\n%s", err, out)
	}
	for _, tt := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"x1", "ping"}, 2, "--cert, --key and --ca are required"},
		{[]string{"x1"}, 2, "usage: umli x1"},
	} {
		cmd := exec.Command(bin, tt.args...)
		cmd.Env = append(os.Environ(), "UMLI_X1_CERT=", "UMLI_X1_KEY=", "UMLI_X1_CA=")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != tt.code || !strings.Contains(errb.String(), tt.stderr) {
			t.Errorf("umli %v: %v, stderr %q; want exit %d with %q", tt.args, err, errb.String(), tt.code, tt.stderr)
		}
	}
}

// TestRunSourceConfigErrors: `umli run` and `umli check-config` refuse bad source
// sections with file:line before starting anything.
func TestRunSourceConfigErrors(t *testing.T) {
	const base = "instance: i\noperator: OP\ndestinations: [{name: d, hi2: '127.0.0.1:1'}]\n"
	tests := []struct {
		name, doc, want string
	}{
		{"unknown esl key", base + "umsys:\n  esl:\n    - source: fs\n      pasword: x\n", ":7: field pasword not found"},
		{"unknown x1 key", base + "x1:\n  listen: ':1'\n  plaintext: true\n", ":6: field plaintext not found"},
		{"unknown email key", base + "email:\n  proxy: []\n", ":5: field proxy not found"},
		{"unknown siprec key", base + "rtp:\n  siprec: {listen: ':5060', media: x}\n", ":5: field media not found"},
		{"unknown audit key", base + "audit: {file: a, fsync: false}\n", ":4: field fsync not found"},
		{"esl without password", base + "umsys:\n  esl: [{source: fs, addr: 'h:8021'}]\n", ":5: umsys.esl[0]: passwordFile required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(p, []byte(tt.doc), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"run", "--config", p}, {"check-config", p}} {
				var out, errb bytes.Buffer
				if code := dispatch(args, strings.NewReader(""), &out, &errb); code != 1 || !strings.Contains(errb.String(), p+tt.want) {
					t.Errorf("umli %s: exit %d stderr %q; want 1 with %q", args[0], code, errb.String(), p+tt.want)
				}
			}
		})
	}
}
