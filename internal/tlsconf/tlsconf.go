// Package tlsconf builds every tls.Config umli serves or dials with, from one TLS
// section's files (certificate, key, CA, server name) or from material already in
// memory. The rules live here once: the minimum version of a Profile, the TLS 1.2
// cipher suites (ECDHE key exchange with an AEAD cipher only), and client
// authentication (a server given a CA requires a client certificate chained to it;
// a mutual client must present one and verify the server against its CA).
//
// It imports nothing of umli, so every layer (sources, mediation, handover,
// simulators, cmd) may use it; proof/repo's layering rules keep it that way.
package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// Profile is the protocol version policy of one interface.
type Profile uint8

const (
	// TLS12 accepts TLS 1.2 and 1.3 (ingest listeners, X1, Redis, mail, the LEMF's
	// own listeners): peers umli does not choose may not speak 1.3 yet.
	TLS12 Profile = iota
	// TLS13 accepts TLS 1.3 only: handover to a LEMF and X2/X3 to an MDF, where both
	// ends are under the operator's control and TS 103 221-2 / TS 102 232-1 ask for
	// current TLS with mutual authentication.
	TLS13
)

// Files names one TLS section's PEM files; config.TLSFile is the YAML form.
type Files struct {
	// Cert and Key are this side's certificate (chain) and private key.
	Cert, Key string
	// CA is the CA the peer's certificate must chain to: for a server, the client
	// certificates' CA (mutual TLS); for a client, the server's (empty: system roots).
	CA string
	// ServerName is the name a client checks in the server certificate (empty: the
	// host of the address dialed).
	ServerName string
}

// Errors a caller can tell apart; the message also names the file.
var (
	ErrMissing = errors.New("tls: file not set")
	ErrNoPEM   = errors.New("tls: no PEM certificates")
)

// CipherSuites returns the TLS 1.2 suites every config of this package offers and
// accepts: forward secret key exchange, AEAD ciphers. TLS 1.3 suites are fixed by
// crypto/tls and all qualify.
func CipherSuites() []uint16 {
	return []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	}
}

// base is the version and cipher policy of p.
func base(p Profile) *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12, CipherSuites: CipherSuites()}
	if p == TLS13 {
		c.MinVersion, c.MaxVersion = tls.VersionTLS13, tls.VersionTLS13
	}
	return c
}

// NewServer is the server config for cert; with clientCAs (non-nil) a client
// certificate chained to them is required and verified.
func NewServer(cert tls.Certificate, clientCAs *x509.CertPool, p Profile) *tls.Config {
	c := base(p)
	c.Certificates = []tls.Certificate{cert}
	if clientCAs != nil {
		c.ClientCAs = clientCAs
		c.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return c
}

// NewClient is the client config verifying the server against roots (nil: system
// roots) under serverName (empty: the dialed host), presenting certs when asked.
func NewClient(certs []tls.Certificate, roots *x509.CertPool, serverName string, p Profile) *tls.Config {
	c := base(p)
	c.Certificates = certs
	c.RootCAs = roots
	c.ServerName = serverName
	return c
}

// Server loads a server config from f: Cert and Key are required; with CA, clients
// must present a certificate chained to it.
func (f Files) Server(p Profile) (*tls.Config, error) {
	certs, pool, err := f.load(true)
	if err != nil {
		return nil, err
	}
	return NewServer(certs[0], pool, p), nil
}

// MutualServer is Server with the client CA required.
func (f Files) MutualServer(p Profile) (*tls.Config, error) {
	if f.CA == "" {
		return nil, fmt.Errorf("%w: ca (mutual TLS verifies client certificates against it)", ErrMissing)
	}
	return f.Server(p)
}

// Client loads a client config from f: CA (empty: system roots) verifies the
// server, Cert and Key (optional, together) are presented when the server asks.
func (f Files) Client(p Profile) (*tls.Config, error) {
	certs, pool, err := f.load(false)
	if err != nil {
		return nil, err
	}
	return NewClient(certs, pool, f.ServerName, p), nil
}

// MutualClient is Client with the certificate, key and CA all required.
func (f Files) MutualClient(p Profile) (*tls.Config, error) {
	switch {
	case f.Cert == "":
		return nil, fmt.Errorf("%w: cert (mutual TLS presents a client certificate)", ErrMissing)
	case f.Key == "":
		return nil, fmt.Errorf("%w: key", ErrMissing)
	case f.CA == "":
		return nil, fmt.Errorf("%w: ca (the server certificate must be verified)", ErrMissing)
	}
	return f.Client(p)
}

// load reads the pair (required: it must be set) and the CA pool (nil without CA).
func (f Files) load(required bool) ([]tls.Certificate, *x509.CertPool, error) {
	certs, err := f.pair(required)
	if err != nil || f.CA == "" {
		return certs, nil, err
	}
	pool, err := LoadPool(f.CA)
	if err != nil {
		return nil, nil, err
	}
	return certs, pool, nil
}

// pair loads Cert and Key; required says they must be set, otherwise both or
// neither (none: no certificate).
func (f Files) pair(required bool) ([]tls.Certificate, error) {
	switch {
	case f.Cert == "" && f.Key == "" && !required:
		return nil, nil
	case f.Cert == "":
		return nil, fmt.Errorf("%w: cert (it goes with key %s)", ErrMissing, f.Key)
	case f.Key == "":
		return nil, fmt.Errorf("%w: key (it goes with cert %s)", ErrMissing, f.Cert)
	}
	cert, err := LoadPair(f.Cert, f.Key)
	if err != nil {
		return nil, err
	}
	return []tls.Certificate{cert}, nil
}

// LoadPair loads a certificate and its key; the error names both files.
func LoadPair(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls: load certificate %s with key %s: %w", certFile, keyFile, err)
	}
	return cert, nil
}

// LoadPool reads the PEM certificates of file into a pool; the error names the file.
func LoadPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("tls: read CA file %s: %w", file, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%w in CA file %s", ErrNoPEM, file)
	}
	return pool, nil
}
