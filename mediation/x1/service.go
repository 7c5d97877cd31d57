package x1

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/netaccept"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/secret"
	"github.com/umli/umli/mediation/warrant"
)

// ServiceConfig is what `umli run` needs to offer X1: where to listen, the TLS
// material and the target-list keyring.
type ServiceConfig struct {
	// Listen is the X1 address (e.g. ":8443"); empty runs only the watcher and expirer,
	// for instances that follow the store without serving X1 themselves.
	Listen                          string
	CertFile, KeyFile, ClientCAFile string
	// KeyringFile (mode 0600) or KeyringEnv names the target-list keyring; see
	// mediation/secret for the format and rotation.
	KeyringFile, KeyringEnv      string
	NEIdentifier, ADMFIdentifier string
	// CheckDestination vets X1 destinations (see ServerOptions.CheckDestination).
	CheckDestination func(*Destination) error
	// AcceptMetrics counts the listener's retried accept errors and refusals (nil:
	// unregistered); MaxConns and MaxConnsPerPeer cap its connections (0: 64 and 16,
	// an ADMF holds a few).
	AcceptMetrics             *netaccept.Metrics
	MaxConns, MaxConnsPerPeer int
}

// Keyring loads the configured keyring.
func (c *ServiceConfig) Keyring() (*secret.Keyring, error) {
	switch {
	case c.KeyringFile != "":
		return secret.LoadKeyring(c.KeyringFile)
	case c.KeyringEnv != "":
		return secret.KeyringFromEnv(c.KeyringEnv)
	default:
		return nil, errors.New("x1: no keyring configured (keyring file or environment variable)")
	}
}

// RunService serves X1 (when Listen is set), expires ended tasks and calls apply with
// the warrant set at start and after every change, until ctx ends. Provisioning is
// recorded in al, which the caller opens and closes (umli run shares it with mediation).
// redactor (optional) learns every target identity. It returns the first component
// failure or ctx's error.
func RunService(ctx context.Context, cfg ServiceConfig, al *audit.Log, rdb redis.UniversalClient, log zerolog.Logger, redactor *secret.Redactor, apply func([]*warrant.Warrant, int64) error) error {
	keys, err := cfg.Keyring()
	if err != nil {
		return err
	}
	if al == nil {
		return errors.New("x1: an audit log is required")
	}
	store := NewStore(rdb, keys, StoreOptions{})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 3)
	n := 0
	if cfg.Listen != "" {
		srv := NewServer(store, al, log, ServerOptions{NEIdentifier: cfg.NEIdentifier, ADMFIdentifier: cfg.ADMFIdentifier, Redactor: redactor, CheckDestination: cfg.CheckDestination})
		tlsConf, err := ServerTLSConfig(cfg.CertFile, cfg.KeyFile, cfg.ClientCAFile, srv.AuditRefusal, nil)
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", cfg.Listen)
		if err != nil {
			return fmt.Errorf("x1: listen %s: %w", cfg.Listen, err)
		}
		// Accept errors (EMFILE & co.) back off instead of ending X1; peers are few.
		maxConns, perPeer := cfg.MaxConns, cfg.MaxConnsPerPeer
		if maxConns <= 0 {
			maxConns = 64
		}
		if perPeer <= 0 {
			perPeer = min(16, maxConns)
		}
		ln = netaccept.Wrap(ln, netaccept.Config{Name: "x1", Logger: log, Metrics: cfg.AcceptMetrics, MaxConns: maxConns, MaxPerPeer: perPeer})
		log.Info().Str("listen", ln.Addr().String()).Msg("x1: serving over mutual TLS")
		n++
		go func() { errc <- srv.Serve(ctx, ln, tlsConf) }()
	}
	n += 2
	go func() { errc <- NewExpirer(store, al, log, nil).Run(ctx, time.Second) }()
	go func() { errc <- NewWatcher(store, log, WatchOptions{Redactor: redactor}).Run(ctx, apply) }()
	err = <-errc
	cancel()
	for i := 1; i < n; i++ {
		<-errc //nolint:errcheck // the first error was returned; the rest only drain
	}
	return err
}
