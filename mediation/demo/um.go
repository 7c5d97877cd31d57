package demo

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/ami"
	"github.com/umli/umli/umsys/content"
	"github.com/umli/umli/umsys/esl"
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
	ad, err := adapter.New(adapter.Config{Content: fetch, Logger: log}, sink)
	if err != nil {
		return fmt.Errorf("UM adapter: %w", err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ec, err := esl.NewClient(esl.Config{Addr: um.Addrs().ESL, Password: "ClueCon", Source: FreeSWITCHSource, Logger: log}, ad.Handler(runCtx))
	if err != nil {
		stop()
		return err
	}
	ac, err := ami.NewClient(ami.Config{Addr: um.Addrs().AMI, Username: "umli", Secret: "ClueCon", Source: AsteriskSource, Logger: log}, ad.Handler(runCtx))
	if err != nil {
		stop()
		return err
	}
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{um.Run, ad.Run, ec.Run, ac.Run} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = run(runCtx) }()
	}
	defer func() { stop(); wg.Wait() }()

	if err := um.WaitSubscribers(ctx, 1, 1); err != nil {
		return fmt.Errorf("waiting for the ESL and AMI clients: %w", err)
	}
	if err := um.Play(ctx, "all"); err != nil {
		return err
	}
	// Play returns once the bytes are on the sockets; every call ends with a record
	// closing its sequence, so wait for one per call and platform.
	if err := sink.wait(ctx, FreeSWITCHSource, len(um.Script().FreeSWITCH.Scenarios)); err != nil {
		return err
	}
	return sink.wait(ctx, AsteriskSource, len(um.Script().Asterisk.Scenarios))
}
