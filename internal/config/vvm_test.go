package config

import (
	"strings"
	"testing"
)

func TestEmailProxyModeVVM(t *testing.T) {
	tests := []struct {
		name, proxy, err string
	}{
		{"vvm imap", "{source: vvm-1, protocol: imap, mode: vvm, listen: ':1', upstream: 'h:143'}", ""},
		{"email default", "{source: m, protocol: smtp, listen: ':1', upstream: 'h:25'}", ""},
		{"vvm pop3", "{source: m, protocol: pop3, mode: vvm, listen: ':1', upstream: 'h:110'}", "c.yaml:16: email.proxies[0]: mode vvm needs protocol imap, not \"pop3\""},
		{"bad mode", "{source: m, protocol: imap, mode: voicemail, listen: ':1', upstream: 'h:143'}", "c.yaml:16: email.proxies[0]: mode \"voicemail\": want vvm or nothing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("c.yaml", []byte(base+"email:\n  proxies:\n    - "+tc.proxy+"\n"))
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(tc.proxy, "mode: vvm") && c.Email.Proxies[0].Mode != "vvm" {
					t.Fatalf("mode %q", c.Email.Proxies[0].Mode)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
		})
	}
}
