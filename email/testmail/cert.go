package testmail

import (
	"crypto/tls"
	"testing"

	"github.com/umli/umli/internal/testcert"
)

// Cert is a server certificate for 127.0.0.1 and localhost from a throwaway CA.
type Cert struct {
	// Server presents the certificate.
	Server *tls.Config
	// Client trusts it.
	Client *tls.Config
	// CertFile and KeyFile hold it as PEM.
	CertFile, KeyFile string
}

// NewCert makes a certificate named cn.
func NewCert(tb testing.TB, cn string) *Cert {
	tb.Helper()
	ca := testcert.NewCA(tb, cn+"-ca")
	leaf := ca.Issue(tb, cn, testcert.Server)
	dir := tb.TempDir()
	return &Cert{
		CertFile: testcert.WriteFile(tb, dir, cn+".crt", leaf.CertPEM),
		KeyFile:  testcert.WriteFile(tb, dir, cn+".key", leaf.KeyPEM),
		Server:   &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, MinVersion: tls.VersionTLS12},
		Client:   &tls.Config{RootCAs: ca.Pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12},
	}
}
