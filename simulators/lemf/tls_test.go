package lemf

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"path/filepath"
	"testing"

	"github.com/umli/umli/internal/testcert"
)

// testPKI is a throwaway CA with a server and a client certificate, written as PEM files.
type testPKI struct {
	caFile, serverCert, serverKey string
	pool                          *x509.CertPool
	client                        tls.Certificate
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	ca := testcert.NewCA(t, "test LEA CA")
	server := ca.Issue(t, "lemf", testcert.Server)
	return testPKI{
		caFile:     testcert.WriteFile(t, dir, "ca.pem", ca.PEM),
		serverCert: testcert.WriteFile(t, dir, "server.pem", server.CertPEM),
		serverKey:  testcert.WriteFile(t, dir, "server.key", server.KeyPEM),
		pool:       ca.Pool,
		client:     ca.Issue(t, "mediation", testcert.Client).TLS,
	}
}

func TestListenTLSRequiresClientCertificate(t *testing.T) {
	pki := newTestPKI(t)
	cfg, err := ServerTLSConfig(pki.serverCert, pki.serverKey, pki.caFile)
	if err != nil {
		t.Fatal(err)
	}
	l := startLEMF(t, Config{TLS: cfg})
	a2, a3 := l.Addrs()

	tests := []struct {
		name      string
		addr      net.Addr
		withCert  bool
		wantPDUs  int
		wantFails bool
	}{
		{"HI2 with client certificate", a2, true, 1, false},
		{"HI3 with client certificate", a3, true, 1, false},
		{"HI2 without client certificate", a2, false, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc := &tls.Config{RootCAs: pki.pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
			if tt.withCert {
				cc.Certificates = []tls.Certificate{pki.client}
			}
			c, err := tls.Dial("tcp", tt.addr.String(), cc)
			if err != nil {
				if tt.wantFails {
					return // refused during the handshake (TLS 1.2)
				}
				t.Fatal(err)
			}
			defer func() { _ = c.Close() }()
			_, _ = c.Write(encode(t, keepAlivePDU("LIID-T", 3, 0)))
			fr := newFrameReader(c, DefaultMaxPDU)
			if tt.wantFails {
				// TLS 1.3 completes the client side first; the server's refusal arrives as an alert.
				if _, _, err := fr.next(); err == nil {
					t.Fatal("a client without certificate got an answer")
				}
				return
			}
			assertKeepAliveResponse(t, readPDU(t, fr), "LIID-T", 3)
		})
	}
	l.shutdown(t)
	s := l.Summary()
	if s.HI2.Connections != 1 || s.HI2.PDUs != 1 || s.HI2.HandshakeFailures != 1 ||
		s.HI3.Connections != 1 || s.HI3.PDUs != 1 || s.HI3.HandshakeFailures != 0 {
		t.Errorf("HI2 %+v HI3 %+v: the certificate-less client must not get through", s.HI2, s.HI3)
	}
}

func TestServerTLSConfigErrors(t *testing.T) {
	pki := newTestPKI(t)
	tests := []struct {
		name                string
		cert, key, clientCA string
	}{
		{"no client CA", pki.serverCert, pki.serverKey, ""},
		{"missing key file", pki.serverCert, filepath.Join(t.TempDir(), "nope"), pki.caFile},
		{"CA file without PEM", pki.serverCert, pki.serverKey, pki.serverKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ServerTLSConfig(tt.cert, tt.key, tt.clientCA); err == nil {
				t.Error("no error")
			}
		})
	}
}
