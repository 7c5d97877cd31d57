package umsim

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestTranscriptsUpToDate keeps scenarios/freeswitch/*.esl and scenarios/asterisk/*.ami
// equal to what the simulator sends (UMSIM_UPDATE=1 rewrites them).
func TestTranscriptsUpToDate(t *testing.T) {
	s, err := LoadScript()
	if err != nil {
		t.Fatal(err)
	}
	update := os.Getenv("UMSIM_UPDATE") != ""
	check := func(path string, got []byte) {
		t.Helper()
		if update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with UMSIM_UPDATE=1)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale (run with UMSIM_UPDATE=1)", path)
		}
	}
	for _, sc := range s.FreeSWITCH.Scenarios {
		b, err := s.FSTranscript(sc.Name, DefaultFSContentDir)
		if err != nil {
			t.Fatal(err)
		}
		check(filepath.Join("scenarios", "freeswitch", sc.Name+".esl"), b)
	}
	for _, sc := range s.Asterisk.Scenarios {
		b, err := s.AMITranscript(sc.Name)
		if err != nil {
			t.Fatal(err)
		}
		check(filepath.Join("scenarios", "asterisk", sc.Name+".ami"), b)
	}
}
