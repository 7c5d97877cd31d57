//go:build !linux

package pipeline

import (
	"context"
	"errors"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/rtpcapture/passive"
)

// captureLive is Linux-only (AF_PACKET).
func captureLive(context.Context, string, string, email.Emit, email.Options, zerolog.Logger) error {
	return errors.New("email capture: live capture needs Linux")
}

// passiveLive is Linux-only (AF_PACKET); rtp.passive.file works everywhere.
func passiveLive(context.Context, string, *passive.Capture, zerolog.Logger) error {
	return errors.New("rtp passive: live capture needs Linux")
}
