package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/ami"
	"github.com/umli/umli/umsys/content"
	"github.com/umli/umli/umsys/esl"
	"github.com/umli/umli/umsys/translate"
)

// Network elements of the UM scenario: CINs are unique per element, so the two
// platforms' calls are told apart by these names at the LEMF.
const (
	FreeSWITCHSource = "fs-um-1"
	AsteriskSource   = "ast-um-1"
)

// UMPlatform is the UM scenario: the umsim platform simulator serves a FreeSWITCH event
// socket and an Asterisk manager interface on loopback TCP; umli's ESL and AMI clients
// subscribe and hand the events to the UM adapter, whose records go to mediation. Every
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
	fetch, err := content.New(content.Config{Roots: []content.Root{{Prefix: dir}}})
	if err != nil {
		return fmt.Errorf("content fetcher: %w", err)
	}
	defer fetch.Close()
	sink := newCloseCounter(env.Sink)
	ad, err := adapter.New(adapter.Config{Content: fetch, Logger: log, Translate: translate.Config{AsteriskSpool: filepath.Join(um.AMISpool(), "voicemail")}}, sink)
	if err != nil {
		return fmt.Errorf("UM adapter: %w", err)
	}
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	goRun := func(f func(context.Context) error) {
		wg.Add(1)
		go func() { defer wg.Done(); _ = f(runCtx) }()
	}
	// Running the simulator at once also closes its listeners on every way out.
	goRun(um.Run)
	goRun(ad.Run)
	ec, err := esl.NewClient(esl.Config{Addr: um.Addrs().ESL, Password: "ClueCon", Source: FreeSWITCHSource, Logger: log}, ad.Handler(runCtx))
	if err != nil {
		return err
	}
	ac, err := ami.NewClient(ami.Config{Addr: um.Addrs().AMI, Username: "umli", Secret: "ClueCon", Source: AsteriskSource, Logger: log}, ad.Handler(runCtx))
	if err != nil {
		return err
	}
	goRun(ec.Run)
	goRun(ac.Run)

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
