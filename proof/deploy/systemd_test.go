package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const unitPath = "../../deploy/umli.service"

// verify runs systemd-analyze verify on unit text (the umli binary path replaced by an
// executable that exists here) and returns its complaints: a non-zero exit or anything
// on its output counts, since systemd only warns and carries on for a bad value.
func verify(t *testing.T, name, unit string) string {
	t.Helper()
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze not installed: run scripts/install-deps.sh as root (Debian package systemd)")
	}
	truth, err := exec.LookPath("true")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(unit, "/usr/local/bin/umli", truth)), 0o644); err != nil {
		t.Fatal(err)
	}
	// Works without systemd as PID 1 (containers): verify loads and checks the unit
	// file itself; --man=no skips the Documentation= man page lookup.
	cmd := exec.Command(sa, "verify", "--man=no", p)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	msg := strings.TrimSpace(out.String())
	if err != nil && msg == "" {
		msg = err.Error()
	} else if err != nil {
		msg += " (" + err.Error() + ")"
	}
	return msg
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// settings returns the key=value lines of a unit, values of repeated keys in order.
func settings(unit string) map[string][]string {
	out := map[string][]string{}
	for _, l := range strings.Split(unit, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' || l[0] == '[' {
			continue
		}
		k, v, _ := strings.Cut(l, "=")
		out[k] = append(out[k], v)
	}
	return out
}

// TestSystemdUnit: deploy/umli.service, alone and with each drop-in, passes
// systemd-analyze verify without a complaint, while deliberately broken copies do not;
// and the unit keeps its hardening.
func TestSystemdUnit(t *testing.T) {
	unit := read(t, unitPath)
	if msg := verify(t, "umli.service", unit); msg != "" {
		t.Errorf("umli.service: systemd-analyze verify: %s", msg)
	}
	dropins, err := filepath.Glob("../../deploy/umli.service.d/*.conf")
	if err != nil || len(dropins) < 2 {
		t.Fatalf("drop-ins: %v %v", dropins, err)
	}
	for _, d := range dropins {
		// A drop-in's sections apply after the unit's: verifying the concatenation checks
		// the merged result.
		if msg := verify(t, "umli-"+strings.TrimSuffix(filepath.Base(d), ".conf")+".service", unit+"\n"+read(t, d)); msg != "" {
			t.Errorf("umli.service + %s: systemd-analyze verify: %s", filepath.Base(d), msg)
		}
	}

	// The check must be able to fail: each broken copy is refused or warned about.
	for _, b := range []struct{ name, from, to string }{
		{"bad value", "ProtectSystem=strict", "ProtectSystem=strictest"},
		{"misspelt directive", "NoNewPrivileges=yes", "NoNewPrivilege=yes"},
		{"no ExecStart", "ExecStart=", "ExecStrat="},
		{"missing binary", "ExecStart=/usr/local/bin/umli", "ExecStart=/nonexistent/umli"},
		{"bad section", "[Service]", "[Servce]"},
	} {
		if !strings.Contains(unit, b.from) {
			t.Fatalf("%s: unit has no %q", b.name, b.from)
		}
		if msg := verify(t, "broken.service", strings.Replace(unit, b.from, b.to, 1)); msg == "" {
			t.Errorf("broken copy (%s: %q -> %q) passed systemd-analyze verify", b.name, b.from, b.to)
		}
	}

	s := settings(unit)
	for k, want := range map[string]string{
		"User": "umli", "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
		"PrivateTmp": "yes", "PrivateDevices": "yes", "CapabilityBoundingSet": "", "AmbientCapabilities": "",
		"StateDirectory": "umli", "ReadWritePaths": "/var/lib/umli", "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"MemoryDenyWriteExecute": "yes", "RestrictNamespaces": "yes", "ExecStart": "/usr/local/bin/umli run --config /etc/umli/umli.yaml",
	} {
		if got := s[k]; len(got) != 1 || got[0] != want {
			t.Errorf("umli.service %s=%q, want exactly %q", k, got, want)
		}
	}
	capture := settings(read(t, "../../deploy/umli.service.d/capture.conf"))
	if got := capture["AmbientCapabilities"]; len(got) != 1 || got[0] != "CAP_NET_RAW" {
		t.Errorf("capture.conf AmbientCapabilities=%q, want CAP_NET_RAW only", got)
	}
	if !strings.Contains(strings.Join(capture["RestrictAddressFamilies"], " "), "AF_PACKET") {
		t.Error("capture.conf must allow AF_PACKET (pcapgo.EthernetHandle)")
	}
	for _, d := range dropins {
		if strings.Contains(read(t, d), "CAP_SYS_ADMIN") || strings.Contains(read(t, d), "NoNewPrivileges=no") {
			t.Errorf("%s widens the sandbox beyond one capability", d)
		}
	}
	// The audit log path the example configuration suggests is writable under the unit.
	if ex := read(t, "../../umli.example.yaml"); !strings.Contains(ex, "file: /var/lib/umli/audit.log") {
		t.Error("umli.example.yaml no longer suggests /var/lib/umli/audit.log; keep it under ReadWritePaths")
	}
}
