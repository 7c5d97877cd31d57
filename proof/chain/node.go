package chain

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/mediation"
)

// Node is one umli instance: mediation and handover sharing a Redis client.
type Node struct {
	Med    *mediation.Mediator
	HO     *handover.Handover
	Reg    *prometheus.Registry
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewKeyring is a fresh at-rest keyring for one test. Every node of the test gets the
// same one, as every instance of a deployment does: a node started after another (a
// restart, a peer taking over) must open what its predecessor sealed.
func NewKeyring(tb testing.TB) *seal.Keyring {
	tb.Helper()
	text, err := seal.GenerateKeyring()
	if err != nil {
		tb.Fatal(err)
	}
	k, err := seal.ParseKeyring(text, tb.Name()+" keyring")
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// StartNode runs an instance named instance delivering to lm, sealing at rest with
// keys; it stops when the test ends.
func StartNode(tb testing.TB, instance string, rdb redis.UniversalClient, keys *seal.Keyring, lm *LEMF, log zerolog.Logger) *Node {
	tb.Helper()
	return StartNodeYAML(tb, instance, ConfigYAML(instance, lm.HI2, lm.HI3), rdb, keys, log)
}

// StartNodeMDF runs an instance delivering X2/X3 to m (ConfigYAMLX2X3).
func StartNodeMDF(tb testing.TB, instance string, rdb redis.UniversalClient, keys *seal.Keyring, m *MDF, log zerolog.Logger) *Node {
	tb.Helper()
	return StartNodeYAML(tb, instance, ConfigYAMLX2X3(instance, m), rdb, keys, log)
}

// StartNodeYAML runs an instance of the configuration doc. Like `umli run` outside demo
// mode it requires the at-rest keyring: handover seals its stream entries and mediation
// its journal and session blobs with it.
func StartNodeYAML(tb testing.TB, instance, doc string, rdb redis.UniversalClient, keys *seal.Keyring, log zerolog.Logger) *Node {
	tb.Helper()
	if keys == nil {
		tb.Fatalf("instance %s: no at-rest keyring (chain.NewKeyring); umli does not run unsealed", instance)
	}
	cfg, err := config.Parse(instance+".yaml", []byte(doc))
	if err != nil {
		tb.Fatalf("config: %v", err)
	}
	// The same assembly as `umli run` (internal/pipeline), without sources: the proofs
	// submit to mediation directly.
	p, err := pipeline.New(cfg, pipeline.Options{Redis: rdb, Log: log, Keyring: keys,
		Handover: func(hc *handover.Config) {
			// Short redials: the fault scenarios bring the LEMF back after seconds.
			for i := range hc.Destinations {
				hc.Destinations[i].Backoff = handover.Backoff{Min: 50 * time.Millisecond, Max: 500 * time.Millisecond}
			}
		}})
	if err != nil {
		tb.Fatalf("instance %s: %v", instance, err)
	}
	n := &Node{Med: p.Mediator, HO: p.Handover, Reg: p.Registry}
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	for _, run := range []func(context.Context) error{n.HO.Run, n.Med.Run} {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			if err := run(ctx); err != nil && ctx.Err() == nil {
				tb.Errorf("instance %s: %v", instance, err)
			}
		}()
	}
	tb.Cleanup(n.Stop)
	return n
}

// Stop cancels the instance and waits for it.
func (n *Node) Stop() {
	if n.cancel != nil {
		n.cancel()
		n.wg.Wait()
		n.cancel = nil
	}
}
