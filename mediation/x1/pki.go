package x1

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// DemoPKI names the PEM files GenerateDemoPKI wrote: a throw-away CA, an X1 server
// certificate for 127.0.0.1/localhost, a valid ADMF client certificate and an expired
// one. For `umli demo` and tests only; production certificates come from the operator.
type DemoPKI struct {
	CA                      string
	ServerCert, ServerKey   string
	ClientCert, ClientKey   string // CN=admf-demo
	ExpiredCert, ExpiredKey string // CN=admf-expired
}

// GenerateDemoPKI writes a fresh demo PKI into dir (files mode 0600), valid for validity.
func GenerateDemoPKI(dir string, validity time.Duration) (*DemoPKI, error) {
	later := time.Now().Add(validity)
	ca, caKey, err := newCert(nil, nil, "umli demo CA", 0, later)
	if err != nil {
		return nil, err
	}
	p := &DemoPKI{}
	if p.CA, err = writePEM(dir, "x1-ca.pem", "CERTIFICATE", ca.Raw); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		cn       string
		usage    x509.ExtKeyUsage
		notAfter time.Time
		cert     *string
		key      *string
		name     string
	}{
		{"umli-x1", x509.ExtKeyUsageServerAuth, later, &p.ServerCert, &p.ServerKey, "x1-server"},
		{"admf-demo", x509.ExtKeyUsageClientAuth, later, &p.ClientCert, &p.ClientKey, "x1-admf"},
		{"admf-expired", x509.ExtKeyUsageClientAuth, time.Now().Add(-time.Hour), &p.ExpiredCert, &p.ExpiredKey, "x1-admf-expired"},
	} {
		cert, key, err := newCert(ca, caKey, c.cn, c.usage, c.notAfter)
		if err != nil {
			return nil, err
		}
		if *c.cert, err = writePEM(dir, c.name+".pem", "CERTIFICATE", cert.Raw); err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("x1: demo PKI: %w", err)
		}
		if *c.key, err = writePEM(dir, c.name+".key", "PRIVATE KEY", der); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func newCert(ca *x509.Certificate, caKey *ecdsa.PrivateKey, cn string, usage x509.ExtKeyUsage, notAfter time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("x1: demo PKI: %w", err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return nil, nil, fmt.Errorf("x1: demo PKI: %w", err)
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
		tmpl.IPAddresses, tmpl.DNSNames = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, nil, fmt.Errorf("x1: demo PKI: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("x1: demo PKI: %w", err)
	}
	return c, key, nil
}

func writePEM(dir, name, typ string, der []byte) (string, error) {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		return "", fmt.Errorf("x1: demo PKI: %w", err)
	}
	return p, nil
}
