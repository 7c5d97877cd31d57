// Package testcert issues throwaway ECDSA certificates for tests that need real
// TLS: a CA per test and leaves it signs, so no key material lives in the repo.
package testcert

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

// CA is a self-signed certificate authority valid from an hour ago for a day.
type CA struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
	// PEM is Cert PEM-encoded.
	PEM []byte
	// Pool trusts only this CA.
	Pool *x509.CertPool
}

// NewCA makes a CA named cn.
func NewCA(tb testing.TB, cn string) *CA {
	tb.Helper()
	key := newKey(tb)
	tmpl := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatalf("testcert: CA %s: %v", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatalf("testcert: CA %s: %v", cn, err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &CA{Cert: cert, Key: key, PEM: pemBlock("CERTIFICATE", der), Pool: pool}
}

// Usage says what a leaf is for.
type Usage int

// Leaf usages.
const (
	// Server leaves carry serverAuth and name 127.0.0.1 and localhost.
	Server Usage = iota
	// Client leaves carry clientAuth.
	Client
)

// Leaf is a certificate signed by a CA, with its key.
type Leaf struct {
	Cert *x509.Certificate
	// TLS is ready for tls.Config.Certificates.
	TLS tls.Certificate
	// CertPEM and KeyPEM are the certificate and its EC private key, PEM-encoded.
	CertPEM, KeyPEM []byte
}

// Issue signs a leaf named cn, valid from an hour ago for a day.
func (ca *CA) Issue(tb testing.TB, cn string, u Usage) *Leaf {
	tb.Helper()
	return ca.IssueUntil(tb, cn, u, time.Now().Add(24*time.Hour))
}

// IssueUntil is Issue with the given NotAfter (in the past for an expired leaf).
func (ca *CA) IssueUntil(tb testing.TB, cn string, u Usage, notAfter time.Time) *Leaf {
	tb.Helper()
	return ca.IssueSubject(tb, pkix.Name{CommonName: cn}, u, notAfter)
}

// IssueSubject is IssueUntil with a full subject, for tests that assert on it.
func (ca *CA) IssueSubject(tb testing.TB, subject pkix.Name, u Usage, notAfter time.Time) *Leaf {
	tb.Helper()
	cn := subject.CommonName
	key := newKey(tb)
	tmpl := &x509.Certificate{SerialNumber: serial(), Subject: subject,
		NotBefore: time.Now().Add(-2 * time.Hour), NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature}
	switch u {
	case Server:
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		tmpl.DNSNames = []string{"localhost"}
	case Client:
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		tb.Fatalf("testcert: leaf %s: %v", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatalf("testcert: leaf %s: %v", cn, err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		tb.Fatalf("testcert: leaf %s key: %v", cn, err)
	}
	return &Leaf{
		Cert:    cert,
		TLS:     tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert},
		CertPEM: pemBlock("CERTIFICATE", der),
		KeyPEM:  pemBlock("EC PRIVATE KEY", kder),
	}
}

// WriteFile writes b to a new file name in dir (0600) and returns its path.
func WriteFile(tb testing.TB, dir, name string, b []byte) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		tb.Fatalf("testcert: %v", err)
	}
	return p
}

func newKey(tb testing.TB) *ecdsa.PrivateKey {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatalf("testcert: key: %v", err)
	}
	return key
}

// serial is random so two certificates from one test never collide.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
