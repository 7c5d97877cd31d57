package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/secret"
	"github.com/umli/umli/mediation/warrant"
	"github.com/umli/umli/mediation/x1"
)

// AuditFile is the audit log the demo writes into its output directory.
const AuditFile = "audit.jsonl"

// x1Demo is the demo's in-process X1 side: a server over mutual TLS on a loopback port,
// storing tasks in the demo's Redis, and a watcher handing the warrant set to mediation.
type x1Demo struct {
	Audit *audit.Log
	store *x1.Store
	url   string
	pki   *x1.DemoPKI
	dir   string
	log   zerolog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	applied int64 // store version of the last warrant set handed to apply
	changed chan struct{}
}

// startX1 writes a throw-away PKI and serves X1 (recording every request in al) and the
// watcher until stop. apply gets the warrant set at start and after every change.
func startX1(ctx context.Context, rdb redis.UniversalClient, al *audit.Log, log zerolog.Logger, apply func([]*warrant.Warrant) error) (*x1Demo, error) {
	dir, err := os.MkdirTemp("", "umli-demo-x1-")
	if err != nil {
		return nil, fmt.Errorf("demo: x1 PKI directory: %w", err)
	}
	d := &x1Demo{Audit: al, dir: dir, log: log.With().Str("component", "x1").Logger(), applied: -1, changed: make(chan struct{})}
	fail := func(err error) (*x1Demo, error) {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if d.pki, err = x1.GenerateDemoPKI(dir, time.Hour); err != nil {
		return fail(err)
	}
	text, err := secret.GenerateKeyring()
	if err != nil {
		return fail(fmt.Errorf("demo: x1 keyring: %w", err))
	}
	keys, err := secret.ParseKeyring(text, "demo keyring")
	if err != nil {
		return fail(fmt.Errorf("demo: x1 keyring: %w", err))
	}
	d.store = x1.NewStore(rdb, keys, x1.StoreOptions{})
	srv := x1.NewServer(d.store, d.Audit, d.log, x1.ServerOptions{})
	tlsConf, err := x1.ServerTLSConfig(d.pki.ServerCert, d.pki.ServerKey, d.pki.CA, srv.AuditRefusal, nil)
	if err != nil {
		return fail(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(fmt.Errorf("demo: x1 listen: %w", err))
	}
	d.url = "https://" + ln.Addr().String() + "/X1/NE"
	ctx, d.cancel = context.WithCancel(ctx)
	watcher := x1.NewWatcher(d.store, d.log, x1.WatchOptions{Poll: 100 * time.Millisecond})
	d.wg.Add(2)
	go func() { defer d.wg.Done(); _ = srv.Serve(ctx, ln, tlsConf) }()
	go func() {
		defer d.wg.Done()
		_ = watcher.Run(ctx, func(ws []*warrant.Warrant, v int64) error {
			err := apply(ws)
			d.mu.Lock()
			d.applied = v
			close(d.changed)
			d.changed = make(chan struct{})
			d.mu.Unlock()
			return err
		})
	}()
	return d, nil
}

// provision sends ws to the X1 server as the demo ADMF (client certificate CN=admf-demo)
// and waits until the watcher has handed the resulting warrant set to mediation. It
// returns the number of tasks active in the store.
func (d *x1Demo) provision(ctx context.Context, ws []*warrant.Warrant, addrs map[string]string) (int, error) {
	conf, err := x1.ClientTLSConfig(d.pki.ClientCert, d.pki.ClientKey, d.pki.CA)
	if err != nil {
		return 0, err
	}
	c := x1.NewClient(d.url, conf, x1.ClientOptions{ADMFIdentifier: "admf-demo"})
	defer c.Close()
	if err := x1.ProvisionWarrants(ctx, c, ws, addrs); err != nil {
		return 0, fmt.Errorf("demo: x1 provisioning: %w", err)
	}
	want, err := d.store.Version(ctx)
	if err != nil {
		return 0, fmt.Errorf("demo: x1 store: %w", err)
	}
	for {
		d.mu.Lock()
		applied, changed := d.applied, d.changed
		d.mu.Unlock()
		if applied >= want {
			break
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("demo: x1 warrants not applied: %w", ctx.Err())
		case <-changed:
		}
	}
	tasks, err := d.store.Tasks(ctx)
	if err != nil {
		return 0, fmt.Errorf("demo: x1 store: %w", err)
	}
	return len(tasks), nil
}

// stop ends the server and watcher and removes the PKI.
func (d *x1Demo) stop() error {
	d.cancel()
	d.wg.Wait()
	return os.RemoveAll(d.dir)
}

// openAudit opens a fresh audit log at path: the demo's log shows this run only.
func openAudit(path string) (*audit.Log, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("demo: clear earlier audit log: %w", err)
	}
	return audit.Open(path, audit.Options{})
}

// x1Warrants adapts configured warrants to what X1 can name: a mailbox id has no X1
// target type, so a box written user@domain becomes the SIP URI the UM platform
// translator also derives for it (the box owner's number and addresses are named too).
func x1Warrants(ws []*warrant.Warrant) []*warrant.Warrant {
	out := make([]*warrant.Warrant, 0, len(ws))
	for _, w := range ws {
		c := *w
		c.Targets = make([]record.Identity, 0, len(w.Targets))
		for _, id := range w.Targets {
			if id.Kind == record.IdentityBoxID {
				if !strings.Contains(id.Value, "@") {
					continue
				}
				id = record.Identity{Kind: record.IdentitySIPURI, Value: "sip:" + id.Value}
			}
			c.Targets = append(c.Targets, id)
		}
		out = append(out, &c)
	}
	return out
}

// withBoxes returns apply for the watcher's sets: each X1 warrant gets back the mailbox
// ids its configured namesake names, since X1 has no target type for a mailbox id (the
// Asterisk feed names a deposit's box only by its id). A warrant X1 does not carry stays
// out, so a deactivation over X1 stops the boxes too.
func withBoxes(cfg []*warrant.Warrant, apply func([]*warrant.Warrant) error) func([]*warrant.Warrant) error {
	boxes := map[string][]record.Identity{}
	for _, w := range cfg {
		for _, id := range w.Targets {
			if id.Kind == record.IdentityBoxID {
				boxes[w.LIID] = append(boxes[w.LIID], id)
			}
		}
	}
	return func(ws []*warrant.Warrant) error {
		out := make([]*warrant.Warrant, len(ws))
		for i, w := range ws {
			c := *w
			c.Targets = append(append([]record.Identity(nil), w.Targets...), boxes[w.LIID]...)
			out[i] = &c
		}
		return apply(out)
	}
}

// verifyAudit checks the hash chain of the audit log at path.
func verifyAudit(path string) (audit.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return audit.Result{}, fmt.Errorf("demo: audit log: %w", err)
	}
	defer f.Close()
	res, err := audit.Verify(f)
	if err != nil {
		return res, fmt.Errorf("demo: audit log %s: %w", filepath.Base(path), err)
	}
	return res, nil
}
