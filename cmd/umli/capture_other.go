//go:build !linux

package main

import (
	"context"
	"errors"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
)

// captureLive is Linux-only (AF_PACKET).
func captureLive(context.Context, string, string, email.Emit, zerolog.Logger) error {
	return errors.New("email capture: live capture needs Linux")
}
