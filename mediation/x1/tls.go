package x1

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/umli/umli/internal/tlsconf"
)

// ClientRefusal is what the server learns about a TLS client it refused; it goes into
// the audit log (the handshake fails, so no X1 request is ever read).
type ClientRefusal struct {
	Remote  string
	Subject string // the presented certificate's subject, "" when none was presented
	Reason  string
}

// ServerTLSConfig builds the X1 server's TLS configuration: TLS 1.2 or later, the
// server certificate from certFile/keyFile, and a client certificate required and
// verified against the CAs in clientCAFile. refused, when set, is told about every client
// turned away (no certificate, unknown CA, expired, wrong usage) so it can be audited;
// now is the clock certificates are checked against (nil: time.Now).
func ServerTLSConfig(certFile, keyFile, clientCAFile string, refused func(ClientRefusal), now func() time.Time) (*tls.Config, error) {
	cert, err := tlsconf.LoadPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("x1: server certificate: %w", err)
	}
	pool, err := loadPool(clientCAFile)
	if err != nil {
		return nil, err
	}
	return NewServerTLSConfig(cert, pool, refused, now), nil
}

// NewServerTLSConfig is ServerTLSConfig with the certificate and CA pool already loaded.
func NewServerTLSConfig(cert tls.Certificate, clientCAs *x509.CertPool, refused func(ClientRefusal), now func() time.Time) *tls.Config {
	if now == nil {
		now = time.Now
	}
	base := tlsconf.NewServer(cert, clientCAs, tlsconf.TLS12)
	// Verification is done in VerifyConnection (below) instead of by
	// RequireAndVerifyClientCert so that a refusal can be reported with the peer's
	// address; the outcome is the same: no verified client certificate, no handshake.
	base.ClientAuth = tls.RequestClientCert
	base.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		remote := ""
		if hello.Conn != nil {
			remote = hello.Conn.RemoteAddr().String()
		}
		c := base.Clone()
		c.GetConfigForClient = nil
		c.VerifyConnection = func(cs tls.ConnectionState) error {
			err := verifyClient(cs, clientCAs, now())
			if err != nil && refused != nil {
				r := ClientRefusal{Remote: remote, Reason: err.Error()}
				if len(cs.PeerCertificates) > 0 {
					r.Subject = cs.PeerCertificates[0].Subject.String()
				}
				refused(r)
			}
			return err
		}
		return c, nil
	}
	return base
}

func verifyClient(cs tls.ConnectionState, roots *x509.CertPool, now time.Time) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("no client certificate presented")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		return fmt.Errorf("client certificate refused: %w", err)
	}
	return nil
}

// ClientTLSConfig builds the ADMF client's TLS configuration from its certificate and
// the CA that signed the X1 server's certificate.
func ClientTLSConfig(certFile, keyFile, serverCAFile string) (*tls.Config, error) {
	c, err := tlsconf.Files{Cert: certFile, Key: keyFile, CA: serverCAFile}.MutualClient(tlsconf.TLS12)
	if err != nil {
		return nil, fmt.Errorf("x1: client: %w", err)
	}
	return c, nil
}

func loadPool(file string) (*x509.CertPool, error) {
	pool, err := tlsconf.LoadPool(file)
	if err != nil {
		return nil, fmt.Errorf("x1: %w", err)
	}
	return pool, nil
}

// peerSubject names the verified client of a request for the audit log.
func peerSubject(cs *tls.ConnectionState) string {
	if cs == nil || len(cs.PeerCertificates) == 0 {
		return "unauthenticated"
	}
	return cs.PeerCertificates[0].Subject.String()
}
