package tlsconf

import (
	"crypto/tls"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/internal/testcert"
)

// pki is one CA with a server and a client leaf, written to files, plus a second CA
// whose leaves the first one's configs must refuse.
type pki struct {
	ca, srvCert, srvKey, cliCert, cliKey string
	otherCert, otherKey                  string
	junk, dir                            string
}

func newPKI(t *testing.T) pki {
	t.Helper()
	dir := t.TempDir()
	ca := testcert.NewCA(t, "ca")
	other := testcert.NewCA(t, "other-ca")
	srv := ca.Issue(t, "server", testcert.Server)
	cli := ca.Issue(t, "client", testcert.Client)
	stranger := other.Issue(t, "stranger", testcert.Client)
	w := func(name string, b []byte) string { return testcert.WriteFile(t, dir, name, b) }
	return pki{
		ca: w("ca.pem", ca.PEM), srvCert: w("srv.pem", srv.CertPEM), srvKey: w("srv.key", srv.KeyPEM),
		cliCert: w("cli.pem", cli.CertPEM), cliKey: w("cli.key", cli.KeyPEM),
		otherCert: w("other.pem", stranger.CertPEM), otherKey: w("other.key", stranger.KeyPEM),
		junk: w("junk.pem", []byte("not PEM")), dir: dir,
	}
}

// handshake runs both sides over loopback TCP (kernel buffers let a refusing side
// send its alert) and returns the server's and the client's error and the client's
// state.
func handshake(t *testing.T, srv, cli *tls.Config) (srvErr, cliErr error, st tls.ConnectionState) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		raw, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		s := tls.Server(raw, srv)
		err = s.Handshake()
		_ = s.Close()
		done <- err
	}()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := tls.Client(raw, cli)
	defer c.Close()
	cliErr = c.Handshake()
	srvErr = <-done
	return srvErr, cliErr, c.ConnectionState()
}

// mustFor returns a check that fails t when building a config failed.
func mustFor(t *testing.T) func(*tls.Config, error) *tls.Config {
	return func(c *tls.Config, err error) *tls.Config {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}

// TestModes: server-only, client-verified and mutual TLS each handshake with the
// peers they must accept and refuse the ones they must refuse.
func TestModes(t *testing.T) {
	p := newPKI(t)
	must := mustFor(t)
	server := must(Files{Cert: p.srvCert, Key: p.srvKey}.Server(TLS12))
	mutualSrv := must(Files{Cert: p.srvCert, Key: p.srvKey, CA: p.ca}.MutualServer(TLS12))
	client := must(Files{CA: p.ca, ServerName: "127.0.0.1"}.Client(TLS12))
	mutualCli := must(Files{Cert: p.cliCert, Key: p.cliKey, CA: p.ca, ServerName: "127.0.0.1"}.MutualClient(TLS12))
	stranger := must(Files{Cert: p.otherCert, Key: p.otherKey, CA: p.ca, ServerName: "127.0.0.1"}.Client(TLS12))
	noRoots := must(Files{ServerName: "127.0.0.1"}.Client(TLS12)) // system roots do not know the test CA
	wrongName := must(Files{CA: p.ca, ServerName: "lemf.example"}.Client(TLS12))
	tests := []struct {
		name     string
		srv, cli *tls.Config
		ok       bool
	}{
		{"server: verified client without certificate", server, client, true},
		{"server: client does not know the CA", server, noRoots, false},
		{"server: client checks another name", server, wrongName, false},
		{"mutual: client certificate from the CA", mutualSrv, mutualCli, true},
		{"mutual: client without certificate", mutualSrv, client, false},
		{"mutual: client certificate from another CA", mutualSrv, stranger, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srvErr, cliErr, st := handshake(t, tc.srv, tc.cli)
			ok := srvErr == nil && cliErr == nil
			if ok != tc.ok {
				t.Fatalf("handshake ok = %v (server %v, client %v), want %v", ok, srvErr, cliErr, tc.ok)
			}
			if ok && len(st.VerifiedChains) == 0 {
				t.Fatal("client verified no server chain")
			}
		})
	}
}

// TestProfiles: TLS12 negotiates 1.3 when both can and accepts a 1.2-only peer with
// a listed suite; TLS13 refuses 1.2; no profile accepts a suite outside CipherSuites.
func TestProfiles(t *testing.T) {
	p := newPKI(t)
	must := mustFor(t)
	srv12 := must(Files{Cert: p.srvCert, Key: p.srvKey}.Server(TLS12))
	srv13 := must(Files{Cert: p.srvCert, Key: p.srvKey}.Server(TLS13))
	only12 := func(suites ...uint16) *tls.Config {
		c := must(Files{CA: p.ca, ServerName: "127.0.0.1"}.Client(TLS12))
		c.MaxVersion = tls.VersionTLS12
		if suites != nil {
			c.CipherSuites = suites
		}
		return c
	}
	anyVersion := must(Files{CA: p.ca, ServerName: "127.0.0.1"}.Client(TLS12))
	tests := []struct {
		name    string
		srv     *tls.Config
		cli     *tls.Config
		version uint16 // 0: refused
	}{
		{"TLS12 with a 1.3 client", srv12, anyVersion, tls.VersionTLS13},
		{"TLS12 with a 1.2-only client", srv12, only12(), tls.VersionTLS12},
		{"TLS12 refuses a CBC suite", srv12, only12(tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA), 0},
		{"TLS12 refuses RSA key exchange", srv12, only12(tls.TLS_RSA_WITH_AES_128_GCM_SHA256), 0},
		{"TLS13 with a 1.3 client", srv13, anyVersion, tls.VersionTLS13},
		{"TLS13 refuses a 1.2-only client", srv13, only12(), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srvErr, cliErr, st := handshake(t, tc.srv, tc.cli)
			if tc.version == 0 {
				if srvErr == nil && cliErr == nil {
					t.Fatalf("handshake succeeded with version %x, want it refused", st.Version)
				}
				return
			}
			if srvErr != nil || cliErr != nil {
				t.Fatalf("handshake: server %v, client %v", srvErr, cliErr)
			}
			if st.Version != tc.version {
				t.Fatalf("version %x, want %x", st.Version, tc.version)
			}
		})
	}
	for _, c := range []*tls.Config{srv12, srv13, anyVersion} {
		if c.MinVersion < tls.VersionTLS12 {
			t.Errorf("MinVersion %x below TLS 1.2", c.MinVersion)
		}
	}
	if srv13.MinVersion != tls.VersionTLS13 {
		t.Errorf("TLS13 MinVersion %x", srv13.MinVersion)
	}
}

// TestBadFiles: every missing, unreadable or junk file gives an error naming it (or
// naming the setting left empty), for each mode.
func TestBadFiles(t *testing.T) {
	p := newPKI(t)
	nope := filepath.Join(p.dir, "nope.pem")
	tests := []struct {
		name  string
		build func() (*tls.Config, error)
		want  string
		is    error
	}{
		{"server without cert", func() (*tls.Config, error) { return Files{Key: p.srvKey}.Server(TLS12) }, "cert", ErrMissing},
		{"server without key", func() (*tls.Config, error) { return Files{Cert: p.srvCert}.Server(TLS12) }, "key", ErrMissing},
		{"server cert missing", func() (*tls.Config, error) { return Files{Cert: nope, Key: p.srvKey}.Server(TLS12) }, nope, nil},
		{"server key junk", func() (*tls.Config, error) { return Files{Cert: p.srvCert, Key: p.junk}.Server(TLS12) }, p.junk, nil},
		{"server CA missing", func() (*tls.Config, error) { return Files{Cert: p.srvCert, Key: p.srvKey, CA: nope}.Server(TLS12) }, nope, nil},
		{"server CA junk", func() (*tls.Config, error) { return Files{Cert: p.srvCert, Key: p.srvKey, CA: p.junk}.Server(TLS12) }, p.junk, ErrNoPEM},
		{"mutual server without CA", func() (*tls.Config, error) { return Files{Cert: p.srvCert, Key: p.srvKey}.MutualServer(TLS12) }, "ca", ErrMissing},
		{"client CA junk", func() (*tls.Config, error) { return Files{CA: p.junk}.Client(TLS12) }, p.junk, ErrNoPEM},
		{"client key without cert", func() (*tls.Config, error) { return Files{Key: p.cliKey, CA: p.ca}.Client(TLS12) }, "cert", ErrMissing},
		{"client cert missing", func() (*tls.Config, error) { return Files{Cert: nope, Key: p.cliKey}.Client(TLS12) }, nope, nil},
		{"mutual client without cert", func() (*tls.Config, error) { return Files{CA: p.ca}.MutualClient(TLS13) }, "cert", ErrMissing},
		{"mutual client without CA", func() (*tls.Config, error) { return Files{Cert: p.cliCert, Key: p.cliKey}.MutualClient(TLS13) }, "ca", ErrMissing},
		{"mutual client CA missing", func() (*tls.Config, error) {
			return Files{Cert: p.cliCert, Key: p.cliKey, CA: nope}.MutualClient(TLS13)
		}, nope, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.build()
			if err == nil {
				t.Fatalf("config %v built, want an error", c != nil)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not name %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("error %q is not %v", err, tc.is)
			}
		})
	}
}
