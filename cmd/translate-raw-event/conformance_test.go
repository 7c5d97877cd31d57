package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestIndependentDecoder: the PS-PDUs --ber writes for every fixture — all
// Messaging-*-Event values among them — decode with the independent Erlang decoder in
// ../shared (run when ../shared exists, as make test's conformance check does).
func TestIndependentDecoder(t *testing.T) {
	tool, err := filepath.Abs("../../../shared/tools/etsi-decode")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tool); err != nil {
		t.Skip("../shared/tools/etsi-decode not present")
	}
	dir := t.TempDir()
	runs := [][]string{
		{"--vendor", "json", fixtures + "/json/all-events.jsonl"},
		{"--vendor", "freeswitch", fixtures + "/freeswitch/retrieve.esl", fixtures + "/freeswitch/config-menu.esl"},
		{"--vendor", "asterisk", fixtures + "/asterisk/tui.ami"},
	}
	var files []string
	records := 0
	for i, args := range runs {
		f := filepath.Join(dir, filepath.Base(args[len(args)-1])+".ber")
		r := runCmd(t, "", append([]string{"--ber", f}, args...)...)
		if r.code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, r.code, r.stderr)
		}
		files = append(files, f)
		records += len(parseLines(t, r.stdout))
	}
	out, err := exec.Command(tool, files...).CombinedOutput()
	if err != nil {
		t.Fatalf("etsi-decode: %v\n%s", err, out)
	}
	if n := bytes.Count(out, []byte("{messagingIRI,")); n != records {
		t.Errorf("decoder found %d MessagingIRI PDUs, translate-raw-event wrote %d records", n, records)
	}
}
