package mediation

import (
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/warrant"
)

// Config is what mediation needs of umli's configuration: who it is, where each
// destination's PDUs go and how they are written, the warrants, and its queue and
// session timing. The product configuration (internal/config) builds it.
type Config struct {
	// Instance names this instance's journal and sessions in Redis.
	Instance string
	// NetworkElement is used for records whose source names none.
	NetworkElement string
	// Destinations by name; every warrant's destination must be here.
	Destinations map[string]*Destination
	// Warrants are the configured warrants; Table is their lookup table (required).
	Warrants []*warrant.Warrant
	Table    *warrant.Table
	// IdleTimeout closes a sequence that saw no record for this long; SweepInterval is
	// how often idle sequences are looked for.
	IdleTimeout, SweepInterval time.Duration
	// QueueSize bounds the in-memory queue, shared by Workers shards.
	QueueSize, Workers int
}

// TimestampStyle selects which PS-PDU time stamps a destination gets.
type TimestampStyle int

// Timestamp styles.
const (
	TimestampGeneralized TimestampStyle = iota + 1 // timeStamp (GeneralizedTime)
	TimestampMicroSecond                           // microSecondTimeStamp
	TimestampBoth                                  // both
)

// Interface is how a destination is delivered to.
type Interface string

// Interfaces.
const (
	// InterfaceHI2HI3: TS 102 232-1 PS-PDUs on HI2/HI3 to a LEMF.
	InterfaceHI2HI3 Interface = "hi2hi3"
	// InterfaceX2X3: each PS-PDU inside a TS 103 221-2 X2 (IRI) or X3 (CC) PDU to an
	// operator's mediation and delivery function.
	InterfaceX2X3 Interface = "x2x3"
)

// Destination is one LEA endpoint set as mediation writes for it.
type Destination struct {
	Name string
	// Interface is hi2hi3 or x2x3; with x2x3, HI2 is the X2 address and HI3 the X3 one.
	Interface  Interface
	HI2, HI3   string
	Version    etsi.Version
	Timestamps TimestampStyle
	// Qualifier is the timeStampQualifier; nil means absent.
	Qualifier *etsi.TimeStampQualifier

	// Profile names the preset the settings below start from (internal/config).
	Profile string
	// Operator and the country codes written into every PDU of this destination.
	Operator, CountryCode, DeliveryCountryCode string
	// Precision is the fixed fraction style of every time stamp.
	Precision etsi.TimeFraction
	KeepAlive KeepAlivePolicy
	Resend    Resend
}

// KeepAlivePolicy is a destination's keep-alive behaviour and keep-alive PDU header.
type KeepAlivePolicy struct {
	// Interval between keep-alives; 0 disables them.
	Interval time.Duration
	// ResponseWait is how long an answer is waited for; 0: the LEMF never answers (send,
	// never wait, never hold delivery back).
	ResponseWait time.Duration
	// IdleOnly sends keep-alives only after Interval without any write.
	IdleOnly bool
	// LIID of keep-alive PDUs (they belong to no warrant).
	LIID string
	// NetworkElement of keep-alive PDUs; "" means the configuration's networkElement.
	NetworkElement string
	// CIN of keep-alive PDUs; nil leaves communicationIdentityNumber out.
	CIN *uint32
	// CountryCodes writes the destination's authorization/delivery country codes.
	CountryCodes bool
}

// Resend is what is replayed from the durable queue after a reconnect besides the PDUs
// not yet confirmed: the last PDUs confirmed (or written), by count or bytes; both zero
// is none.
type Resend struct {
	PDUs  int
	Bytes int64
}

// DefaultDeliveryInterval is how often delivery summaries are written when the
// configuration names no interval.
const DefaultDeliveryInterval = 10 * time.Second
