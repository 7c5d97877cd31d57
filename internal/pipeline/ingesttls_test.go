package pipeline

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// TestWarnESLExposed: an ESL address off the host is warned about at start (ESL has no
// TLS); loopback is not.
func TestWarnESLExposed(t *testing.T) {
	for _, tt := range []struct {
		addr string
		warn bool
	}{{"10.0.0.5:8021", true}, {"fs.example.net:8021", true}, {"127.0.0.1:8021", false}, {"[::1]:8021", false}, {"localhost:8021", false}} {
		var b bytes.Buffer
		warnESLExposed("fs-um-1", tt.addr, zerolog.New(&b))
		if got := strings.Contains(b.String(), "not loopback"); got != tt.warn {
			t.Errorf("%s: warned %v, want %v (%s)", tt.addr, got, tt.warn, b.String())
		}
	}
}
