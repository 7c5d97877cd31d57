package sipsim

import (
	"errors"
	"net/netip"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"
)

// Config describes one simulated call.
type Config struct {
	// SRS is the recording endpoint's SIP address (host:port); Transport is "udp" (default)
	// or "tcp".
	SRS       string
	Transport string
	// LocalIP is where the simulated parties bind (default 127.0.0.1).
	LocalIP netip.Addr
	// Caller is the depositing caller's AOR (default sip:+4917011111@carrier.example).
	Caller string
	// Box is the mailbox owner's AOR (default sip:2000@um.example).
	Box string
	// Pilot is the voicemail access number's AOR (default sip:8000@um.example).
	Pilot string
	// PlatformUUID is the UM system's call UUID (X-FS-UUID and rs-metadata); default random.
	PlatformUUID string
	// Duration of the caller's speech (default 2 s), sent in 20 ms G.711 packets.
	Duration time.Duration
	// CallerHz and UMHz are the tones of the caller and of the UM system's prompt.
	CallerHz, UMHz float64
	// Keys the box owner presses in a retrieval (default "1#"), after speaking.
	Keys string
	Log  zerolog.Logger
}

func (c *Config) defaults() error {
	if c.SRS == "" {
		return errors.New("sipsim: config needs the SRS address")
	}
	if c.Transport == "" {
		c.Transport = "udp"
	}
	if c.Transport != "udp" && c.Transport != "tcp" {
		return errors.New("sipsim: transport must be udp or tcp")
	}
	if !c.LocalIP.IsValid() {
		c.LocalIP = netip.MustParseAddr("127.0.0.1")
	}
	if c.Caller == "" {
		c.Caller = "sip:+4917011111@carrier.example"
	}
	if c.Box == "" {
		c.Box = "sip:2000@um.example"
	}
	if c.Pilot == "" {
		c.Pilot = "sip:8000@um.example"
	}
	if c.PlatformUUID == "" {
		c.PlatformUUID = uuid.NewString()
	}
	if c.Duration <= 0 {
		c.Duration = 2 * time.Second
	}
	if c.CallerHz == 0 {
		c.CallerHz = 440
	}
	if c.UMHz == 0 {
		c.UMHz = 620
	}
	if c.Keys == "" {
		c.Keys = "1#"
	}
	return nil
}

// Result is what a simulated call sent.
type Result struct {
	// CallID is the Call-ID of the caller's call to the UM system.
	CallID string
	// PlatformUUID is the UM call UUID: the CorrelationKey umli must use.
	PlatformUUID string
	// CallerAudio and UMAudio are the G.711 μ-law payloads sent by the caller and by the
	// UM system, in order: what MessagingCC content must equal.
	CallerAudio, UMAudio []byte
	// Keys are the keys pressed (retrieval).
	Keys string
}
