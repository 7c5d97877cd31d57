// Package x1test starts a real X1 server (mutual TLS on a loopback port, a real Redis,
// a real audit log) for tests elsewhere in umli, and writes the PEM files an ADMF client
// needs. Like net/http/httptest, it is imported only from _test.go files.
package x1test

import (
	"context"
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

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/secret"
	"github.com/umli/umli/mediation/x1"
)

// Server is a running X1 server owned by one test.
type Server struct {
	URL string
	// CertFile, KeyFile and CAFile are the ADMF client's credentials and the CA of the
	// server certificate, for x1.ClientTLSConfig or `umli x1 --cert --key --ca`.
	CertFile, KeyFile, CAFile string
	// ExpiredCertFile/ExpiredKeyFile hold a client certificate past its NotAfter.
	ExpiredCertFile, ExpiredKeyFile string
	Store                           *x1.Store
	Keyring                         *secret.Keyring
	AuditPath                       string
	Audit                           *audit.Log
}

// Options are the optional parts of Start.
type Options struct {
	// Log receives the server's log (default: discarded).
	Log *zerolog.Logger
	// Redactor is passed to the server.
	Redactor *secret.Redactor
}

// Start runs an X1 server over the Redis at rdb until the test ends.
func Start(tb testing.TB, rdb redis.UniversalClient, opt Options) *Server {
	tb.Helper()
	dir := tb.TempDir()
	text, err := secret.GenerateKeyring()
	if err != nil {
		tb.Fatal(err)
	}
	keys, err := secret.ParseKeyring(text, "x1test")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Keyring: keys, Store: x1.NewStore(rdb, keys, x1.StoreOptions{}), AuditPath: filepath.Join(dir, "audit.jsonl")}
	s.Audit, err = audit.Open(s.AuditPath, audit.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Audit.Close() })

	ca, caKey := newCert(tb, nil, nil, "x1test CA", 0, time.Now().Add(24*time.Hour))
	s.CAFile = writePEM(tb, dir, "ca.pem", "CERTIFICATE", ca.Raw)
	srvCert, srvKey := newCert(tb, ca, caKey, "umli-x1", x509.ExtKeyUsageServerAuth, time.Now().Add(24*time.Hour))
	cliCert, cliKey := newCert(tb, ca, caKey, "admf-test", x509.ExtKeyUsageClientAuth, time.Now().Add(24*time.Hour))
	oldCert, oldKey := newCert(tb, ca, caKey, "admf-expired", x509.ExtKeyUsageClientAuth, time.Now().Add(-time.Hour))
	s.CertFile = writePEM(tb, dir, "client.pem", "CERTIFICATE", cliCert.Raw)
	s.KeyFile = writeKey(tb, dir, "client.key", cliKey)
	s.ExpiredCertFile = writePEM(tb, dir, "expired.pem", "CERTIFICATE", oldCert.Raw)
	s.ExpiredKeyFile = writeKey(tb, dir, "expired.key", oldKey)

	log := zerolog.Nop()
	if opt.Log != nil {
		log = *opt.Log
	}
	srv := x1.NewServer(s.Store, s.Audit, log, x1.ServerOptions{Redactor: opt.Redactor})
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	tlsConf := x1.NewServerTLSConfig(tls.Certificate{Certificate: [][]byte{srvCert.Raw}, PrivateKey: srvKey}, pool, srv.AuditRefusal, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ctx, ln, tlsConf) }()
	tb.Cleanup(func() { cancel(); <-done })
	s.URL = "https://" + ln.Addr().String() + "/X1/NE"
	return s
}

// Client returns an ADMF client with the test's valid certificate.
func (s *Server) Client(tb testing.TB) *x1.Client {
	tb.Helper()
	conf, err := x1.ClientTLSConfig(s.CertFile, s.KeyFile, s.CAFile)
	if err != nil {
		tb.Fatal(err)
	}
	c := x1.NewClient(s.URL, conf, x1.ClientOptions{})
	tb.Cleanup(c.Close)
	return c
}

func newCert(tb testing.TB, ca *x509.Certificate, caKey *ecdsa.PrivateKey, cn string, usage x509.ExtKeyUsage, notAfter time.Time) (*x509.Certificate, *ecdsa.PrivateKey) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: notAfter,
	}
	parent, signer := tmpl, key
	if ca == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid, tmpl.KeyUsage = true, true, x509.KeyUsageCertSign
	} else {
		parent, signer = ca, caKey
		tmpl.KeyUsage, tmpl.ExtKeyUsage = x509.KeyUsageDigitalSignature, []x509.ExtKeyUsage{usage}
		tmpl.IPAddresses, tmpl.DNSNames = []net.IP{net.IPv4(127, 0, 0, 1)}, []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return c, key
}

func writePEM(tb testing.TB, dir, name, typ string, der []byte) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

func writeKey(tb testing.TB, dir, name string, key *ecdsa.PrivateKey) string {
	tb.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	return writePEM(tb, dir, name, "PRIVATE KEY", der)
}
