package lemf

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
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
	caKey := newKey(t)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test LEA CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	issue := func(serial int64, cn string, usage x509.ExtKeyUsage) ([]byte, *ecdsa.PrivateKey) {
		key := newKey(t)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return der, key
	}
	p := testPKI{caFile: filepath.Join(dir, "ca.pem"), serverCert: filepath.Join(dir, "server.pem"),
		serverKey: filepath.Join(dir, "server.key"), pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	writePEM(t, p.caFile, "CERTIFICATE", caDER)
	der, key := issue(2, "lemf", x509.ExtKeyUsageServerAuth)
	writePEM(t, p.serverCert, "CERTIFICATE", der)
	writePEM(t, p.serverKey, "PRIVATE KEY", marshalKey(t, key))
	der, key = issue(3, "mediation", x509.ExtKeyUsageClientAuth)
	p.client = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return p
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func marshalKey(t *testing.T, k *ecdsa.PrivateKey) []byte {
	t.Helper()
	b, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
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
