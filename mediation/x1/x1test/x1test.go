// Package x1test starts a real X1 server (mutual TLS on a loopback port, a real Redis,
// a real audit log) for tests elsewhere in umli, and writes the PEM files an ADMF client
// needs. Like net/http/httptest, it is imported only from _test.go files.
package x1test

import (
	"context"
	"net"
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
	// PKI holds the CA, the ADMF client's certificate and key (CN=admf-demo) and an
	// expired client certificate, for x1.ClientTLSConfig or `umli x1 --cert --key --ca`.
	PKI       *x1.DemoPKI
	Store     *x1.Store
	Keyring   *secret.Keyring
	AuditPath string
	Audit     *audit.Log
}

// Options are the optional parts of Start.
type Options struct {
	// Log receives the server's log (default: discarded).
	Log *zerolog.Logger
	// Redactor is passed to the server.
	Redactor *secret.Redactor
}

// NewPKI writes a demo PKI into a temporary directory.
func NewPKI(tb testing.TB) *x1.DemoPKI {
	tb.Helper()
	p, err := x1.GenerateDemoPKI(tb.TempDir(), 24*time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// Start runs an X1 server over the Redis at rdb until the test ends.
func Start(tb testing.TB, rdb redis.UniversalClient, opt Options) *Server {
	tb.Helper()
	text, err := secret.GenerateKeyring()
	if err != nil {
		tb.Fatal(err)
	}
	keys, err := secret.ParseKeyring(text, "x1test")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{PKI: NewPKI(tb), Keyring: keys, Store: x1.NewStore(rdb, keys, x1.StoreOptions{}),
		AuditPath: filepath.Join(tb.TempDir(), "audit.jsonl")}
	s.Audit, err = audit.Open(s.AuditPath, audit.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Audit.Close() })
	log := zerolog.Nop()
	if opt.Log != nil {
		log = *opt.Log
	}
	srv := x1.NewServer(s.Store, s.Audit, log, x1.ServerOptions{Redactor: opt.Redactor})
	tlsConf, err := x1.ServerTLSConfig(s.PKI.ServerCert, s.PKI.ServerKey, s.PKI.CA, srv.AuditRefusal, nil)
	if err != nil {
		tb.Fatal(err)
	}
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

// Client returns an ADMF client with the valid client certificate.
func (s *Server) Client(tb testing.TB) *x1.Client {
	tb.Helper()
	conf, err := x1.ClientTLSConfig(s.PKI.ClientCert, s.PKI.ClientKey, s.PKI.CA)
	if err != nil {
		tb.Fatal(err)
	}
	c := x1.NewClient(s.URL, conf, x1.ClientOptions{})
	tb.Cleanup(c.Close)
	return c
}
