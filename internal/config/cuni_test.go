package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCUNIConfig: umsys.cuni listeners load and are checked like webhooks.
func TestCUNIConfig(t *testing.T) {
	tok := filepath.Join(t.TempDir(), "tok")
	if err := os.WriteFile(tok, []byte("pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Parse("c.yaml", []byte(base+"umsys:\n  cumiURL: https://cuc.example.net\n  cuni:\n    - {source: cuc-1, listen: '127.0.0.1:0', path: /cuni, tokenFile: "+tok+"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if u := c.File.UMSys; len(u.CUNI) != 1 || u.CUNI[0].Path != "/cuni" || u.CUMIURL != "https://cuc.example.net" {
		t.Errorf("umsys = %+v", u)
	}
	tests := []struct{ name, doc, want string }{
		{"no token", "umsys:\n  cuni:\n    - {source: cuc-1, listen: ':1'}\n", "umsys.cuni[0]: tokenFile required"},
		{"no source", "umsys:\n  cuni:\n    - {listen: ':1', tokenFile: " + tok + "}\n", "umsys.cuni[0]: source required"},
		{"bad path", "umsys:\n  cuni:\n    - {source: c, listen: ':1', tokenFile: " + tok + ", path: cuni}\n", `umsys.cuni[0]: path "cuni" must start with /`},
		{"tls without key", "umsys:\n  cuni:\n    - {source: c, listen: ':1', tokenFile: " + tok + ", tls: {cert: " + tok + "}}\n", "umsys.cuni[0]: tls: cert and key required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(base+tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
