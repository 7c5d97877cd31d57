package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckConfig(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("instance: x\noperator: OP\nwarrants:\n  - liid: L\n    start: 2026-01-01T00:00:00Z\n    targets: [{email: a@b}]\n    colour: red\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badProfile := filepath.Join(t.TempDir(), "profile.yaml")
	if err := os.WriteFile(badProfile, []byte("instance: x\noperator: OP\ndestinations:\n  - name: d\n    hi2: 127.0.0.1:1\n    profile: fr-style\n"+
		"    timestampPrecision: nano\n    resend: 5 parcels\n    keepAlive:\n      interval: often\n      cin: minus\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	passive := filepath.Join(t.TempDir(), "passive.yaml")
	if err := os.WriteFile(passive, []byte("instance: x\noperator: OP\nwarrants: []\nrtp:\n  passive:\n    source: fs-um-1\n    file: /nonexistent/um.pcap\n    events: bye\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    string
		stderrHas []string
	}{
		{"example", []string{"check-config", "../../umli.example.yaml"}, 0, "../../umli.example.yaml: ok (2 destinations, 2 warrants)\n", nil},
		{"bad", []string{"check-config", bad}, 1, "", []string{bad + ":7: field colour not found"}},
		{"bad profile fields", []string{"check-config", badProfile}, 1, "", []string{badProfile + `:6: destination "d": profile "fr-style"`,
			badProfile + `:7: destination "d": timestampPrecision "nano"`, badProfile + `:8: destination "d": resend: "5 parcels"`,
			badProfile + `:10: destination "d": keepAlive.interval "often"`, badProfile + `:11: destination "d": keepAlive.cin "minus"`}},
		{"missing", []string{"check-config", "/nonexistent.yaml"}, 1, "", []string{"no such file"}},
		{"rtp.passive", []string{"check-config", passive}, 1, "", []string{passive + ":7: rtp.passive.file: stat /nonexistent/um.pcap", passive + ":8: rtp.passive: events \"bye\""}},
		{"no args", []string{"check-config"}, 2, "", []string{"usage"}},
		{"unknown command", []string{"frobnicate"}, 2, "", []string{`unknown command "frobnicate"`}},
		{"run without config", []string{"run"}, 2, "", []string{"--config FILE is required"}},
		{"run bad config", []string{"run", "--config", bad}, 1, "", []string{":7: field colour"}},
		// Profiles are for an operator on the host: a --pprof reachable from the network is refused.
		{"run pprof on every interface", []string{"run", "--config", bad, "--pprof", ":6060"}, 2, "", []string{"--pprof \":6060\": listen on a loopback address"}},
		{"run pprof on a network address", []string{"run", "--config", bad, "--pprof", "0.0.0.0:6060"}, 2, "", []string{"listen on a loopback address"}},
		{"run pprof not host:port", []string{"run", "--config", bad, "--pprof", "6060"}, 2, "", []string{"--pprof \"6060\": want host:port"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := dispatch(tt.args, strings.NewReader(""), &out, &errb)
			if code != tt.code || out.String() != tt.stdout {
				t.Fatalf("exit %d stdout %q, want %d %q (stderr %q)", code, out.String(), tt.code, tt.stdout, errb.String())
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(errb.String(), s) {
					t.Errorf("stderr %q lacks %q", errb.String(), s)
				}
			}
		})
	}
}

func TestParseRecordLine(t *testing.T) {
	tests := []struct {
		line string
		ok   bool
	}{
		{`{"Source":"ne","CorrelationKey":"k","Boundary":1,"Time":"2026-01-01T00:00:00Z","MessagingIRI":{"Status":3}}`, true},
		{`{"Identities":[{"Kind":1,"Value":"+491"}],"MessagingCC":{"Content":"AAEC"}}`, true},
		{`{"Sorce":"typo"}`, false},
		{`{"Boundary":"open"}`, false},
		{`{} {}`, false},
		{`not json`, false},
	}
	for _, tt := range tests {
		r, err := parseRecordLine([]byte(tt.line))
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v", tt.line, err)
		}
		if tt.ok && r == nil {
			t.Errorf("%s: nil record", tt.line)
		}
		if err != nil && strings.Contains(describeJSONError(err), "+491") {
			t.Errorf("error description quotes input: %s", describeJSONError(err))
		}
	}
}

// FuzzParseRecordLine: record lines come from outside (files, pipes).
func FuzzParseRecordLine(f *testing.F) {
	f.Add([]byte(`{"Source":"ne","Boundary":1,"MessagingIRI":{"Status":3,"Category":{"MessageBox":1}}}`))
	f.Add([]byte(`{"EmailCC":{"Format":2,"Content":"aGVsbG8="},"Time":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"Identities":[{"Kind":4,"Value":"sip:a@b"}]}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := parseRecordLine(line)
		if err == nil && r == nil {
			t.Fatal("nil record without error")
		}
		if err != nil {
			_ = describeJSONError(err)
		}
	})
}
