package demo

import (
	"context"
	"fmt"
	"sync"

	"github.com/umli/umli/email"
	"github.com/umli/umli/simulators/mailsim"
)

// VVMSource is the network element of the OMTP Visual Voicemail proxy.
const VVMSource = "vvm-1"

// VVM is the OMTP Visual Voicemail scenario: umli's IMAP proxy in vvm mode, built by
// the pipeline from an email section as umli run builds it, in front of mailsim's VVM
// server. A non-target's phone syncs its box first (nothing of it may
// reach the LEMF), then the target's phone logs in with the MSISDN as box, fetches
// the voice message (audio as MessagingCC), marks it read, deletes it, uploads a
// personal greeting, changes the TUI PIN and logs out.
func VVM() Scenario {
	return Scenario{Name: "OMTP Visual Voicemail over IMAP (vvm proxy): retrieve (audio CC), save, delete, greeting upload, PIN change; a non-target's box", Run: runVVM}
}

func runVVM(ctx context.Context, env Env) error {
	log := env.Log.With().Str("component", "vvm").Logger()
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	upstream, listen, err := startMailServer(runCtx, &wg, email.VVM, log)
	if err != nil {
		return err
	}
	// umli's proxy comes from an email section in vvm mode, as an operator writes it.
	section := fmt.Sprintf("email:\n  proxies:\n    - {source: %s, protocol: imap, mode: vvm, listen: %q, upstream: %q}\n",
		VVMSource, listen, upstream)
	sink, stopSources, err := env.startCounted(runCtx, "VVM", section)
	if err != nil {
		return err
	}
	defer stopSources()
	// The non-target first, then the target: each session submitted (its logout
	// closes the sequence) and numbered before the next.
	phones := []mailsim.Config{
		{VVM: listen, VVMUser: NonTargetMSISDN[1:], VVMPassword: "9753", Logger: log},
		{VVM: listen, VVMUser: TargetMSISDN[1:], VVMPassword: mailsim.VVMPIN, Logger: log},
	}
	for i, cfg := range phones {
		if err := mailsim.Run(ctx, cfg); err != nil {
			return err
		}
		if err := sink.wait(ctx, VVMSource, i+1); err != nil {
			return err
		}
		if err := env.drain(ctx); err != nil {
			return err
		}
	}
	return nil
}
