package handover

import (
	"crypto/tls"
	"fmt"

	"github.com/umli/umli/internal/tlsconf"
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

// load reads the files into a client tls.Config pinned to TLS 1.3 (tlsconf.TLS13).
func (t *TLSConfig) load() (*tls.Config, error) {
	return tlsconf.Files{Cert: t.CertFile, Key: t.KeyFile, CA: t.CAFile, ServerName: t.ServerName}.MutualClient(tlsconf.TLS13)
}
