package lemftest

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/umli/umli/simulators/lemf"
)

// TestStartServesAndStopFinalizes: both interfaces accept connections once Start
// returns, and Stop leaves the summary the LEMF writes on close in OutDir.
func TestStartServesAndStopFinalizes(t *testing.T) {
	dir := t.TempDir()
	l := Start(t, lemf.Config{OutDir: dir})
	for _, a := range []net.Addr{l.HI2, l.HI3} {
		c, err := net.Dial("tcp", a.String())
		if err != nil {
			t.Fatalf("dial %s: %v", a, err)
		}
		c.Close()
	}
	l.Stop(t)
	if _, err := os.Stat(filepath.Join(dir, "summary.json")); err != nil {
		t.Errorf("after Stop: %v", err)
	}
	l.Stop(t) // a second Stop (and the cleanup after it) must not block
}
