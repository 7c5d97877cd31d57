package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunUsageAndErrors(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.ber")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantStderr string
	}{
		{"no command", nil, 2, "usage"},
		{"unknown command", []string{"view"}, 2, `unknown command "view"`},
		{"serve missing dir", []string{"serve", "--dir", filepath.Join(t.TempDir(), "nope")}, 1, "LEMF output directory"},
		{"serve non-loopback without TLS", []string{"serve", "--dir", t.TempDir(), "--listen", "0.0.0.0:0"}, 1, "not loopback"},
		{"listen --serve non-loopback without TLS", []string{"listen", "--hi2", "127.0.0.1:0", "--hi3", "127.0.0.1:0", "--out", t.TempDir(), "--serve", ":0"}, 1, "not loopback"},
		{"decode without files", []string{"decode"}, 2, "usage"},
		{"decode missing file", []string{"decode", filepath.Join(t.TempDir(), "nope.ber")}, 1, "nope.ber"},
		{"decode empty file", []string{"decode", empty}, 0, ""},
		{"listen bad flag", []string{"listen", "--nope"}, 2, "flag provided but not defined"},
		{"listen bad log level", []string{"listen", "--log-level", "loud", "--out", t.TempDir()}, 1, "--log-level"},
		{"listen TLS without client CA", []string{"listen", "--tls-cert", "c.pem", "--tls-key", "k.pem", "--out", t.TempDir()}, 1, "client CA"},
		{"help", []string{"help"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tt.args, &stdout, &stderr); got != tt.wantStatus {
				t.Errorf("status %d, want %d; stderr %q", got, tt.wantStatus, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}

// TestListenStopsOnCancel serves on free ports and stops cleanly when its context ends.
func TestListenStopsOnCancel(t *testing.T) {
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	err := listen(ctx, []string{"--hi2", "127.0.0.1:0", "--hi3", "127.0.0.1:0", "--out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("listen: %v\n%s", err, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "listening hi2=127.0.0.1:") || !strings.Contains(stdout.String(), "sequence gaps: 0") {
		t.Errorf("stdout %q", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(out, "summary.json")); err != nil {
		t.Errorf("summary.json: %v", err)
	}
}
