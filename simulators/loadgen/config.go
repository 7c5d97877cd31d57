package loadgen

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Kind is a source kind the generator drives.
type Kind string

// The source kinds.
const (
	UM   Kind = "um"
	SIP  Kind = "sip"
	Mail Kind = "mail"
	IMAP Kind = "imap"
)

// Kinds returns every kind in report order (a fresh slice).
func Kinds() []Kind { return []Kind{UM, SIP, Mail, IMAP} }

// NonTargetDomain is the domain of every identity of a non-target session.
const NonTargetDomain = "nontarget.invalid"

// Mix is each kind's share of the sessions (relative weights).
type Mix map[Kind]float64

// ParseMix reads "um=80,sip=10,mail=10"; weights are relative and need not sum to 100.
func ParseMix(s string) (Mix, error) {
	m := Mix{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("loadgen: mix %q: want kind=share", part)
		}
		kind := Kind(strings.TrimSpace(k))
		if kind != UM && kind != SIP && kind != Mail && kind != IMAP {
			return nil, fmt.Errorf("loadgen: mix %q: unknown kind %q (want um, sip, mail or imap)", part, k)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || !(f >= 0) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("loadgen: mix %q: share must be a number >= 0", part)
		}
		m[kind] = f
	}
	if m.total() <= 0 {
		return nil, fmt.Errorf("loadgen: mix %q: no kind with a positive share", s)
	}
	if math.IsInf(m.total(), 0) {
		return nil, fmt.Errorf("loadgen: mix %q: shares too large", s)
	}
	return m, nil
}

func (m Mix) total() float64 {
	t := 0.0
	for _, v := range m {
		t += v
	}
	return t
}

// String renders the mix in ParseMix's syntax, kinds in order.
func (m Mix) String() string {
	ks := make([]string, 0, len(m))
	for k, v := range m {
		ks = append(ks, fmt.Sprintf("%s=%g", k, v))
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// Config describes one load run.
type Config struct {
	// Rate is sessions started per second, all kinds together.
	Rate float64
	// Duration is how long sessions are started; Run then waits for those in flight.
	Duration time.Duration
	// Mix splits the sessions between kinds; a kind with a share needs its address.
	Mix Mix
	// NonTarget is the share (0..1) of each kind's sessions that concern no target.
	NonTarget float64

	// UMJSON is umli's jsonLines listener (host:port). UMConns connections carry the
	// events (default 4). UMSource, if set, is sent as each event's "source" (the
	// network element in the PDUs).
	UMJSON   string
	UMConns  int
	UMSource string
	// UMAck asks umli to acknowledge every UM line and resends unacknowledged lines after
	// a reconnect (umack.go); UMJSON may then list several peer instances, comma-separated.
	UMAck bool
	// TargetBox is the box-identifier of target UM sessions (a warrant's boxID).
	TargetBox string

	// SIPREC is umli's SIPREC endpoint (host:port), over SIPTransport (udp or tcp).
	SIPREC, SIPTransport string
	// SIPMedia is how long each SIP leg sends G.711 (default 1 s).
	SIPMedia time.Duration
	// TargetCaller is the SIP AOR of the caller of target legs (a warrant's e164 or sipURI).
	TargetCaller string

	// MailSMTP is umli's SMTP proxy (host:port).
	MailSMTP string
	// TargetEmail is the sender of target mails (a warrant's email).
	TargetEmail string

	// MailIMAP is umli's IMAP proxy (host:port). IMAPUser (default TargetEmail) and
	// IMAPNonTargetUser (default nt@NonTargetDomain) log in with IMAPPassword.
	MailIMAP, IMAPUser, IMAPNonTargetUser, IMAPPassword string

	// MaxInFlight bounds concurrent sessions (default 512); a session that finds no
	// room counts as an error ("overload") rather than queueing behind the others.
	MaxInFlight int
	// RunID prefixes session identifiers (default: start time in ms).
	RunID string
	// Progress, if set, gets one line per second: offered, sent, errors, elapsed.
	Progress io.Writer
	Log      zerolog.Logger
}

// addr is the address the kind needs.
func (c *Config) addr(k Kind) string {
	switch k {
	case UM:
		return c.UMJSON
	case SIP:
		return c.SIPREC
	case IMAP:
		return c.MailIMAP
	case Mail:
		return c.MailSMTP
	}
	return ""
}

func (c *Config) check() error {
	if !(c.Rate > 0) || math.IsInf(c.Rate, 0) || c.Duration <= 0 {
		return errors.New("loadgen: rate and duration must be positive")
	}
	if !(c.NonTarget >= 0 && c.NonTarget <= 1) {
		return fmt.Errorf("loadgen: non-target share %g: want 0..1", c.NonTarget)
	}
	if len(c.Mix) == 0 || !(c.Mix.total() > 0) || math.IsInf(c.Mix.total(), 0) {
		return errors.New("loadgen: mix has no kind with a positive share")
	}
	flags := map[Kind]string{UM: "--um-json", SIP: "--siprec", Mail: "--mail-smtp", IMAP: "--mail-imap"}
	for k, v := range c.Mix {
		if v > 0 && c.addr(k) == "" {
			return fmt.Errorf("loadgen: mix gives %s a share but no address (%s)", k, flags[k])
		}
	}
	if c.UMConns <= 0 {
		c.UMConns = 4
	}
	if c.SIPTransport == "" {
		c.SIPTransport = "udp"
	}
	if c.SIPMedia <= 0 {
		c.SIPMedia = time.Second
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 512
	}
	if c.RunID == "" {
		c.RunID = strconv.FormatInt(time.Now().UnixMilli(), 36)
	}
	if c.TargetBox == "" {
		c.TargetBox = "2000@um.example"
	}
	if c.TargetCaller == "" {
		c.TargetCaller = "sip:+4917011111@carrier.example"
	}
	if c.TargetEmail == "" {
		c.TargetEmail = "alice@example.net"
	}
	if c.IMAPUser == "" {
		c.IMAPUser = c.TargetEmail
	}
	if c.IMAPNonTargetUser == "" {
		c.IMAPNonTargetUser = "nt@" + NonTargetDomain
	}
	if c.Mix[IMAP] > 0 && c.IMAPPassword == "" {
		return errNoIMAPUser
	}
	return nil
}
