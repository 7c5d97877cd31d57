package lemf

import (
	"crypto/tls"
	"errors"

	"github.com/umli/umli/internal/tlsconf"
)

// ServerTLSConfig loads a server certificate and the CA that client certificates must
// chain to. Clients without a valid certificate are refused: a LEMF accepts handover
// only from mediation it knows.
func ServerTLSConfig(certFile, keyFile, clientCAFile string) (*tls.Config, error) {
	if certFile == "" || keyFile == "" || clientCAFile == "" {
		return nil, errors.New("TLS needs a certificate, its key and a client CA")
	}
	return tlsconf.Files{Cert: certFile, Key: keyFile, CA: clientCAFile}.MutualServer(tlsconf.TLS12)
}
