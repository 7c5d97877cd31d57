package siprec

import (
	"errors"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/umli/umli/internal/promreg"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
)

// Config configures an Endpoint.
type Config struct {
	// Source is the network element the records name. Mediation allocates CINs per
	// (Source, CorrelationKey), so for CC to share the CIN of the UM feed's events it
	// must be the Source the feed uses for the platform (e.g. "fs-um-1").
	Source string
	// SourceByAddr overrides Source per SRC signalling address, for an endpoint that
	// records several UM platforms.
	SourceByAddr map[netip.Addr]string
	Sink         record.Sink
	// DTMF receives key presses of a party (optional).
	DTMF rtpcapture.DTMFHandler
	// Pilots are the user parts of the voicemail access numbers (see CallInfo.Classify).
	Pilots []string
	// MediaAddr is the address RTP sockets bind to and the answer announces.
	MediaAddr netip.Addr
	// PortMin and PortMax bound the RTP ports; zero means ephemeral ports.
	PortMin, PortMax int
	// MediaTimeout closes a stream that carried no packet for this long (default 30 s).
	MediaTimeout time.Duration
	// MinSessionExpires is the floor for an SRC's Session-Expires (RFC 4028 Min-SE,
	// default 90 s); a session not refreshed in time is ended with a BYE.
	MinSessionExpires time.Duration
	// MaxCalls bounds concurrent calls; more are refused with 486 (default 4096).
	MaxCalls int
	// MaxStreamsPerOffer bounds the audio streams umli reads per offer; an offer with
	// more is refused with 488 (default 4: SIPREC records a handful of streams).
	MaxStreamsPerOffer int
	// MaxStreams bounds open RTP sockets over all calls (default: one per even port of
	// PortMin-PortMax, or 1024 with ephemeral ports); an offer beyond it gets 503.
	MaxStreams int
	// MaxPendingPerPeer bounds the INVITEs of one SRC address not yet completed by an
	// ACK: each holds its media sockets until the ACK or the 32 s timeout, so a peer
	// that never ACKs would otherwise cycle through MaxStreams. More are refused with
	// 503 and Retry-After (default 32).
	MaxPendingPerPeer int
	// Refused counts refused INVITEs by source and reason (optional, see NewRefused).
	Refused *prometheus.CounterVec
	Connect rtpcapture.ConnectPolicy
	Chunk   time.Duration
	Window  int
	Metrics *rtpcapture.Metrics
	Log     zerolog.Logger
}

func (c *Config) defaults() error {
	if c.Sink == nil {
		return errors.New("siprec: config needs a Sink")
	}
	if !c.MediaAddr.IsValid() || c.MediaAddr.IsUnspecified() {
		return errors.New("siprec: config needs a MediaAddr to announce in answers")
	}
	if c.PortMin < 0 || c.PortMax > 65535 || c.PortMin > c.PortMax {
		return errors.New("siprec: RTP port range must satisfy 0 <= PortMin <= PortMax <= 65535")
	}
	if c.Source == "" {
		c.Source = "umli-srs"
	}
	if c.MediaTimeout <= 0 {
		c.MediaTimeout = 30 * time.Second
	}
	if c.MinSessionExpires <= 0 {
		c.MinSessionExpires = 90 * time.Second
	}
	if c.MaxCalls <= 0 {
		c.MaxCalls = 4096
	}
	if c.MaxStreamsPerOffer <= 0 {
		c.MaxStreamsPerOffer = 4
	}
	if c.MaxPendingPerPeer < 0 {
		return errors.New("siprec: MaxPendingPerPeer must not be negative")
	}
	if c.MaxPendingPerPeer == 0 {
		c.MaxPendingPerPeer = DefaultMaxPendingPerPeer
	}
	if c.Refused == nil {
		c.Refused, _ = NewRefused(nil) // unregistered: cannot fail
	}
	if c.MaxStreams < 0 {
		return errors.New("siprec: MaxStreams must not be negative")
	}
	if c.PortMin > 0 {
		// The port range is a hard ceiling: RTP takes the even ports only.
		ceiling := (c.PortMax-c.PortMin)/2 + 1
		if c.MaxStreams == 0 || c.MaxStreams > ceiling {
			c.MaxStreams = ceiling
		}
	} else if c.MaxStreams == 0 {
		c.MaxStreams = 1024
	}
	return nil
}

// DefaultMaxPendingPerPeer is Config.MaxPendingPerPeer's default: an SBC's ACK follows
// its 200 within a round trip, so even a busy one has few INVITEs pending at a time.
const DefaultMaxPendingPerPeer = 32

// Reasons of umli_siprec_refused_total.
const (
	RefusedPending = "pending_peer" // MaxPendingPerPeer reached (503)
	RefusedOffer   = "offer"        // bad or too many streams in one offer (488)
	RefusedStreams = "streams"      // MaxStreams reached (503)
	RefusedCalls   = "calls"        // MaxCalls reached (486)
)

// NewRefused registers umli_siprec_refused_total on reg (nil: unregistered).
func NewRefused(reg *prometheus.Registry) (*prometheus.CounterVec, error) {
	return promreg.CounterVec(reg, "umli_siprec_refused_total", "SIPREC INVITEs refused, by source and reason.", "source", "reason")
}
