package netaccept

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// failing returns err from Accept n times, then delegates to a real listener.
type failing struct {
	net.Listener
	n   atomic.Int32
	err error
}

func (f *failing) Accept() (net.Conn, error) {
	if f.n.Add(-1) >= 0 {
		return nil, f.err
	}
	return f.Listener.Accept()
}

func tcp(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

func TestAcceptRetriesResourceErrors(t *testing.T) {
	for _, tc := range []struct {
		name, reason string
		err          error
	}{
		{"emfile", "emfile", &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}},
		{"enfile", "enfile", &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.ENFILE)}},
		{"econnaborted", "econnaborted", &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.ECONNABORTED)}},
		{"timeout", "timeout", &net.OpError{Op: "accept", Net: "tcp", Err: os.ErrDeadlineExceeded}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			m, err := NewMetrics(reg)
			if err != nil {
				t.Fatal(err)
			}
			inner := &failing{Listener: tcp(t), err: tc.err}
			inner.n.Store(5)
			l := Wrap(inner, Config{Name: "test", Metrics: m})
			go func() {
				c, err := net.Dial("tcp", l.Addr().String())
				if err == nil {
					fmt.Fprint(c, "hello")
					c.Close()
				}
			}()
			c, err := l.Accept()
			if err != nil {
				t.Fatalf("Accept after %d %s errors: %v", 5, tc.name, err)
			}
			b, _ := io.ReadAll(c)
			c.Close()
			if string(b) != "hello" {
				t.Fatalf("read %q from the accepted conn, want hello", b)
			}
			if got := value(m.Errors.WithLabelValues("test", tc.reason)); got != 5 {
				t.Fatalf("umli_accept_errors_total{reason=%q} = %v, want 5", tc.reason, got)
			}
		})
	}
}

func TestAcceptReturnsOnlyOnClose(t *testing.T) {
	inner := &failing{Listener: tcp(t), err: os.NewSyscallError("accept4", syscall.EMFILE)}
	inner.n.Store(1 << 30) // fails for ever: only Close may end Accept
	l := Wrap(inner, Config{Name: "test"})
	done := make(chan error, 1)
	go func() { _, err := l.Accept(); done <- err }()
	select {
	case err := <-done:
		t.Fatalf("Accept returned %v before Close", err)
	case <-time.After(100 * time.Millisecond):
	}
	l.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Accept after Close: %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Accept did not return after Close")
	}
	if Wrap(l, Config{}) != l {
		t.Fatal("Wrap of a *Listener did not return it unchanged")
	}
}

func TestConnectionCaps(t *testing.T) {
	for _, tc := range []struct {
		name        string
		cfg         Config
		wantRefused string
	}{
		{"listener", Config{MaxConns: 2}, "listener"},
		{"peer", Config{MaxPerPeer: 2}, "peer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := NewMetrics(nil)
			tc.cfg.Name, tc.cfg.Metrics = "caps", m
			l := Wrap(tcp(t), tc.cfg)
			accepted := make(chan net.Conn, 4)
			go func() {
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					accepted <- c
				}
			}()
			var clients []net.Conn
			for i := 0; i < 3; i++ {
				c, err := net.Dial("tcp", l.Addr().String())
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				clients = append(clients, c)
			}
			a, b := <-accepted, <-accepted
			// The third is closed by the listener: its client reads EOF.
			clients[2].SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := clients[2].Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
				t.Fatalf("third connection over the cap: read err %v, want EOF", err)
			}
			if got := value(m.Refused.WithLabelValues("caps", tc.wantRefused)); got != 1 {
				t.Fatalf("refused{cap=%s} = %v, want 1", tc.wantRefused, got)
			}
			// Closing one frees its slot (twice is harmless) and a new peer gets in.
			a.Close()
			a.Close()
			if got := l.Open(); got != 1 {
				t.Fatalf("open after one close = %d, want 1", got)
			}
			c, err := net.Dial("tcp", l.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			select {
			case d := <-accepted:
				d.Close()
			case <-time.After(5 * time.Second):
				t.Fatal("connection after a freed slot was not accepted")
			}
			b.Close()
			l.Close()
		})
	}
}

func value(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}
