package main

import (
	"os"
	"strings"
	"testing"
)

// TestCUNIGolden: a file of CUNI notifications (XML documents back to back) translates
// to the committed output, one line per user action; a malformed file names where.
func TestCUNIGolden(t *testing.T) {
	r := runCmd(t, "", "--vendor", "cuni", fixtures+"/cuni/deposit-save-delete.xml")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want, err := os.ReadFile(fixtures + "/cuni/deposit-save-delete.golden.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if r.stdout != string(want) {
		t.Errorf("output differs from the golden file:\n%s", r.stdout)
	}
	if n := len(parseLines(t, r.stdout)); n != 6 {
		t.Errorf("%d lines for 7 notifications (one USN twice), want 6", n)
	}
	bad := runCmd(t, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><messageEvent/>`, "--vendor", "cuni")
	if bad.code == 0 || !strings.Contains(bad.stderr, "DOCTYPE refused") {
		t.Errorf("DOCTYPE input: exit %d, stderr %q", bad.code, bad.stderr)
	}
}
