package passive

import (
	"errors"
	"time"

	"github.com/rs/zerolog"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
)

// Config configures a Capture.
type Config struct {
	// Source is the network element the records name: the Source the UM feed uses
	// for the platform whose calls are captured, so CC shares the feed's CINs.
	Source string
	Sink   record.Sink
	DTMF   rtpcapture.DTMFHandler
	// Pilots are the user parts of the voicemail access numbers.
	Pilots []string
	// MediaTimeout closes a flow silent for this long, in capture time (default 30 s).
	MediaTimeout time.Duration
	// MaxCalls bounds the dialogs followed at once (default 4096); more are ignored.
	MaxCalls int
	Connect  rtpcapture.ConnectPolicy
	Chunk    time.Duration
	Window   int
	Metrics  *rtpcapture.Metrics
	Log      zerolog.Logger
}

func (c *Config) defaults() error {
	if c.Sink == nil {
		return errors.New("passive: config needs a Sink")
	}
	if c.Source == "" {
		c.Source = "umli-tap"
	}
	if c.MediaTimeout <= 0 {
		c.MediaTimeout = 30 * time.Second
	}
	if c.MaxCalls <= 0 {
		c.MaxCalls = 4096
	}
	return nil
}
