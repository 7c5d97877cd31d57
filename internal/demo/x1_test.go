package demo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/audit"
)

// TestDemoProvisionsOverX1 runs the demo with only the non-target scenario and checks
// that its warrants came over X1 (one ActivateTask per warrant, by the demo ADMF's
// certificate) and that the audit log it wrote verifies.
func TestDemoProvisionsOverX1(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	err := Run(context.Background(), Options{OutDir: dir, Out: &out, Log: zerolog.Nop(), Scenarios: []Scenario{NonTarget()}})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"x1: 3 tasks activated over mutual TLS", "warrants in force", " entries, chain verified"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	f, err := os.Open(filepath.Join(dir, AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	activated := map[string]string{} // result by actor
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if e.Action == "ActivateTask" {
			activated[e.Actor] += e.Result + " "
		}
	}
	if got := activated; len(got) != 1 || !strings.Contains(firstKey(got), "admf-demo") || got[firstKey(got)] != "ok ok ok " {
		t.Errorf("ActivateTask audit entries by actor: %v, want three ok by the admf-demo certificate", got)
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	res, err := audit.Verify(f)
	if err != nil || res.Entries == 0 {
		t.Errorf("audit.Verify = %+v, %v", res, err)
	}
}

func firstKey(m map[string]string) string {
	for k := range m {
		return k
	}
	return ""
}
