package config

import (
	"time"

	"github.com/umli/umli/internal/tlsconf"
)

// File is the YAML document as written. Load turns it into a Config.
type File struct {
	// Instance is this umli's stable identity; it names the instance's journal in Redis,
	// so two running instances must never share it.
	Instance string `yaml:"instance"`
	// Operator is the OperatorIdentifier written into every PDU (1..16 octets).
	Operator string `yaml:"operator"`
	// NetworkElement is used for records whose source names none (1..16 octets).
	NetworkElement string `yaml:"networkElement"`
	// CountryCode is the authorizationCountryCode (ISO 3166-1 alpha-2), optional.
	CountryCode string `yaml:"countryCode"`
	// DeliveryCountryCode is the CommunicationIdentifier deliveryCountryCode, optional.
	DeliveryCountryCode string `yaml:"deliveryCountryCode"`

	Log          LogFile           `yaml:"log"`
	Metrics      MetricsFile       `yaml:"metrics"`
	Redis        RedisFile         `yaml:"redis"`
	Sessions     SessionsFile      `yaml:"sessions"`
	Queue        QueueFile         `yaml:"queue"`
	Handover     HandoverFile      `yaml:"handover"`
	Destinations []DestinationFile `yaml:"destinations"`
	Warrants     []WarrantFile     `yaml:"warrants"`

	// Demo marks a demonstration or lab setup; it permits FreeSWITCH's well-known
	// default ESL password, which is refused otherwise.
	Demo bool `yaml:"demo"`
	// The sources and the provisioning interface (sources.go).
	UMSys *UMSysFile `yaml:"umsys"`
	Email *EmailFile `yaml:"email"`
	RTP   *RTPFile   `yaml:"rtp"`
	X1    *X1File    `yaml:"x1"`
	Audit AuditFile  `yaml:"audit"`
	// Limits are process-wide resource limits (limits.go).
	Limits LimitsFile `yaml:"limits"`
}

// LogFile configures logging.
type LogFile struct {
	// Level is a zerolog level name: debug, info, warn, error.
	Level string `yaml:"level"`
}

// MetricsFile configures the Prometheus endpoint.
type MetricsFile struct {
	// Listen is host:port for /metrics; empty disables it.
	Listen string `yaml:"listen"`
	// HTTP bounds the listener's timeouts and header size.
	HTTP HTTPLimitsFile `yaml:"http"`
	// Connection caps of the listener (defaults 256 and 64).
	ConnLimitsFile `yaml:",inline"`
}

// RedisFile configures the Redis connection (single node, Sentinel or Cluster).
type RedisFile struct {
	Addrs        []string `yaml:"addrs"`
	MasterName   string   `yaml:"masterName"` // Sentinel
	Username     string   `yaml:"username"`
	PasswordFile string   `yaml:"passwordFile"` // never inline: configs end up in tickets
	DB           int      `yaml:"db"`
	TLS          *TLSFile `yaml:"tls"`
	// KeyringFile (mode 0600) seals everything umli leaves in Redis; without it
	// x1.keyringFile, then $UMLI_KEYRING. Required outside demo mode.
	KeyringFile string `yaml:"keyringFile"`
}

// SessionsFile configures CIN sessions.
type SessionsFile struct {
	// IdleTimeout closes a sequence that saw no record for this long.
	IdleTimeout time.Duration `yaml:"idleTimeout"`
	// SweepInterval is how often idle sequences are looked for.
	SweepInterval time.Duration `yaml:"sweepInterval"`
}

// QueueFile configures the in-memory queue that absorbs Redis outages.
type QueueFile struct {
	Size    int `yaml:"size"`
	Workers int `yaml:"workers"`
}

// HandoverFile configures the durable delivery buffer shared by all destinations.
type HandoverFile struct {
	ResendWindow     int           `yaml:"resendWindow"`
	MaxAge           time.Duration `yaml:"maxAge"`
	MaxBytes         int64         `yaml:"maxBytes"`
	KeepAlive        time.Duration `yaml:"keepAlive"`
	KeepAliveTimeout time.Duration `yaml:"keepAliveTimeout"`
	// DataKeyWindow is how long one data key seals a stream's new entries (default 10m);
	// a key is destroyed once its entries are delivered and trimmed or aged out.
	DataKeyWindow time.Duration `yaml:"dataKeyWindow"`
}

// TLSFile names certificate files.
type TLSFile struct {
	Cert       string `yaml:"cert"`
	Key        string `yaml:"key"`
	CA         string `yaml:"ca"`
	ServerName string `yaml:"serverName"`
}

// Files is the section for the TLS builder (internal/tlsconf), which every
// listener and dialer configured here is built with.
func (t *TLSFile) Files() tlsconf.Files {
	return tlsconf.Files{Cert: t.Cert, Key: t.Key, CA: t.CA, ServerName: t.ServerName}
}

// DestinationFile is one LEA's handover endpoints.
type DestinationFile struct {
	Name string `yaml:"name"`
	// Interface is hi2hi3 (the default: HI2/HI3 to a LEMF) or x2x3 (TS 103 221-2 X2/X3
	// to an operator's mediation function; hi2 is then the X2 address, hi3 the X3 one).
	Interface string   `yaml:"interface"`
	HI2       string   `yaml:"hi2"`
	HI3       string   `yaml:"hi3"`
	TLS       *TLSFile `yaml:"tls"`
	// Version is a preset ("ver20", "ver9") or {header: N, email: M}.
	Version VersionFile `yaml:"version"`
	// Timestamps is generalizedTime, microSecond or both.
	Timestamps string `yaml:"timestamps"`
	// TimeStampQualifier is timeOfInterception (the default), timeOfMediation,
	// timeOfAggregation, unknown, or none for absent.
	TimeStampQualifier string `yaml:"timeStampQualifier"`

	// The handover profile (profile.go): a preset and per-destination overrides.
	Profile string `yaml:"profile"`
	// TimestampPrecision is milli (default) or micro: fixed fraction digits.
	TimestampPrecision  string         `yaml:"timestampPrecision"`
	Operator            string         `yaml:"operator"`
	CountryCode         string         `yaml:"countryCode"`
	DeliveryCountryCode string         `yaml:"deliveryCountryCode"`
	KeepAlive           *KeepAliveFile `yaml:"keepAlive"`
	// Resend is none, N (PDUs), "N pdus", "N bytes", "N KiB" or "N MiB".
	Resend string `yaml:"resend"`
}

// KeepAliveFile overrides a destination's keep-alive policy and header contents; absent
// keys keep the profile's values.
type KeepAliveFile struct {
	// Interval between keep-alives; "off" (or a negative duration) disables them.
	Interval *string `yaml:"interval"`
	// ResponseWait is how long an answer is waited for; 0 means the LEMF never answers.
	ResponseWait *time.Duration `yaml:"responseWait"`
	// IdleOnly sends keep-alives only when nothing was sent for the interval.
	IdleOnly *bool `yaml:"idleOnly"`
	// Header contents of the keep-alive PDU.
	LIID           *string `yaml:"liid"`
	NetworkElement *string `yaml:"networkElement"`
	// CIN is the communicationIdentityNumber; "none" leaves it out.
	CIN *string `yaml:"cin"`
	// CountryCodes writes the destination's authorization and delivery country codes.
	CountryCodes *bool `yaml:"countryCodes"`
}

// WarrantFile is one warrant as written.
type WarrantFile struct {
	LIID string `yaml:"liid"`
	// XID is the task's XID in X2/X3 PDUs (a UUID; default a name-based one from the LIID).
	XID         string       `yaml:"xid"`
	Destination string       `yaml:"destination"`
	Scope       string       `yaml:"scope"`
	Start       time.Time    `yaml:"start"`
	End         time.Time    `yaml:"end"`
	Targets     []TargetFile `yaml:"targets"`
}

// TargetFile is one target identity; exactly one field is set.
type TargetFile struct {
	E164   string `yaml:"e164"`
	Email  string `yaml:"email"`
	BoxID  string `yaml:"boxID"`
	SIPURI string `yaml:"sipURI"`
	IP     string `yaml:"ip"`
}
