package handover

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/internal/backoff"
	"github.com/umli/umli/internal/seal"
)

// Defaults applied by New to zero fields.
const (
	DefaultKeyPrefix         = "umli:ho:"
	DefaultLeaseTTL          = 10 * time.Second
	DefaultBatchSize         = 512
	DefaultPurgeInterval     = time.Second
	DefaultEnqueueTimeout    = 2 * time.Second
	DefaultDialTimeout       = 5 * time.Second
	DefaultWriteTimeout      = 10 * time.Second
	DefaultBackoffMin        = 100 * time.Millisecond
	DefaultBackoffMax        = 10 * time.Second
	DefaultBackoffJitter     = 0.2
	DefaultResendWindow      = 1000
	DefaultMaxInboundFrame   = 64 << 10
	DefaultDataKeyWindow     = 10 * time.Minute
	maxDestinationNameLength = 128
	maxResendWindow          = 1_000_000
)

// Config configures a Handover: shared settings and one entry per LEA destination.
type Config struct {
	// KeyPrefix starts every Redis key (default "umli:ho:").
	KeyPrefix string
	// InstanceID names this process in lease keys; default host-pid-random.
	InstanceID string
	// LeaseTTL bounds how long a dead instance blocks a stream before another takes over.
	LeaseTTL time.Duration
	// BatchSize is the most PDUs read from Redis per round trip (bounds sender memory).
	BatchSize int
	// PurgeInterval is how often age/size caps are applied and queue depth is sampled.
	PurgeInterval time.Duration
	// EnqueueTimeout bounds one Enqueue so a Redis outage is reported quickly.
	EnqueueTimeout time.Duration
	// Destinations are the LEAs; names must be unique.
	Destinations []Destination
	// Keyring, when set, seals every stream entry under per-stream, per-window data keys
	// wrapped under it (see README.md); nil keeps entries in clear (demo and unit tests).
	Keyring *seal.Keyring
	// DataKeyWindow is how long one data key seals a stream's new entries (default
	// 10m): the granularity of crypto-shredding.
	DataKeyWindow time.Duration
}

// Destination is one LEA's handover endpoints and delivery policy.
type Destination struct {
	// Name identifies the destination in Enqueue, keys, metrics and logs.
	Name string
	// HI2Addr and HI3Addr are host:port of the LEMF; an empty one disables that interface.
	HI2Addr, HI3Addr string
	// TLS, when set, makes both connections TLS 1.3 with a client certificate.
	TLS *TLSConfig
	// KeepAlive builds the TS 102 232-1 keep-alive PDU (mediation encodes it) with the
	// connection's keep-alive sequence number (0 for the first keep-alive on each
	// connection); nil together with a zero KeepAliveInterval disables keep-alives.
	KeepAlive func(seq uint32) []byte
	// IsKeepAliveResponse recognises a keep-aliveResponse among the PDUs the LEMF sends
	// (may be nil with KeepAliveUnanswered).
	IsKeepAliveResponse func(pdu []byte) bool
	// KeepAliveInterval is how often a keep-alive is sent (see KeepAliveIdleOnly).
	KeepAliveInterval time.Duration
	// KeepAliveTimeout is how long to wait for a response (default: the interval). The
	// opening keep-alive of a connection unanswered within it: the connection delivers
	// without confirmations (a LEMF that never answers); a later one: redial.
	KeepAliveTimeout time.Duration
	// KeepAliveUnanswered: the LEMF never answers keep-alives. They are sent, never waited
	// for, and never hold delivery back; trimming follows the written position.
	KeepAliveUnanswered bool
	// KeepAliveIdleOnly sends keep-alives only when nothing was written for the interval
	// (none while PDUs flow). Trimming then follows the written position, because a busy
	// link would otherwise never confirm anything.
	KeepAliveIdleOnly bool
	// DialTimeout bounds TCP connect plus TLS handshake.
	DialTimeout time.Duration
	// WriteTimeout bounds one socket write; a LEMF that stops reading is redialled.
	WriteTimeout time.Duration
	// Backoff paces redials and Redis retries.
	Backoff Backoff
	// ResendWindow is how many confirmed (answered keep-alives every interval) or written
	// (otherwise) PDUs are kept and replayed after a reconnect. Zero keeps the default;
	// negative keeps none. Ignored when ResendBytes is set.
	ResendWindow int
	// ResendBytes, when positive, sizes the resend window in bytes instead of PDUs: the
	// PDUs wholly inside the last ResendBytes bytes confirmed (or written) are kept.
	ResendBytes int64
	// MaxBufferedAge drops undelivered PDUs older than this (0: no age cap).
	MaxBufferedAge time.Duration
	// MaxBufferedBytes caps undelivered bytes: Enqueue refuses beyond it (0: no cap).
	MaxBufferedBytes int64
	// MaxInboundFrame caps a BER element read from the LEMF (default 64 KiB).
	MaxInboundFrame int
	// Framer measures what the LEMF sends (nil: BER elements). An X2/X3 destination
	// (TS 103 221-2) sets x2x3.Framer with x2x3.KeepAlive and x2x3.IsKeepAliveAck.
	Framer Framer
	// Written, when set, is called for each PDU once its batch is flushed to the LEMF's
	// socket, in order, on the sender's goroutine (so it must not block). Written is not
	// confirmed: a PDU replayed after a reconnect is reported again with replayed set.
	Written func(hi HI, pdu string, replayed bool)
}

// Backoff is exponential backoff from Min to Max; each wait is drawn from
// [(1−Jitter)·ceiling, ceiling], Jitter 0..1 (internal/backoff).
type Backoff = backoff.Policy

// addr is the LEMF address for hi.
func (d *Destination) addr(hi HI) string {
	if hi == HI3 {
		return d.HI3Addr
	}
	return d.HI2Addr
}

// window is the effective resend window in PDUs.
func (d *Destination) window() int {
	if d.ResendWindow < 0 {
		return 0
	}
	return d.ResendWindow
}

// newRing is the written-position resend window of one connection.
func (d *Destination) newRing() *idRing {
	if d.ResendBytes > 0 {
		return newByteRing(d.ResendBytes)
	}
	return newIDRing(d.window())
}

// confirming: trimming waits for keep-aliveResponses (they come at least every
// interval, busy or idle); otherwise it follows the written position.
func (d *Destination) confirming() bool {
	return d.KeepAliveInterval > 0 && !d.KeepAliveUnanswered && !d.KeepAliveIdleOnly
}

// awaits: keep-aliveResponses are expected.
func (d *Destination) awaits() bool { return d.KeepAliveInterval > 0 && !d.KeepAliveUnanswered }

// withDefaults fills zero fields; validate checks the result.
func (c Config) withDefaults() Config {
	if c.KeyPrefix == "" {
		c.KeyPrefix = DefaultKeyPrefix
	}
	if c.LeaseTTL == 0 {
		c.LeaseTTL = DefaultLeaseTTL
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.PurgeInterval == 0 {
		c.PurgeInterval = DefaultPurgeInterval
	}
	if c.EnqueueTimeout == 0 {
		c.EnqueueTimeout = DefaultEnqueueTimeout
	}
	if c.DataKeyWindow <= 0 {
		c.DataKeyWindow = DefaultDataKeyWindow
	}
	ds := make([]Destination, len(c.Destinations))
	for i, d := range c.Destinations {
		if d.DialTimeout == 0 {
			d.DialTimeout = DefaultDialTimeout
		}
		if d.WriteTimeout == 0 {
			d.WriteTimeout = DefaultWriteTimeout
		}
		if d.Backoff.Min == 0 {
			d.Backoff.Min = DefaultBackoffMin
		}
		if d.Backoff.Max == 0 {
			d.Backoff.Max = DefaultBackoffMax
		}
		if d.Backoff.Jitter == 0 {
			d.Backoff.Jitter = DefaultBackoffJitter
		}
		if d.ResendWindow == 0 {
			d.ResendWindow = DefaultResendWindow
		}
		if d.KeepAliveInterval > 0 && d.KeepAliveTimeout == 0 {
			d.KeepAliveTimeout = d.KeepAliveInterval
		}
		if d.MaxInboundFrame == 0 {
			d.MaxInboundFrame = DefaultMaxInboundFrame
		}
		ds[i] = d
	}
	c.Destinations = ds
	return c
}

// Validate reports the first problem in c (after defaults), naming the destination and field.
func (c Config) Validate() error {
	c = c.withDefaults()
	if c.LeaseTTL < 100*time.Millisecond {
		return fmt.Errorf("%w: lease TTL %v is below 100ms", ErrConfig, c.LeaseTTL)
	}
	if c.BatchSize < 1 {
		return fmt.Errorf("%w: batch size %d must be positive", ErrConfig, c.BatchSize)
	}
	if c.PurgeInterval < 0 || c.EnqueueTimeout < 0 {
		return fmt.Errorf("%w: purge interval and enqueue timeout must not be negative", ErrConfig)
	}
	if len(c.Destinations) == 0 {
		return fmt.Errorf("%w: no destinations", ErrConfig)
	}
	seen := map[string]bool{}
	for i := range c.Destinations {
		d := &c.Destinations[i]
		if err := d.validate(); err != nil {
			return fmt.Errorf("%w: destination #%d %q: %w", ErrConfig, i+1, d.Name, err)
		}
		if seen[d.Name] {
			return fmt.Errorf("%w: destination #%d: name %q used twice", ErrConfig, i+1, d.Name)
		}
		seen[d.Name] = true
	}
	return nil
}

func (d *Destination) validate() error {
	if d.Name == "" || len(d.Name) > maxDestinationNameLength {
		return fmt.Errorf("name must be 1..%d bytes", maxDestinationNameLength)
	}
	if strings.ContainsAny(d.Name, "{}|") || strings.IndexFunc(d.Name, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return fmt.Errorf("name %q: no spaces, control characters, '{', '}' or '|'", d.Name)
	}
	if d.HI2Addr == "" && d.HI3Addr == "" {
		return fmt.Errorf("neither hi2 nor hi3 address is set")
	}
	for _, a := range []struct{ name, v string }{{"hi2", d.HI2Addr}, {"hi3", d.HI3Addr}} {
		if a.v == "" {
			continue
		}
		if err := checkAddr(a.v); err != nil {
			return fmt.Errorf("%s address %q: %w", a.name, a.v, err)
		}
	}
	if d.TLS != nil {
		if err := d.TLS.validate(); err != nil {
			return fmt.Errorf("tls: %w", err)
		}
	}
	if d.KeepAliveInterval < 0 || d.KeepAliveTimeout < 0 {
		return fmt.Errorf("keep-alive interval and timeout must not be negative")
	}
	if d.KeepAliveInterval > 0 && (d.KeepAlive == nil || (d.IsKeepAliveResponse == nil && !d.KeepAliveUnanswered)) {
		return fmt.Errorf("keep-alive interval set but KeepAlive or IsKeepAliveResponse is nil")
	}
	if d.ResendBytes < 0 {
		return fmt.Errorf("resend bytes %d must not be negative", d.ResendBytes)
	}
	if d.DialTimeout < 0 || d.WriteTimeout < 0 {
		return fmt.Errorf("dial and write timeouts must not be negative")
	}
	if d.Backoff.Min <= 0 || d.Backoff.Max < d.Backoff.Min {
		return fmt.Errorf("backoff min %v / max %v: need 0 < min <= max", d.Backoff.Min, d.Backoff.Max)
	}
	if d.Backoff.Jitter < 0 || d.Backoff.Jitter > 1 {
		return fmt.Errorf("backoff jitter %v: need 0..1", d.Backoff.Jitter)
	}
	if d.MaxBufferedAge < 0 || d.MaxBufferedBytes < 0 {
		return fmt.Errorf("max buffered age and bytes must not be negative")
	}
	if d.ResendWindow > maxResendWindow {
		return fmt.Errorf("resend window %d is above %d PDUs", d.ResendWindow, maxResendWindow)
	}
	if d.MaxInboundFrame < 16 {
		return fmt.Errorf("max inbound frame %d is below 16 bytes", d.MaxInboundFrame)
	}
	return nil
}

func checkAddr(a string) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return err
	}
	if host == "" {
		return fmt.Errorf("missing host")
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("port %q is not 1..65535", port)
	}
	return nil
}
