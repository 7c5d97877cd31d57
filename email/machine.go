package email

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/record"
)

// Direction says which peer sent a chunk of a session.
type Direction int

// Directions of a mail session.
const (
	FromClient Direction = iota + 1
	FromServer
)

// String names the direction for logs.
func (d Direction) String() string {
	switch d {
	case FromClient:
		return "client"
	case FromServer:
		return "server"
	}
	return fmt.Sprintf("direction(%d)", int(d))
}

// SessionInfo names one TCP session.
type SessionInfo struct {
	// Source is the network element name records carry (CINs are unique per Source).
	Source string
	// Client and Server are the TCP endpoints; the client is the mail client.
	Client, Server netip.AddrPort
	// Key is the correlation key; empty means one is derived from the 4-tuple and Start.
	Key string
	// Start is when the TCP session began.
	Start time.Time
}

// Emit receives the records a machine produces. It may wait for a bounded time (see
// Handoff.Emit: backpressure on a proxied session), never for ever.
type Emit func(*record.Record)

// TLSState says whether a session switched to TLS in band (STARTTLS, STLS).
type TLSState int

// TLS states of a session.
const (
	TLSNone      TLSState = iota // plaintext
	TLSRequested                 // client asked for TLS; the answer is pending
	TLSAccepted                  // server agreed: the bytes that follow are TLS
)

// Machine is a protocol state machine for one TCP session. Feed and End are not safe
// for concurrent use; a tap that reads both directions concurrently serializes them.
type Machine interface {
	// Feed hands over the next bytes one peer sent, in order per direction.
	Feed(dir Direction, p []byte, now time.Time)
	// End says the TCP session is over; pending operations are reported as far as known.
	End(now time.Time)
	// TLS reports in-band TLS negotiation, so a proxy can terminate TLS at the switch.
	TLS() TLSState
	// ResumePlain says the tap terminated the negotiated TLS: plaintext follows again
	// and the protocol restarts as after a fresh greeting.
	ResumePlain()
	// IPPacket delivers one captured IP packet of the session as EmailCC in ip-packet
	// format once the session started (its first command, see doc.go); a passive tap
	// calls it after feeding the packet's payload.
	IPPacket(dir Direction, pkt []byte, now time.Time)
}

// Options tune the state machines. The zero value is usable.
type Options struct {
	// Logger receives protocol errors; it never gets credentials or addresses.
	Logger zerolog.Logger
	// LoginDomain, when set, is appended to login names without '@' as an extra identity
	// and as the POP3/IMAP recipient address.
	LoginDomain string
	// SMTPReceive reports SMTP transfers as e-mail-receive (a tap in front of an MX)
	// instead of e-mail-send (a tap in front of a submission server).
	SMTPReceive bool
	// MaxLine bounds one protocol line; longer lines are truncated (default 16 KiB).
	MaxLine int
	// MaxRecipients bounds the e-mail-Recipients list; recipients are still counted
	// (total-recipient-count) beyond it (default 500).
	MaxRecipients int
	// CCChunk is the largest EmailCC content; longer content is cut into several
	// records with the same EventKey (default 256 KiB).
	CCChunk int
	// MaxHeader bounds the message header kept to find Message-ID and From (64 KiB).
	MaxHeader int
	// MaxLiteral bounds IMAP literals kept as command arguments (LOGIN); message
	// literals are streamed, not kept (default 8 KiB).
	MaxLiteral int
	// OmitApplicationCC suppresses EmailCC in application format (when the LEA asked
	// for ip-packet format only).
	OmitApplicationCC bool
	// Notify, when set, is told of blind spots (an unparsable session, see Notice).
	Notify Notify
}

func (o Options) withDefaults() Options {
	if o.MaxLine <= 0 {
		o.MaxLine = 16 << 10
	}
	if o.MaxRecipients <= 0 {
		o.MaxRecipients = 500
	}
	if o.CCChunk <= 0 {
		o.CCChunk = 256 << 10
	}
	if o.MaxHeader <= 0 {
		o.MaxHeader = 64 << 10
	}
	if o.MaxLiteral <= 0 {
		o.MaxLiteral = 8 << 10
	}
	return o
}

// New returns the state machine for proto.
func New(proto Protocol, info SessionInfo, emit Emit, opts Options) (Machine, error) {
	switch proto {
	case SMTP:
		return NewSMTP(info, emit, opts), nil
	case POP3:
		return NewPOP3(info, emit, opts), nil
	case IMAP:
		return NewIMAP(info, emit, opts), nil
	case VVM:
		return NewVVM(info, emit, opts), nil
	}
	return nil, fmt.Errorf("email: no state machine for %v", proto)
}
