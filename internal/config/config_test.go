package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/warrant"
)

func TestExampleConfig(t *testing.T) {
	c, err := Load("../../umli.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Instance != "umli-1" || c.Operator != "EXAMPLE-OP" || c.Table.Len() != 2 {
		t.Fatalf("unexpected config: %+v", c.File)
	}
	a := c.Destinations["lea-a"]
	if a.Version != etsi.LatestVersion() || a.Timestamps != mediation.TimestampBoth || a.Qualifier == nil || *a.Qualifier != etsi.TimeStampOfInterception {
		t.Fatalf("lea-a = %+v", a)
	}
	if b := c.Destinations["lea-b"]; b.Version != (etsi.Version{Header: 43, Email: 9}) || b.Qualifier == nil || *b.Qualifier != etsi.TimeStampOfInterception || b.HI3 != "" ||
		b.Profile != "lemf-no-keepalive-answer" || b.KeepAlive.ResponseWait != 0 || b.KeepAlive.Interval != time.Minute ||
		b.Operator != "EXAMPLE-AT" || b.CountryCode != "AT" || b.Resend != (Resend{PDUs: 500}) {
		t.Fatalf("lea-b = %+v", b)
	}
	w := c.Table.Warrant("DE-LEA-A-0001")
	if w == nil || w.Scope != warrant.ScopeIRICC || len(w.Targets) != 4 || !w.End.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("warrant = %+v", w)
	}
	if c.Sessions.IdleTimeout != 5*time.Minute || c.Queue.Workers != 8 {
		t.Fatalf("sessions/queue = %+v %+v", c.Sessions, c.Queue)
	}
}

const base = `instance: i1
operator: OP
destinations:
  - name: d
    hi2: 127.0.0.1:1
    hi3: 127.0.0.1:2
warrants:
  - liid: L1
    destination: d
    scope: iri+cc
    start: 2026-01-01T00:00:00Z
    targets:
      - e164: "+491"
`

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"unknown top key", base + "colour: red\n", []string{"c.yaml:14: field colour not found"}},
		{"unknown nested key", strings.Replace(base, "    hi3: 127.0.0.1:2\n", "    hi3: 127.0.0.1:2\n    hi4: x\n", 1), []string{"c.yaml:7: field hi4 not found"}},
		{"bad hi2", strings.Replace(base, "127.0.0.1:1", "localhost", 1), []string{`c.yaml:5: destination "d": hi2: address "localhost": want host:port`}},
		{"bad port", strings.Replace(base, "127.0.0.1:2", "127.0.0.1:99999", 1), []string{`c.yaml:6: destination "d": hi3: address "127.0.0.1:99999": port must be 1..65535`}},
		{"duplicate liid", base + "  - liid: L1\n    destination: d\n    start: 2026-01-01T00:00:00Z\n    targets: [{email: a@b}]\n",
			[]string{"c.yaml:14: warrant L1: LIID already used by the warrant at line 8"}},
		{"no destination", base + "  - liid: L2\n    start: 2026-01-01T00:00:00Z\n    targets: [{email: a@b}]\n", []string{"c.yaml:14: warrant L2: destination required"}},
		{"unknown destination", strings.Replace(base, "destination: d", "destination: nowhere", 1), []string{`c.yaml:9: warrant L1: destination "nowhere" is not defined`}},
		{"cc without hi3", strings.Replace(base, "    hi3: 127.0.0.1:2\n", "", 1), []string{`c.yaml:9: warrant L1: scope iri+cc but destination "d" has no hi3`}},
		{"bad target", strings.Replace(base, `e164: "+491"`, "e164: abc", 1), []string{"c.yaml:13: warrant L1: target 1: not an E.164 number"}},
		{"two kinds", strings.Replace(base, `e164: "+491"`, "{e164: '1', email: a@b}", 1), []string{"c.yaml:13: warrant L1: target 1: exactly one of"}},
		{"end before start", strings.Replace(base, "    start:", "    end: 2025-01-01T00:00:00Z\n    start:", 1), []string{"c.yaml:11: warrant L1: end must be after start"}},
		{"bad version", strings.Replace(base, "    hi3: 127.0.0.1:2\n", "    hi3: 127.0.0.1:2\n    version: ver7\n", 1), []string{`c.yaml:7: version "ver7"`}},
		{"bad version key", strings.Replace(base, "    hi3: 127.0.0.1:2\n", "    hi3: 127.0.0.1:2\n    version: {header: 43, mail: 9}\n", 1), []string{`c.yaml:7: version: unknown key "mail"`}},
		{"missing instance and operator", strings.Replace(strings.Replace(base, "instance: i1\n", "", 1), "operator: OP\n", "", 1),
			[]string{"c.yaml:1: instance: required", "c.yaml:1: operator: required"}},
		{"long liid", strings.Replace(base, "liid: L1", "liid: "+strings.Repeat("X", 26), 1), []string{"c.yaml:8: warrants[0]: liid required, 1 to 25 octets"}},
		{"duplicate destination", strings.Replace(base, "warrants:", "  - name: d\n    hi2: 127.0.0.1:3\nwarrants:", 1), []string{`c.yaml:7: destination "d" defined twice`}},
		{"bad duration", base + "sessions: {idleTimeout: soon}\n", []string{"c.yaml:14: cannot unmarshal !!str `soon`"}},
		{"not yaml", "a: [\n", []string{"c.yaml:"}},
		{"empty", "", []string{"c.yaml: empty configuration"}},
		{"tls without ca", strings.Replace(base, "    hi3: 127.0.0.1:2\n", "    hi3: 127.0.0.1:2\n    tls: {cert: a}\n", 1), []string{"c.yaml:7: tls: cert, key and ca required", "c.yaml:7: tls.cert: stat a: no such file"}},
		{"liid with space", strings.Replace(base, "liid: L1", "liid: L 1", 1), []string{"c.yaml:8: warrants[0]: liid must be printable ASCII without spaces"}},
		{"bad interface", strings.Replace(base, "    hi3: 127.0.0.1:2\n", "    hi3: 127.0.0.1:2\n    interface: x1\n", 1), []string{`c.yaml:7: destination "d": interface "x1": want hi2hi3 or x2x3`}},
		{"x2x3 without tls", strings.Replace(base, "    hi3: 127.0.0.1:2\n", "    hi3: 127.0.0.1:2\n    interface: x2x3\n", 1), []string{`c.yaml:7: destination "d": interface x2x3 needs tls`}},
		{"bad xid", strings.Replace(base, "liid: L1\n", "liid: L1\n    xid: not-a-uuid\n", 1), []string{`c.yaml:9: warrant L1: xid "not-a-uuid": want a non-nil UUID`}},
		{"nil xid", strings.Replace(base, "liid: L1\n", "liid: L1\n    xid: 00000000-0000-0000-0000-000000000000\n", 1), []string{`c.yaml:9: warrant L1: xid`}},
		{"destination name", strings.Replace(base, "name: d", "name: a|b", 1), []string{`c.yaml:4: destination "a|b": name must be`, `c.yaml:9: warrant L1: destination "d" is not defined`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(tt.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(lines), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("error %d = %q, want prefix %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestConfigBaseIsValid(t *testing.T) {
	c, err := Parse("c.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.Redis.Addrs[0] != DefaultRedisAddr || c.NetworkElement != DefaultNE {
		t.Fatalf("defaults not applied: %+v", c.File)
	}
}

// TestConfigInterfaceAndXID: interface defaults to hi2hi3, x2x3 is kept; a warrant's XID
// defaults to the name-based UUID X1 provisioning gives the same LIID, or is the one set.
func TestConfigInterfaceAndXID(t *testing.T) {
	c, err := Parse("c.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Destinations["d"].Interface; got != mediation.InterfaceHI2HI3 {
		t.Errorf("default interface %q, want hi2hi3", got)
	}
	if got, want := c.Warrants[0].XID, warrant.NameUUID("task", "L1"); got != want {
		t.Errorf("default XID %s, want %s", got, want)
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "f.pem")
	if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	const xid = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	doc := strings.Replace(base, "    hi3: 127.0.0.1:2\n", "    hi3: 127.0.0.1:2\n    interface: x2x3\n    tls: {cert: "+f+", key: "+f+", ca: "+f+"}\n", 1)
	doc = strings.Replace(doc, "liid: L1\n", "liid: L1\n    xid: "+xid+"\n", 1)
	if c, err = Parse("c.yaml", []byte(doc)); err != nil {
		t.Fatal(err)
	}
	if got := c.Destinations["d"].Interface; got != mediation.InterfaceX2X3 {
		t.Errorf("interface %q, want x2x3", got)
	}
	if got := c.Warrants[0].XID.String(); got != xid {
		t.Errorf("XID %s, want %s", got, xid)
	}
}

func TestConfigTLSFiles(t *testing.T) {
	dir := t.TempDir()
	cert := filepath.Join(dir, "c.pem")
	if err := os.WriteFile(cert, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(base, "    hi3: 127.0.0.1:2\n", "    hi3: 127.0.0.1:2\n    tls: {cert: "+cert+", ca: "+cert+", key: "+filepath.Join(dir, "missing.pem")+"}\n", 1)
	_, err := Parse("c.yaml", []byte(doc))
	if err == nil || !strings.HasPrefix(err.Error(), "c.yaml:7: tls.key: ") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzParse: configuration files are outside input; never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(base))
	if b, err := os.ReadFile("../../umli.example.yaml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("destinations: [{name: x, version: {header: 0}}]"))
	f.Add([]byte(base + "umsys:\n  systemID: u\n  esl: [{source: fs, addr: 'h:1', passwordFile: /dev/null}]\n  webhooks: [{source: w, listen: ':0', path: /e, tokenFile: /dev/null, tls: {cert: a}}]\n"))
	f.Add([]byte(base + "email: {proxies: [{source: m, protocol: smtp, listen: ':0', upstream: 'h:25'}], capture: {interface: lo}}\nrtp: {siprec: {listen: ':5060', mediaAddr: 192.0.2.1, portMin: 9, portMax: 1}}\n"))
	f.Add([]byte(base + "x1: {listen: ':1', keyringFile: /dev/null}\naudit: {file: a}\ndemo: true\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse("f.yaml", b)
		if err == nil && (c.Table == nil || c.Instance == "") {
			t.Fatal("accepted without warrant table or instance")
		}
	})
}
