package config

import (
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/email"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/umsys/adapter"
)

// FreeSWITCHDefaultPassword is mod_event_socket's shipped password; anyone who read the
// FreeSWITCH documentation knows it, so it is refused unless Demo is set.
const FreeSWITCHDefaultPassword = "ClueCon"

// UMSysFile configures the UM platform feeds: the translation (adapter.FileConfig,
// inline) and the transports that bring events in.
type UMSysFile struct {
	adapter.FileConfig `yaml:",inline"`
	// ESL lists FreeSWITCH event-socket connections umli opens.
	ESL []ESLFile `yaml:"esl"`
	// AMI lists Asterisk manager connections umli opens.
	AMI []AMIFile `yaml:"ami"`
	// JSONLines lists TCP listeners taking one JSON event per line.
	JSONLines []JSONLinesFile `yaml:"jsonLines"`
	// Webhooks lists HTTP listeners taking POSTed JSON events.
	Webhooks []WebhookFile `yaml:"webhooks"`
	// CUNI lists HTTP listeners taking Cisco Unity Connection Notifier XML messageEvents
	// (callback URLs of the operator's CUNI subscriptions); same fields as a webhook.
	CUNI []WebhookFile `yaml:"cuni"`
}

// ESLFile is one FreeSWITCH mod_event_socket connection.
type ESLFile struct {
	Source string `yaml:"source"`
	Addr   string `yaml:"addr"`
	// PasswordFile holds the event_socket password (never inline, never on the command line).
	PasswordFile string `yaml:"passwordFile"`
	// IdleTimeout drops a silent session (add HEARTBEAT to the events; about 1m).
	IdleTimeout time.Duration `yaml:"idleTimeout"`
}

// AMIFile is one Asterisk manager connection.
type AMIFile struct {
	Source     string `yaml:"source"`
	Addr       string `yaml:"addr"`
	Username   string `yaml:"username"`
	SecretFile string `yaml:"secretFile"`
	// TLS, when set, speaks TLS to the manager (manager.conf tlsenable): ca and
	// serverName verify its certificate (system roots when ca is empty).
	TLS *TLSFile `yaml:"tls"`
}

// JSONLinesFile is one JSON-lines TCP listener.
type JSONLinesFile struct {
	Source      string        `yaml:"source"`
	Listen      string        `yaml:"listen"`
	IdleTimeout time.Duration `yaml:"idleTimeout"`
	// TLS (cert, key) serves TLS; ca, when set, is the CA peers' client certificates
	// must chain to (mutual TLS): without one a peer is refused before a byte is parsed.
	TLS *TLSFile `yaml:"tls"`
	// MaxConns (default 256) and MaxConnsPerPeer (default 64) cap connections.
	ConnLimitsFile `yaml:",inline"`
	// MaxLineBytes bounds one line (default 1 MiB); longer lines are skipped.
	MaxLineBytes int `yaml:"maxLineBytes"`
	// MaxBufferedBytes bounds the bytes all connections of the listener hold in
	// partial lines beyond 4 KiB each (default 64 MiB); a connection that needs more
	// is closed.
	MaxBufferedBytes int64 `yaml:"maxBufferedBytes"`
}

// WebhookFile is one HTTP(S) webhook listener.
type WebhookFile struct {
	Source string `yaml:"source"`
	Listen string `yaml:"listen"`
	// Path is the URL path events are POSTed to (default /).
	Path string `yaml:"path"`
	// TokenFile holds the bearer token senders present.
	TokenFile string `yaml:"tokenFile"`
	// TLS, with cert and key, serves HTTPS; ca, when set, requires client certificates
	// chained to it (mutual TLS) besides the bearer token.
	TLS *TLSFile `yaml:"tls"`
	// HTTP bounds the listener's timeouts and header size.
	HTTP HTTPLimitsFile `yaml:"http"`
	// MaxConns (default 256) and MaxConnsPerPeer (default 64) cap connections.
	ConnLimitsFile `yaml:",inline"`
}

// EmailFile configures the e-mail taps.
type EmailFile struct {
	Proxies []EmailProxyFile `yaml:"proxies"`
	// Capture, when set, taps mail traffic passively on a network interface.
	Capture *EmailCaptureFile `yaml:"capture"`
}

// EmailProxyFile is one tapping proxy in front of a mail server.
type EmailProxyFile struct {
	Source   string `yaml:"source"`
	Protocol string `yaml:"protocol"` // smtp, pop3 or imap
	Listen   string `yaml:"listen"`
	Upstream string `yaml:"upstream"`
	// ImplicitTLS: the service speaks TLS from the first byte (465, 993, 995).
	ImplicitTLS bool `yaml:"implicitTLS"`
	// TLS (cert, key) terminates client TLS so encrypted sessions stay parsable; ca,
	// when set, verifies the upstream server instead of the system roots.
	TLS *TLSFile `yaml:"tls"`
	// Mode "vvm" (protocol imap only) reads the IMAP session as OMTP Visual Voicemail
	// and reports MessagingIRI/CC of the box the client logs in to; empty is e-mail.
	Mode string `yaml:"mode"`
	// Connection caps of the listener (defaults 256 and 64); each proxied session
	// holds two descriptors (client and upstream).
	ConnLimitsFile `yaml:",inline"`
	// LoginDomain, when set, adds login names without '@' at this domain as a session
	// identity (servers that log in by local part: "mrose" is also mrose@<domain>).
	LoginDomain string `yaml:"loginDomain"`
}

// EmailCaptureFile is passive capture on an interface.
type EmailCaptureFile struct {
	Interface string `yaml:"interface"`
	Source    string `yaml:"source"`
}

// RTPFile configures content capture from the UM platform's media.
type RTPFile struct {
	SIPREC *SIPRECFile `yaml:"siprec"`
	// Passive, when set, follows calls to the UM system in copied traffic (a SPAN port or
	// a pcap file) and delivers their RTP as MessagingCC, like the SIPREC endpoint.
	Passive *PassiveFile `yaml:"passive"`
}

// PassiveFile is passive SIP/RTP capture (rtpcapture/passive): exactly one of Interface
// (live, AF_PACKET on Linux, needs CAP_NET_RAW) and File (a pcap or pcapng file, read
// once at start, for replaying a capture).
type PassiveFile struct {
	Interface string `yaml:"interface"`
	File      string `yaml:"file"`
	// Source must equal the UM feed's source for the platform, so CC shares its CINs.
	Source string   `yaml:"source"`
	Pilots []string `yaml:"pilots"`
	// MediaTimeout ends a call whose media is silent this long, in capture time (default 30s).
	MediaTimeout time.Duration `yaml:"mediaTimeout"`
	// MaxCalls bounds the dialogs followed at once (default 4096).
	MaxCalls int `yaml:"maxCalls"`
	// Events: as rtp.siprec.events.
	Events string `yaml:"events"`
}

// SIPRECFile is the SIPREC recording endpoint (SRS).
type SIPRECFile struct {
	// Listen is the SIP address; Transport is udp, tcp or both (default both).
	Listen    string `yaml:"listen"`
	Transport string `yaml:"transport"`
	// Source must equal the UM feed's source for the platform, so CC shares its CINs.
	Source string `yaml:"source"`
	// MediaAddr is announced in SDP answers; PortMin..PortMax bound RTP ports.
	MediaAddr string   `yaml:"mediaAddr"`
	PortMin   int      `yaml:"portMin"`
	PortMax   int      `yaml:"portMax"`
	Pilots    []string `yaml:"pilots"`
	// Events says which connect/disconnect IRIs the endpoint reports itself: "connect"
	// (default: a connect at the INVITE; the UM feed reports the end, and its own connect
	// of the same call is not delivered again), "feed" (the UM feed reports both) or
	// "connect+disconnect" (no UM feed: the endpoint also reports the disconnect at BYE,
	// CANCEL or media timeout).
	Events string `yaml:"events"`
	// TLS (cert, key, ca) serves SIP over TLS only, with the SRC's client certificate
	// required and chained to ca (mutual TLS); transport is then ignored. The setting
	// recommended off loopback.
	TLS *TLSFile `yaml:"tls"`
	// MaxStreamsPerOffer bounds the audio streams of one offer (more: 488, default 4);
	// MaxStreams the RTP sockets over all calls (default: the port range's even ports,
	// or 1024 with ephemeral ports; the range is a hard ceiling). MaxPendingPerPeer
	// bounds one SRC address's INVITEs awaiting their ACK (more: 503, default 32).
	MaxStreamsPerOffer int `yaml:"maxStreamsPerOffer"`
	MaxStreams         int `yaml:"maxStreams"`
	MaxPendingPerPeer  int `yaml:"maxPendingPerPeer"`
	// Connection caps of the TCP/TLS listener (defaults 256 and 64).
	ConnLimitsFile `yaml:",inline"`
}

// X1File configures the X1 provisioning interface (ETSI TS 103 221-1).
type X1File struct {
	// Listen is the X1 address; empty follows the store without serving X1.
	Listen   string `yaml:"listen"`
	Cert     string `yaml:"cert"`
	Key      string `yaml:"key"`
	ClientCA string `yaml:"clientCA"`
	// KeyringFile (mode 0600) seals the target list in Redis (mediation/secret).
	KeyringFile    string `yaml:"keyringFile"`
	NEIdentifier   string `yaml:"neIdentifier"`
	ADMFIdentifier string `yaml:"admfIdentifier"`
	// Connection caps of the listener (defaults 64 and 16: an ADMF holds a few).
	ConnLimitsFile `yaml:",inline"`
}

// AuditFile configures the hash-chained audit log.
type AuditFile struct {
	File string `yaml:"file"`
	// DeliveryInterval is how often the per-delivery summaries (LIID, CIN, sequence range,
	// counts) are written; default DefaultDeliveryInterval.
	DeliveryInterval time.Duration `yaml:"deliveryInterval"`
}

// DefaultDeliveryInterval is audit.deliveryInterval when the file leaves it out.
const DefaultDeliveryInterval = mediation.DefaultDeliveryInterval

// checkSources checks the source, X1 and audit sections.
func (c *Config) checkSources(p *problems) {
	f := &c.File
	src := func(at []any, what, s string) {
		switch {
		case s == "":
			p.addf(append(at, "source"), "%s: source required (names the network element)", what)
		case len(s) > 16:
			p.addf(append(at, "source"), "%s: source %q: at most 16 octets (NetworkElementIdentifier)", what, s)
		}
	}
	addr := func(at []any, key, what, a string, listen bool) {
		if a == "" {
			p.addf(append(at, key), "%s: %s required", what, key)
		} else if err := checkAddr(a, listen); err != nil {
			p.addf(append(at, key), "%s: %s: %v", what, key, err)
		}
	}
	file := func(at []any, key, what, name string, required bool) {
		if name == "" {
			if required {
				p.addf(append(at, key), "%s: %s required", what, key)
			}
			return
		}
		if _, err := os.Stat(name); err != nil {
			p.addf(append(at, key), "%s.%s: %v", what, key, err)
		}
	}
	if u := f.UMSys; u != nil {
		for i, e := range u.ESL {
			at, what := path("umsys", "esl", i), "umsys.esl["+strconv.Itoa(i)+"]"
			src(at, what, e.Source)
			addr(at, "addr", what, e.Addr, false)
			file(at, "passwordFile", what, e.PasswordFile, true)
			if e.PasswordFile != "" && !f.Demo {
				if b, err := os.ReadFile(e.PasswordFile); err == nil && strings.TrimSpace(string(b)) == FreeSWITCHDefaultPassword {
					p.addf(append(at, "passwordFile"), "%s: passwordFile holds FreeSWITCH's default password; set a real event_socket password (allowed only with demo: true)", what)
				}
			}
		}
		for i, a := range u.AMI {
			at, what := path("umsys", "ami", i), "umsys.ami["+strconv.Itoa(i)+"]"
			src(at, what, a.Source)
			addr(at, "addr", what, a.Addr, false)
			if a.Username == "" {
				p.addf(append(at, "username"), "%s: username required", what)
			}
			file(at, "secretFile", what, a.SecretFile, true)
			if a.TLS != nil {
				checkTLS(p, append(at, "tls"), a.TLS, false)
			}
		}
		for i, l := range u.JSONLines {
			at, what := path("umsys", "jsonLines", i), "umsys.jsonLines["+strconv.Itoa(i)+"]"
			src(at, what, l.Source)
			addr(at, "listen", what, l.Listen, true)
			checkConnLimits(p, at, what, l.ConnLimitsFile)
			if l.MaxLineBytes < 0 || l.MaxBufferedBytes < 0 {
				p.addf(append(at, "maxLineBytes"), "%s: maxLineBytes and maxBufferedBytes must not be negative", what)
			}
			if l.TLS != nil {
				if l.TLS.Cert == "" || l.TLS.Key == "" {
					p.addf(append(at, "tls"), "%s: tls: cert and key required", what)
				}
				checkTLS(p, append(at, "tls"), l.TLS, false)
			}
		}
		checkWebhooks(p, "webhooks", u.Webhooks, src, addr, file)
		checkWebhooks(p, "cuni", u.CUNI, src, addr, file)
		checkAsterisk(p, u)
		if u.MaxSessions < 0 || u.IdleTimeout < 0 || u.ExpireEvery < 0 {
			p.addf(path("umsys"), "umsys: maxSessions, idleTimeout and expireEvery must not be negative")
		}
	}
	if e := f.Email; e != nil {
		for i, x := range e.Proxies {
			at, what := path("email", "proxies", i), "email.proxies["+strconv.Itoa(i)+"]"
			src(at, what, x.Source)
			addr(at, "listen", what, x.Listen, true)
			addr(at, "upstream", what, x.Upstream, false)
			if mp, err := email.ParseProtocol(x.Protocol); err != nil || !mp.Mail() {
				p.addf(append(at, "protocol"), "%s: protocol %q: want %s", what, x.Protocol, email.MailProtocolChoice())
			}
			checkEmailMode(p, at, what, x)
			checkConnLimits(p, at, what, x.ConnLimitsFile)
			if d := x.LoginDomain; d != "" && (strings.ContainsAny(d, "@ \t\r\n") || len(d) > 253) {
				p.addf(append(at, "loginDomain"), "%s: loginDomain %q: want a domain name without '@' or spaces", what, d)
			}
			warnBlindProxy(p, at, what, x)
			if x.TLS != nil {
				if (x.TLS.Cert == "") != (x.TLS.Key == "") {
					p.addf(append(at, "tls"), "%s: tls: cert and key go together", what)
				}
				checkTLS(p, append(at, "tls"), x.TLS, false)
			}
		}
		if cp := e.Capture; cp != nil {
			at := path("email", "capture")
			src(at, "email.capture", cp.Source)
			if cp.Interface == "" {
				p.addf(append(at, "interface"), "email.capture: interface required")
			}
		}
	}
	if r := f.RTP; r != nil && r.SIPREC != nil {
		s, at, what := r.SIPREC, path("rtp", "siprec"), "rtp.siprec"
		src(at, what, s.Source)
		addr(at, "listen", what, s.Listen, true)
		switch s.Transport {
		case "", "both", "udp", "tcp":
		default:
			p.addf(append(at, "transport"), "%s: transport %q: want udp, tcp or both", what, s.Transport)
		}
		if a, err := netip.ParseAddr(s.MediaAddr); err != nil || a.IsUnspecified() {
			p.addf(append(at, "mediaAddr"), "%s: mediaAddr %q: want the IP address answers announce", what, s.MediaAddr)
		}
		if s.PortMin < 0 || s.PortMax > 65535 || s.PortMin > s.PortMax {
			p.addf(append(at, "portMin"), "%s: want 0 <= portMin <= portMax <= 65535", what)
		}
		switch s.Events {
		case "", "connect", "feed", "connect+disconnect":
		default:
			p.addf(append(at, "events"), "%s: events %q: want connect, feed or connect+disconnect", what, s.Events)
		}
		if s.MaxStreamsPerOffer < 0 || s.MaxStreams < 0 || s.MaxPendingPerPeer < 0 {
			p.addf(append(at, "maxStreams"), "%s: maxStreamsPerOffer, maxStreams and maxPendingPerPeer must not be negative", what)
		}
		if s.MaxStreamsPerOffer > 0 && s.MaxStreams > 0 && s.MaxStreamsPerOffer > s.MaxStreams {
			p.addf(append(at, "maxStreamsPerOffer"), "%s: maxStreamsPerOffer %d exceeds maxStreams %d: no offer could be taken", what, s.MaxStreamsPerOffer, s.MaxStreams)
		}
		checkConnLimits(p, at, what, s.ConnLimitsFile)
		if s.TLS != nil {
			if s.TLS.Cert == "" || s.TLS.Key == "" || s.TLS.CA == "" {
				p.addf(append(at, "tls"), "%s: tls: cert, key and ca (the CA of the SRC's client certificates) required", what)
			}
			checkTLS(p, append(at, "tls"), s.TLS, false)
		}
	}
	if r := f.RTP; r != nil && r.Passive != nil {
		c, at, what := r.Passive, path("rtp", "passive"), "rtp.passive"
		src(at, what, c.Source)
		switch {
		case c.Interface == "" && c.File == "":
			p.addf(at, "%s: interface (live capture) or file (pcap) required", what)
		case c.Interface != "" && c.File != "":
			p.addf(append(at, "file"), "%s: interface and file exclude each other", what)
		case c.File != "":
			file(at, "file", what, c.File, true)
		}
		if c.MediaTimeout < 0 {
			p.addf(append(at, "mediaTimeout"), "%s: mediaTimeout must not be negative", what)
		}
		if c.MaxCalls < 0 {
			p.addf(append(at, "maxCalls"), "%s: maxCalls must not be negative", what)
		}
		switch c.Events {
		case "", "connect", "feed", "connect+disconnect":
		default:
			p.addf(append(at, "events"), "%s: events %q: want connect, feed or connect+disconnect", what, c.Events)
		}
	}
	if x := f.X1; x != nil {
		at := path("x1")
		if x.Listen != "" {
			if err := checkAddr(x.Listen, true); err != nil {
				p.addf(append(at, "listen"), "x1.listen: %v", err)
			}
			// X1 carries target identities: never in clear, never without client certificates.
			file(at, "cert", "x1", x.Cert, true)
			file(at, "key", "x1", x.Key, true)
			file(at, "clientCA", "x1", x.ClientCA, true)
			checkConnLimits(p, at, "x1", x.ConnLimitsFile)
		}
		file(at, "keyringFile", "x1", x.KeyringFile, true)
		if f.Audit.File == "" {
			p.addf(at, "x1: audit.file required (provisioning is audited)")
		}
	}
	// The at-rest keyring (cmd/umli keyring.go): checked here when named; its absence
	// outside demo mode is refused at start (it may come from $UMLI_KEYRING).
	file([]any{"redis"}, "keyringFile", "redis", f.Redis.KeyringFile, false)
	if w := f.Handover.DataKeyWindow; w < 0 || (w > 0 && w < time.Second) {
		p.addf([]any{"handover", "dataKeyWindow"}, "handover.dataKeyWindow: %v: want at least 1s (or unset for 10m)", w)
	}
	c.checkIngestExposure(p)
	switch d := f.Audit.DeliveryInterval; {
	case d == 0:
		f.Audit.DeliveryInterval = DefaultDeliveryInterval
	case d < 100*time.Millisecond:
		p.addf(path("audit", "deliveryInterval"), "audit.deliveryInterval: at least 100ms")
	}
}

// warnBlindProxy warns of a proxy that relays TLS without a certificate to terminate
// it: every implicit-TLS session, and every session where the server offers and the
// client takes STARTTLS/STLS, passes unread (counted as umli_email_blind_sessions_total
// and audited as BlindSession, but without IRI or CC).
func warnBlindProxy(p *problems, at []any, what string, x EmailProxyFile) {
	if x.TLS != nil && x.TLS.Cert != "" {
		return
	}
	if x.ImplicitTLS {
		p.warnf(append(at, "implicitTLS"), "%s: implicitTLS without tls.cert: every session passes encrypted and unread (no IRI, no CC); add tls: {cert, key} to terminate it", what)
		return
	}
	p.warnf(at, "%s: no tls.cert: sessions that switch to TLS (STARTTLS, STLS) pass unread (no IRI, no CC); add tls: {cert, key} to terminate them, or make sure %s does not offer STARTTLS", what, x.Upstream)
}
