package pipeline

import (
	"crypto/tls"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/netaccept"
	"github.com/umli/umli/internal/testcert"
	"github.com/umli/umli/internal/testmetric"
)

// flakyListener fails Accept with errs in turn, then delegates to a real listener.
type flakyListener struct {
	net.Listener
	errs []error
	n    atomic.Int32
}

func (f *flakyListener) Accept() (net.Conn, error) {
	if i := int(f.n.Add(1)) - 1; i < len(f.errs) {
		return nil, f.errs[i]
	}
	return f.Listener.Accept()
}

// TestAcceptWrapUnderTLS (issue 21): the listener stacks `umli run` builds — acceptWrap
// alone (JSON lines, proxies, SIPREC TCP, metrics) and acceptWrap under the mutual-TLS
// ingest (webhook, JSON lines and SIPREC with tls) — retry EMFILE, ENFILE and
// ECONNABORTED from the raw accept, serve the next real connection, and count each
// error on umli's registry.
func TestAcceptWrapUnderTLS(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.NewCA(t, "ingest CA")
	srv, cli := ca.Issue(t, "umli", testcert.Server), ca.Issue(t, "um-platform", testcert.Client)
	tf := &config.TLSFile{Cert: testcert.WriteFile(t, dir, "s.crt", srv.CertPEM), Key: testcert.WriteFile(t, dir, "s.key", srv.KeyPEM),
		CA: testcert.WriteFile(t, dir, "ca.crt", ca.PEM)}
	sysErr := func(e syscall.Errno) error {
		return &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", e)}
	}
	errs := []error{sysErr(syscall.EMFILE), sysErr(syscall.EMFILE), sysErr(syscall.ENFILE), sysErr(syscall.ECONNABORTED), sysErr(syscall.EMFILE)}
	for _, tc := range []struct {
		name string
		tls  *config.TLSFile
	}{{"plain", nil}, {"mutual tls", tf}} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			reg := prometheus.NewRegistry()
			ln := AcceptWrap(&flakyListener{Listener: raw, errs: errs}, "test "+tc.name, reg, zerolog.Nop(), config.ConnLimitsFile{})
			if ln, err = ingestTLS(ln, "test "+tc.name, tc.tls, nil, reg, zerolog.Nop()); err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go func() {
				var c net.Conn
				var err error
				if tc.tls != nil {
					c, err = tls.Dial("tcp", raw.Addr().String(), &tls.Config{RootCAs: ca.Pool, ServerName: "127.0.0.1", Certificates: []tls.Certificate{cli.TLS}})
				} else {
					c, err = net.Dial("tcp", raw.Addr().String())
				}
				if err == nil {
					_, _ = io.WriteString(c, "hello")
					c.Close()
				}
			}()
			c, err := ln.Accept()
			if err != nil {
				t.Fatalf("Accept after %d resource errors: %v", len(errs), err)
			}
			b, _ := io.ReadAll(c)
			c.Close()
			if string(b) != "hello" {
				t.Fatalf("read %q from the accepted connection, want hello", b)
			}
			m, err := netaccept.NewMetrics(reg) // the registered vectors
			if err != nil {
				t.Fatal(err)
			}
			for reason, want := range map[string]float64{"emfile": 3, "enfile": 1, "econnaborted": 1} {
				if got := testmetric.Counter(m.Errors.WithLabelValues("test "+tc.name, reason)); got != want {
					t.Errorf("umli_accept_errors_total{reason=%q} = %v, want %v", reason, got, want)
				}
			}
		})
	}
}
