package handover

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// TLSConfig names the files for TLS 1.3 with mutual authentication: umli presents
// CertFile/KeyFile and verifies the LEMF against CAFile.
type TLSConfig struct {
	CertFile, KeyFile string
	CAFile            string
	// ServerName overrides the name checked in the LEMF certificate (default: address host).
	ServerName string
}

func (t *TLSConfig) validate() error {
	switch {
	case t.CertFile == "":
		return fmt.Errorf("cert file not set (mutual authentication needs a client certificate)")
	case t.KeyFile == "":
		return fmt.Errorf("key file not set")
	case t.CAFile == "":
		return fmt.Errorf("CA file not set (the LEMF certificate must be verified)")
	}
	return nil
}

// load reads the files into a client tls.Config pinned to TLS 1.3.
func (t *TLSConfig) load() (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("load client certificate %s: %w", t.CertFile, err)
	}
	pem, err := os.ReadFile(t.CAFile)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s: no PEM certificates", t.CAFile)
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		MaxVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		RootCAs:      pool,
		ServerName:   t.ServerName,
	}, nil
}
