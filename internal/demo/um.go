package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/umli/umli/simulators/umsim"
)

// Network elements of the UM scenario: CINs are unique per element, so the two
// platforms' calls are told apart by these names at the LEMF.
const (
	FreeSWITCHSource = "fs-um-1"
	AsteriskSource   = "ast-um-1"
)

// UMPlatform is the UM scenario: the umsim platform simulator serves a FreeSWITCH event
// socket and an Asterisk manager interface on loopback TCP; umli's ESL and AMI clients,
// configured by an umsys section as in umli's configuration file and built by the
// pipeline (internal/pipeline) as umli run builds them, subscribe and hand the events to
// the UM adapter, whose records go to mediation. Every
// FreeSWITCH scenario and the Asterisk ones are played; deposited messages' audio is
// fetched from the simulator's content directory and delivered as MessagingCC.
func UMPlatform() Scenario {
	return Scenario{Name: "UM platform simulator: FreeSWITCH (ESL) and Asterisk (AMI) over TCP, all scenarios", Run: runUMPlatform}
}

func runUMPlatform(ctx context.Context, env Env) (err error) {
	dir, err := os.MkdirTemp("", "umli-demo-um-")
	if err != nil {
		return fmt.Errorf("UM platform content dir: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(dir); rerr != nil && err == nil {
			err = fmt.Errorf("remove UM platform content dir: %w", rerr)
		}
	}()
	log := env.Log.With().Str("component", "um").Logger()
	um, err := umsim.NewUM(umsim.Config{ContentDir: dir, Logger: log.With().Str("sim", "umsim").Logger()})
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	// Running the simulator at once also closes its listeners on every way out.
	wg.Add(1)
	go func() { defer wg.Done(); _ = um.Run(runCtx) }()
	// umli's side comes from a configuration section, as an operator writes it: the
	// ESL and AMI clients, the UM adapter and its content fetcher (the simulator's
	// recordings directory and Asterisk spool).
	secretFile := filepath.Join(dir, "esl-ami.secret")
	if err := os.WriteFile(secretFile, []byte("ClueCon\n"), 0o600); err != nil {
		return fmt.Errorf("UM platform secret file: %w", err)
	}
	section := fmt.Sprintf(`umsys:
  asteriskSpool: %q
  content:
    roots: [{prefix: %q, dir: %q}]
  esl:
    - {source: %s, addr: %q, passwordFile: %q}
  ami:
    - {source: %s, addr: %q, username: umli, secretFile: %q}
`, filepath.Join(um.AMISpool(), "voicemail"), dir, dir, FreeSWITCHSource, um.Addrs().ESL, secretFile, AsteriskSource, um.Addrs().AMI, secretFile)
	sink, stopSources, err := env.startCounted(runCtx, "UM platform", section)
	if err != nil {
		return err
	}
	defer stopSources()

	if err := um.WaitSubscribers(ctx, 1, 1); err != nil {
		return fmt.Errorf("waiting for the ESL and AMI clients: %w", err)
	}
	// One scenario at a time, each call's end awaited before the next is played: the
	// platform rewrites its audio files per scenario, and the adapter must have fetched
	// the previous call's content by then. Play returns once the bytes are on the
	// sockets; every call ends with a record closing its sequence.
	script := um.Script()
	fs, ast := 0, 0
	for _, name := range um.Scenarios() {
		if err := um.Play(ctx, name); err != nil {
			return err
		}
		if _, _, ok := script.FSScenario(name); ok {
			fs++
		}
		if _, ok := script.AMIScenario(name); ok {
			ast++
		}
		if err := sink.wait(ctx, FreeSWITCHSource, fs); err != nil {
			return fmt.Errorf("scenario %s: %w", name, err)
		}
		if err := sink.wait(ctx, AsteriskSource, ast); err != nil {
			return fmt.Errorf("scenario %s: %w", name, err)
		}
		if err := env.drain(ctx); err != nil {
			return err
		}
	}
	return nil
}
