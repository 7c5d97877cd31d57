//go:build linux

package pipeline

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/capture"
	"github.com/umli/umli/rtpcapture/passive"
)

// captureLive taps mail traffic on iface (needs CAP_NET_RAW) until ctx ends.
func captureLive(ctx context.Context, iface, source string, emit email.Emit, opts email.Options, log zerolog.Logger) error {
	st, err := capture.Live(ctx, iface, capture.Config{Source: source, Emit: emit, Options: opts, Logger: log})
	log.Info().Str("interface", iface).Int("sessions", st.Sessions).Int("gaps", st.Gaps).Msg("email: capture stopped")
	return err
}

// passiveLive follows UM calls on iface (needs CAP_NET_RAW) until ctx ends.
func passiveLive(ctx context.Context, iface string, c *passive.Capture, log zerolog.Logger) error {
	l, err := passive.OpenInterface(iface)
	if err != nil {
		return err
	}
	err = l.Run(ctx, c)
	st := c.Stats
	log.Info().Str("interface", iface).Uint64("frames", st.Frames).Uint64("calls", st.Calls).Uint64("rtp", st.RTP).Msg("rtp: passive capture stopped")
	return err
}
