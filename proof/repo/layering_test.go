package repo

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// moduleGraph lists the module's packages with `go list -json ./...` from the module
// root; only imports inside the module are kept. Test files' imports are not part of
// the graph: end-to-end tests of a source may drive mediation, handover and a LEMF.
func moduleGraph(t *testing.T) []Package {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v (the layering check needs the go tool)", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == "/dev/null" {
		t.Fatal("go env GOMOD: not inside the module")
	}
	root := strings.TrimSuffix(gomod, "/go.mod")
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Module", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v: %s", err, stderr.String())
	}
	var pkgs []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Imports    []string
			Module     struct{ Path string }
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		prefix := p.Module.Path + "/"
		pkg := Package{Path: strings.TrimPrefix(p.ImportPath, prefix)}
		for _, imp := range p.Imports {
			if rel, ok := strings.CutPrefix(imp, prefix); ok {
				pkg.Imports = append(pkg.Imports, rel)
			}
		}
		pkgs = append(pkgs, pkg)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages; the layering check would prove nothing", len(pkgs))
	}
	return pkgs
}

// TestLayering: no package of the module imports against the flow (Rules).
func TestLayering(t *testing.T) {
	for _, v := range Check(moduleGraph(t), Rules) {
		t.Errorf("layering: %s", v)
	}
}

// TestLayeringCatches feeds Check fake import graphs: each import against the flow is
// reported with the rule it breaks, the allowed ones are not.
func TestLayeringCatches(t *testing.T) {
	tests := []struct {
		name string
		from string
		imp  string
		rule string // "" when the import is allowed
	}{
		{"source imports another source", "umsys/adapter", "email/proxy", "sources never import each other (umsys)"},
		{"rtpcapture imports umsys", "rtpcapture/siprec", "umsys/feed", "sources never import each other (rtpcapture)"},
		{"email imports rtpcapture", "email", "rtpcapture", "sources never import each other (email)"},
		{"sub-packages of one source", "umsys/jsonfeed", "umsys/adapter", ""},
		{"source imports the record model", "email", "mediation/record", ""},
		{"source imports the codec", "umsys/translate", "mediation/etsi", ""},
		{"source imports mediation's core", "umsys/adapter", "mediation", "sources import nothing of mediation but the record model (mediation/record, mediation/etsi)"},
		{"source imports mediation's sessions", "email", "mediation/session", "sources import nothing of mediation but the record model (mediation/record, mediation/etsi)"},
		{"source imports handover", "rtpcapture", "handover", "sources hand records to mediation, never to handover, and never import simulators, proof or cmd"},
		{"source imports a simulator", "umsys/esl", "simulators/umsim", "sources hand records to mediation, never to handover, and never import simulators, proof or cmd"},
		{"mediation imports a source", "mediation/config", "umsys/adapter", "mediation imports no source, simulator, proof or cmd"},
		{"mediation imports a simulator", "mediation/demo", "simulators/lemf", "mediation imports no source, simulator, proof or cmd"},
		{"mediation imports handover", "mediation", "handover", ""},
		{"mediation imports the product configuration", "mediation", "internal/config", "the product configuration and the pipeline assembly sit above sources, mediation and handover"},
		{"source imports the product configuration", "umsys/adapter", "internal/config", "the product configuration and the pipeline assembly sit above sources, mediation and handover"},
		{"source imports an internal helper", "umsys/jsonfeed", "internal/httpguard", ""},
		{"handover imports BER framing", "handover", "mediation/etsi/ber", ""},
		{"handover imports the codec", "handover", "mediation/etsi", "handover imports nothing of mediation but BER framing (mediation/etsi/ber)"},
		{"handover imports mediation", "handover/x2x3", "mediation", "handover imports nothing of mediation but BER framing (mediation/etsi/ber)"},
		{"handover imports a source", "handover", "email", "handover imports no source, simulator, proof or cmd"},
		{"simulator imports proof", "simulators/loadgen", "proof/load", "simulators never import proof"},
		{"simulator imports a source", "simulators/umsim", "umsys/esl", ""},
		{"proof imports cmd", "proof/chain", "cmd/umli", "nothing imports cmd"},
		{"cmd imports everything", "cmd/umli", "internal/config", ""},
		{"pipeline assembly imports sources", "internal/pipeline", "umsys/adapter", ""},
		{"TLS builder imports the configuration", "internal/tlsconf", "internal/config", "leaf helpers (internal/tlsconf) import no package of the module"},
		{"TLS builder imports another helper", "internal/tlsconf", "internal/testcert", "leaf helpers (internal/tlsconf) import no package of the module"},
		{"TLS builder imports handover", "internal/tlsconf", "handover", "leaf helpers (internal/tlsconf) import no package of the module"},
		{"handover imports the TLS builder", "handover", "internal/tlsconf", ""},
		{"a source imports the TLS builder", "rtpcapture/siprec", "internal/tlsconf", ""},
		{"X1 imports the TLS builder", "mediation/x1", "internal/tlsconf", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Check([]Package{{Path: tc.from, Imports: []string{tc.imp}}}, Rules)
			if tc.rule == "" {
				if len(got) != 0 {
					t.Fatalf("%s -> %s refused: %v", tc.from, tc.imp, got)
				}
				return
			}
			want := Violation{From: tc.from, Import: tc.imp, Rule: tc.rule}
			if !slices.Contains(got, want) {
				t.Fatalf("%s -> %s: got %v, want %v", tc.from, tc.imp, got, want)
			}
			if msg := want.String(); !strings.Contains(msg, tc.from+" imports "+tc.imp) || !strings.Contains(msg, tc.rule) {
				t.Fatalf("message %q names neither the import nor the rule", msg)
			}
		})
	}
}

// TestLayeringBefore: the import graph as it stood before issue 19 (mediation/config
// importing umsys/adapter, mediation/demo wiring every source and simulator,
// simulators/loadgen importing proof/load) fails the check, one violation per import.
func TestLayeringBefore(t *testing.T) {
	before := []Package{
		{Path: "mediation", Imports: []string{"handover", "mediation/config", "mediation/record"}},
		{Path: "mediation/config", Imports: []string{"mediation/etsi", "umsys/adapter"}},
		{Path: "mediation/demo", Imports: []string{"email/proxy", "mediation", "rtpcapture/siprec", "simulators/lemf", "umsys/esl"}},
		{Path: "simulators/loadgen", Imports: []string{"proof/load", "simulators/lemf"}},
	}
	var got []string
	for _, v := range Check(before, Rules) {
		got = append(got, v.From+" -> "+v.Import)
	}
	want := []string{
		"mediation/config -> umsys/adapter",
		"mediation/demo -> email/proxy",
		"mediation/demo -> rtpcapture/siprec",
		"mediation/demo -> simulators/lemf",
		"mediation/demo -> umsys/esl",
		"simulators/loadgen -> proof/load",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("violations %q, want %q", got, want)
	}
}
