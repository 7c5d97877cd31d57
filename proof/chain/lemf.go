package chain

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/simulators/lemf"
)

// LEMF is the in-process LEMF simulator across its lifetimes: each Start writes a new
// output directory on the same HI2/HI3 addresses, and Read merges them all.
type LEMF struct {
	tb       testing.TB
	HI2, HI3 string
	mu       sync.Mutex
	cur      *lemf.LEMF
	dirs     []string
	wg       sync.WaitGroup
}

// StartLEMF starts a LEMF on free loopback ports; it is closed when the test ends.
func StartLEMF(tb testing.TB) *LEMF {
	tb.Helper()
	l := &LEMF{tb: tb}
	l.start("127.0.0.1:0", "127.0.0.1:0")
	tb.Cleanup(l.Stop)
	return l
}

func (l *LEMF) start(hi2, hi3 string) {
	l.tb.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	dir := filepath.Join(l.tb.TempDir(), fmt.Sprintf("lemf%d", len(l.dirs)))
	lm, err := lemf.New(lemf.Config{HI2Addr: hi2, HI3Addr: hi3, OutDir: dir, Logger: zerolog.Nop()})
	if err != nil {
		l.tb.Fatalf("start LEMF on %s/%s: %v", hi2, hi3, err)
	}
	a2, a3 := lm.Addrs()
	l.HI2, l.HI3, l.cur = a2.String(), a3.String(), lm
	l.dirs = append(l.dirs, dir)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		_ = lm.Run(context.Background())
	}()
}

// Current is the running LEMF (nil while stopped).
func (l *LEMF) Current() *lemf.LEMF {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur
}

// Stop closes the running LEMF and its listeners; its output stays for Read.
func (l *LEMF) Stop() {
	l.mu.Lock()
	lm := l.cur
	l.cur = nil
	l.mu.Unlock()
	if lm == nil {
		return
	}
	if err := lm.Close(); err != nil {
		l.tb.Errorf("close LEMF: %v", err)
	}
	l.wg.Wait()
}

// Restart starts a new LEMF lifetime on the same addresses (after Stop).
func (l *LEMF) Restart() {
	l.tb.Helper()
	l.Stop()
	l.start(l.HI2, l.HI3)
}

// Dirs are the output directories of every lifetime so far.
func (l *LEMF) Dirs() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.dirs...)
}

// Read stops the LEMF and reads every PDU of every lifetime.
func (l *LEMF) Read() (*pducheck.Set, error) {
	l.Stop()
	return pducheck.ReadLEMF(l.Dirs()...)
}

// Distinct counts the distinct (stream, sequence number) pairs the running LEMF has
// accepted, plus those of earlier lifetimes counted by the caller; it is the progress
// measure tests wait on.
func (l *LEMF) Distinct() int {
	lm := l.Current()
	if lm == nil {
		return 0
	}
	n := 0
	for _, li := range lm.Summary().LIIDs {
		for _, c := range li.CINs {
			n += c.IRI.PDUs - c.IRI.Duplicates + c.CC.PDUs - c.CC.Duplicates
		}
	}
	return n
}

// Listen binds hi2 and hi3 again (after Stop) for a misbehaving peer; the caller closes
// the listeners before Restart.
func Listen(tb testing.TB, addrs ...string) []net.Listener {
	tb.Helper()
	var out []net.Listener
	for _, a := range addrs {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			tb.Fatalf("listen %s: %v", a, err)
		}
		out = append(out, ln)
	}
	return out
}

// Received counts the PDUs the running LEMF accepted, resends included and keep-alives
// excluded. Unlike Distinct it is right when several network elements share CIN
// numbers (the LEMF summary keys CINs by number only).
func (l *LEMF) Received() int {
	lm := l.Current()
	if lm == nil {
		return 0
	}
	s := lm.Summary()
	return s.HI2.PDUs - s.HI2.KeepAlives + s.HI3.PDUs - s.HI3.KeepAlives
}

// Progress is the number of PDUs delivered so far across every lifetime, counting each
// (LIID, CIN, IRI|CC) stream as its highest sequence number + 1: handover delivers a
// stream in order, so once its highest number arrived every earlier one did (to this
// lifetime or an earlier one). It is a wait condition only; Check is the proof. One
// network element only (the LEMF summary keys CINs by number).
func (l *LEMF) Progress() (int, error) {
	dirs := l.Dirs()
	high := map[pducheck.Stream]uint32{}
	l.mu.Lock()
	cur := l.cur
	l.mu.Unlock()
	if cur != nil {
		dirs = dirs[:len(dirs)-1] // the running lifetime's files are still being written
	}
	if len(dirs) > 0 {
		set, err := pducheck.ReadLEMF(dirs...)
		if err != nil {
			return 0, err
		}
		for st, m := range set.PDUs {
			for q := range m {
				high[pducheck.Stream{LIID: st.LIID, CIN: st.CIN, CC: st.CC}] = max(high[pducheck.Stream{LIID: st.LIID, CIN: st.CIN, CC: st.CC}], q+1)
			}
		}
	}
	if cur != nil {
		for _, li := range cur.Summary().LIIDs {
			for _, c := range li.CINs {
				if c.CIN == nil {
					continue
				}
				for _, cc := range []bool{false, true} {
					s := c.IRI
					if cc {
						s = c.CC
					}
					if s.PDUs == 0 {
						continue
					}
					k := pducheck.Stream{LIID: li.LIID, CIN: *c.CIN, CC: cc}
					high[k] = max(high[k], s.Highest+1)
				}
			}
		}
	}
	n := 0
	for _, h := range high {
		n += int(h)
	}
	return n, nil
}
