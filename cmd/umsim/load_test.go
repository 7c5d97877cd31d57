package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestLoadErrors: bad flags give an error naming the flag, before any traffic.
func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"no address", nil, "give at least one of --um-json, --siprec, --mail-smtp, --mail-imap"},
		{"bad mix", []string{"--mix", "um=1,fax=2", "--um-json", "127.0.0.1:9"}, `--mix: loadgen: mix "fax=2": unknown kind`},
		{"share without address", []string{"--mix", "um=1,sip=1", "--um-json", "127.0.0.1:9"}, "sip a share but no address (--siprec)"},
		{"argument", []string{"--um-json", "127.0.0.1:9", "extra"}, `unexpected argument "extra"`},
		{"log level", []string{"--log-level", "loud"}, "--log-level"},
		{"rate", []string{"--rate", "0", "--mail-smtp", "127.0.0.1:9"}, "rate and duration must be positive"},
		{"non-target", []string{"--non-target", "2", "--mail-smtp", "127.0.0.1:9"}, "non-target share 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(append([]string{"load"}, tc.args...), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
		})
	}
}

// TestLoadUnreachableUM: a jsonLines address nobody listens on fails the run at once,
// naming the address.
func TestLoadUnreachableUM(t *testing.T) {
	addr := freeAddr(t)
	err := runLoad(context.Background(), []string{"--um-json", addr, "--duration", "100ms"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("err = %v, want the address %s", err, addr)
	}
}
