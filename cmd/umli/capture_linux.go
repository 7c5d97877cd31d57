//go:build linux

package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/capture"
)

// captureLive taps mail traffic on iface (needs CAP_NET_RAW) until ctx ends.
func captureLive(ctx context.Context, iface, source string, emit email.Emit, log zerolog.Logger) error {
	st, err := capture.Live(ctx, iface, capture.Config{Source: source, Emit: emit, Logger: log})
	log.Info().Str("interface", iface).Int("sessions", st.Sessions).Int("gaps", st.Gaps).Msg("email: capture stopped")
	return err
}
