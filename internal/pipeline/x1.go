package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/netaccept"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/secret"
	"github.com/umli/umli/mediation/warrant"
	"github.com/umli/umli/mediation/x1"
)

// startX1 runs the X1 service: provisioning over mutual TLS, expiry, and the watcher
// that merges X1 warrants with the configuration's into mediation's warrant set.
func startX1(ctx context.Context, g *group, cfg *config.Config, rdb redis.UniversalClient, med *mediation.Mediator, al *audit.Log, red *secret.Redactor, log zerolog.Logger) {
	x := cfg.X1
	sc := x1.ServiceConfig{
		Listen: x.Listen, CertFile: x.Cert, KeyFile: x.Key, ClientCAFile: x.ClientCA,
		KeyringFile:  x.KeyringFile,
		NEIdentifier: x.NEIdentifier, ADMFIdentifier: x.ADMFIdentifier,
		CheckDestination: checkX1Destination(cfg),
		MaxConns:         x.MaxConns, MaxConnsPerPeer: x.MaxConnsPerPeer,
	}
	if sc.NEIdentifier == "" {
		sc.NEIdentifier = cfg.NetworkElement
	}
	log = log.With().Str("component", "x1").Logger()
	if m, err := netaccept.NewMetrics(g.reg); err != nil {
		log.Warn().Err(err).Msg("netaccept: metrics not registered")
	} else {
		sc.AcceptMetrics = m
	}
	apply := func(ws []*warrant.Warrant, version int64) error {
		all := append(append([]*warrant.Warrant(nil), cfg.Warrants...), ws...)
		err := med.SetWarrants(all)
		if err != nil {
			// Logged, not returned: the warrants that are valid took effect.
			log.Error().Err(err).Int64("version", version).Msg("x1: warrants not all applied")
		} else {
			log.Info().Int64("version", version).Int("x1", len(ws)).Int("config", len(cfg.Warrants)).Msg("x1: warrants applied")
		}
		return nil
	}
	g.run(ctx, "x1", func(ctx context.Context) error {
		err := x1.RunService(ctx, sc, al, rdb, log, red, apply)
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	})
}

// checkX1Destination refuses X1 destinations whose friendlyName names no configured
// destination: umli only delivers to endpoints whose TLS material the operator set up.
func checkX1Destination(cfg *config.Config) func(*x1.Destination) error {
	return func(d *x1.Destination) error {
		if d.FriendlyName == "" {
			return fmt.Errorf("destination %s: friendlyName must name a destination configured in %s", d.DID, cfg.Path)
		}
		if cfg.Destinations[d.FriendlyName] == nil {
			return fmt.Errorf("destination %s: friendlyName %q is not configured in %s", d.DID, d.FriendlyName, cfg.Path)
		}
		return nil
	}
}
