package email

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email/frame"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// session is the protocol-neutral part of a state machine: endpoints, octet counts,
// sequence state (open/closed), identities and the buffered exchange content.
type session struct {
	info  SessionInfo
	opts  Options
	emit  Emit
	log   zerolog.Logger
	kind  Protocol
	proto etsi.EmailProtocol

	open    bool // a logon opened the sequence
	greeted bool // the server greeting was seen
	// started: the session's first command was seen (startCommand); CC is delivered
	// from here on (B.5: USER, PASS, APOP included; C.3: LOGIN, AUTHENTICATE included).
	started bool
	ended   bool
	tls     TLSState
	opaque  bool // TLS not terminated by the tap: bytes are only counted
	// unparsable: pairing given up (PipelineLimit); bytes go out as raw CC.
	unparsable bool
	name       string // protocol name for logs

	login string // login name once credentials were sent
	// extra are mailbox addresses of the operation in progress (an SMTP transaction's
	// sender and recipients); exchange CC carries them so it matches like its IRI.
	extra []string

	// framingErrs are the first framing errors (maxFramingErrors), framingCount all.
	framingErrs  []*frame.Error
	framingCount int

	octets [2]int64 // client, server totals
	events int

	// logonAAA is the AAAInformation of the session's logon (Table 3: download IRI).
	logonAAA *etsi.AAAInformation

	// cc holds the raw bytes of the current exchange per direction (client, server).
	cc [2]ccBuffer
	// kept and flushed count bytes per direction that joined cc and that left it; a
	// command's exchange ends at a client position (cmdEnd points at the latest
	// command's), so pipelined commands are delivered with their own responses.
	kept, flushed [2]int64
	cmdEnd        *int64
	// partialLine: the last client step consumed bytes of a line not yet complete.
	partialLine bool
	// ccKey is the event key partial exchange flushes use.
	ccKey string
	now   time.Time
}

func newSession(info SessionInfo, emit Emit, opts Options, kind Protocol) session {
	opts = opts.withDefaults()
	name := kind.String()
	if info.Key == "" {
		info.Key = fmt.Sprintf("%s:%s-%s@%d", name, info.Client, info.Server, info.Start.UnixNano())
	}
	return session{
		info:  info,
		opts:  opts,
		emit:  emit,
		kind:  kind,
		proto: kind.EmailProtocol(),
		name:  name,
		log:   opts.Logger.With().Str("proto", name).Str("session", info.Key).Logger(),
	}
}

func dirIndex(d Direction) int {
	if d == FromServer {
		return 1
	}
	return 0
}

// stepFunc consumes the start of p for one direction: it returns how many bytes it
// took and, when they completed something, what to do once they are counted and kept.
type stepFunc func(p []byte) (int, func())

// feed drives one chunk through a machine's steps. Consumed bytes are counted and
// join the exchange before the step acts on them, so the CC of a completed response
// includes its last line and per-operation octet counts include it.
func (s *session) feed(dir Direction, p []byte, now time.Time, client, server stepFunc) {
	s.now = now
	step := client
	if dir == FromServer {
		step = server
	}
	for len(p) > 0 {
		if s.opaque || s.ended {
			// TLS (or a finished session): counted, not parsed.
			s.count(dir, len(p), now)
			return
		}
		if s.unparsable {
			// Pairing given up: the bytes still reach the LEA, as CC.
			s.count(dir, len(p), now)
			s.keep(dir, p, true)
			s.flushRaw()
			return
		}
		n, act := step(p)
		s.count(dir, n, now)
		// The bytes of a client line not yet complete belong to the command it will
		// be, not to the one before (pipelining): they join the exchange without
		// moving the latest command's end.
		s.keep(dir, p[:n], dir == FromServer || !s.partialLine)
		p = p[n:]
		if act != nil {
			act()
		}
	}
}

// clientFrame notes what a client step framed (see partialLine).
func (s *session) clientFrame(f frame.Frame) { s.partialLine = f.Kind == frame.Partial }

// count adds received bytes to the session totals.
func (s *session) count(dir Direction, n int, now time.Time) {
	s.octets[dirIndex(dir)] += int64(n)
	s.now = now
}

// keep buffers consumed bytes as exchange content; a full buffer is flushed early so a
// long exchange (100 MB DATA) never sits in memory. extend says client bytes end the
// latest command's exchange.
func (s *session) keep(dir Direction, p []byte, extend bool) {
	i := dirIndex(dir)
	if i == 0 && s.cmdEnd != nil && extend {
		*s.cmdEnd = s.kept[0] + int64(len(p))
	}
	for len(p) > 0 {
		room := s.opts.CCChunk - s.cc[i].len()
		if room <= 0 {
			s.flushDir(i, s.ccKey, nil, s.kept[0])
			continue
		}
		take := min(room, len(p))
		s.cc[i].add(p[:take], s.opts.CCChunk)
		s.kept[i] += int64(take)
		p = p[take:]
	}
}

// newKey allocates the event key of one exchange or event.
func (s *session) newKey() string {
	s.events++
	return fmt.Sprintf("%s#%d", s.info.Key, s.events)
}

// snapshot returns the octet totals, to compute per-operation counts.
func (s *session) snapshot() [2]int64 { return s.octets }

// iri starts an EmailIRI with the session's fixed attributes.
func (s *session) iri(ev etsi.EmailEvent, st etsi.EmailStatus, since [2]int64) *etsi.EmailIRI {
	iri := &etsi.EmailIRI{
		EventType:        ev,
		ProtocolID:       s.proto,
		Status:           st,
		ClientOctetsSent: s.octets[0] - since[0],
		ServerOctetsSent: s.octets[1] - since[1],
	}
	if a, ok := ipAddress(s.info.Client.Addr()); ok {
		iri.ClientAddress = a
		p := int64(s.info.Client.Port())
		iri.ClientPort = &p
	}
	if a, ok := ipAddress(s.info.Server.Addr()); ok {
		iri.ServerAddress = a
		p := int64(s.info.Server.Port())
		iri.ServerPort = &p
	}
	return iri
}

func ipAddress(a netip.Addr) (*etsi.IPAddress, bool) {
	if !a.IsValid() {
		return nil, false
	}
	a = a.Unmap()
	if a.Is4() {
		b := a.As4()
		return &etsi.IPAddress{Type: etsi.IPv4, Binary: b[:]}, true
	}
	b := a.As16()
	return &etsi.IPAddress{Type: etsi.IPv6, Binary: b[:]}, true
}

// loginAddress is the mailbox address the login names (for POP3/IMAP recipients).
func (s *session) loginAddress() string {
	if s.login == "" || strings.Contains(s.login, "@") || s.opts.LoginDomain == "" {
		return s.login
	}
	return s.login + "@" + s.opts.LoginDomain
}

// identities lists the session identities plus the given mailbox addresses, without
// duplicates (addresses compare case-insensitively).
func (s *session) identities(addrs ...string) []record.Identity {
	ids := make([]record.Identity, 0, 3+len(addrs))
	seen := make(map[string]bool, 3+len(addrs))
	add := func(k record.IdentityKind, v string) {
		key := strings.ToLower(v)
		if v == "" || seen[key] {
			return
		}
		seen[key] = true
		ids = append(ids, record.Identity{Kind: k, Value: v})
	}
	if a := s.info.Client.Addr(); a.IsValid() {
		add(record.IdentityIP, a.Unmap().String())
	}
	// A login name is matched as an e-mail identity even without '@': warrants name
	// mailboxes, and many servers log users in by local part only.
	add(record.IdentityEmail, s.login)
	add(record.IdentityEmail, s.loginAddress())
	for _, a := range s.extra {
		add(record.IdentityEmail, a)
	}
	for _, a := range addrs {
		add(record.IdentityEmail, a)
	}
	return ids
}

// emitIRI hands over one IRI record.
func (s *session) emitIRI(b record.Boundary, key string, iri *etsi.EmailIRI, ids []record.Identity) {
	s.emit(&record.Record{
		Identities:     ids,
		Source:         s.info.Source,
		CorrelationKey: s.info.Key,
		Boundary:       b,
		EventKey:       key,
		Time:           s.now,
		EmailIRI:       iri,
	})
}

// emitCC hands over one EmailCC record in application format. The record owns
// content from here on: callers pass a buffer they no longer touch.
func (s *session) emitCC(key string, dir etsi.PayloadDirection, content []byte, ids []record.Identity) {
	if len(content) == 0 || s.opts.OmitApplicationCC {
		return
	}
	s.emit(&record.Record{
		Identities:     ids,
		Source:         s.info.Source,
		CorrelationKey: s.info.Key,
		Boundary:       record.Continue,
		EventKey:       key,
		Time:           s.now,
		EmailCC: &etsi.EmailCC{
			Format:  etsi.EmailFormatApplication,
			Content: content,
		},
		Direction: dir,
	})
}

// startCommand notes that a client command starts with the bytes being consumed: client
// bytes from here to the next command (its line, literals, SASL responses, a DATA
// body) belong to its exchange, whose end *end tracks. begins says the command starts
// the session whose CC is delivered (POP3: any AUTHORIZATION command, B.5; IMAP:
// LOGIN or AUTHENTICATE, C.3; SMTP: HELO, EHLO or LHLO, the logon of Table A.2).
func (s *session) startCommand(end *int64, begins bool) {
	if s.greeted && begins {
		s.started = true
	}
	s.cmdEnd = end
}

// clientPos is the position after every client byte consumed so far.
func (s *session) clientPos() int64 { return s.kept[0] }

// flushDir emits the buffered bytes of one direction, the client's only up to upTo
// (pipelined commands after it are still waiting for their responses). Before the
// first command after the greeting nothing is delivered.
func (s *session) flushDir(i int, key string, ids []record.Identity, upTo int64) {
	n := int64(s.cc[i].len())
	if i == 0 {
		n = min(n, max(upTo-s.flushed[0], 0))
	}
	if n == 0 {
		return
	}
	out := s.cc[i].takeN(int(n), s.opts.CCChunk)
	s.flushed[i] += n
	if !s.started {
		return
	}
	if ids == nil {
		ids = s.identities()
	}
	if key == "" {
		key = s.newKey()
		s.ccKey = key
	}
	s.emitCC(key, s.payloadDirection(i), out, ids)
}

// payloadDirection is the CCPayload direction of the bytes of peer i (0 client, 1
// server) relative to the target. The target is the client (the sender at a submission
// tap, the mailbox user of POP3/IMAP) except for SMTP in receive mode (a tap in front of
// an MX, Options.SMTPReceive): there the target is the recipient, so what the sending
// server transfers (the SMTP client side) is toTarget and the MX's replies fromTarget.
func (s *session) payloadDirection(i int) etsi.PayloadDirection {
	client := i == 0
	if s.proto == etsi.ProtocolSMTP && s.opts.SMTPReceive {
		client = !client
	}
	if client {
		return etsi.DirectionFromTarget
	}
	return etsi.DirectionToTarget
}

// flushExchange delivers a finished command/response as CC (Annexes B.5, C.3: after
// every finished command/response), client bytes up to upTo first, then the server's.
func (s *session) flushExchange(key string, upTo int64, ids []record.Identity) {
	s.flushDir(0, key, ids, upTo)
	s.flushDir(1, key, ids, upTo)
	s.ccKey = ""
}

// discardExchange drops the buffered bytes (the greeting, which no session includes).
func (s *session) discardExchange() {
	for i := range s.cc {
		s.flushed[i] += int64(s.cc[i].len())
		s.cc[i].reset()
	}
}

// logon reports a logon and opens the sequence; a second logon in the same session
// (SMTP AUTH after EHLO, an IMAP LOGIN after a refused one) continues it. st is
// succeeded except for a refused IMAP LOGIN/AUTHENTICATE (Tables C.1, C.2). The
// exchange's CC goes first, as for every event: when it opened the session's CIN the
// IRI joins it.
func (s *session) logon(key string, upTo int64, since [2]int64, st etsi.EmailStatus, aaa *etsi.AAAInformation, ids []record.Identity) {
	iri := s.iri(etsi.EmailLogon, st, since)
	iri.AAAInformation = aaa
	s.logonAAA = aaa
	s.started = true
	s.flushExchange(key, upTo, ids)
	s.open = true
	s.emitIRI(record.Open, key, iri, ids)
}

// logonFailed reports a refused or unanswered logon as iRI-Report (Tables A.2, B.2):
// in the session's CIN when one is open (a logon, or CC of earlier exchanges, opened
// it), else in a CIN of its own.
func (s *session) logonFailed(ev etsi.EmailEvent, key string, upTo int64, since [2]int64, aaa *etsi.AAAInformation, ids []record.Identity) {
	st := etsi.EmailStatusFailed
	if ev == etsi.EmailLogonAttempt {
		st = etsi.EmailStatusUnknown
	}
	iri := s.iri(ev, st, since)
	iri.AAAInformation = aaa
	s.flushExchange(key, upTo, ids)
	s.emitIRI(record.Report, key, iri, ids)
}

// event reports a send, download or upload as iRI-Report in the session's CIN (Table
// C.1; Tables A.2 and B.2 allow Continue or Report), after the exchange's CC.
func (s *session) event(key string, upTo int64, iri *etsi.EmailIRI, ids []record.Identity) {
	s.flushExchange(key, upTo, ids)
	s.emitIRI(record.Report, key, iri, ids)
}

// logoff closes the sequence. The exchange CC goes first: after the Close record a CC
// would open a new sequence. Without a logon there is no sequence to end: only the CC.
func (s *session) logoff(key string, upTo int64, st etsi.EmailStatus) {
	ids := s.identities()
	s.flushExchange(key, upTo, ids)
	if !s.open {
		return
	}
	iri := s.iri(etsi.EmailLogoff, st, [2]int64{})
	s.open = false
	s.emitIRI(record.Close, key, iri, ids)
}

// ender is a framer: End reports what the end of its stream cut short.
type ender interface{ End() *frame.Error }

// TLS implements Machine.
func (s *session) TLS() TLSState { return s.tls }

// finish ends the session: what the end cut short in the framers' streams is a
// framing error (unless TLS hid the bytes from them), and an open sequence is closed
// with status unknown (the TCP session ended without a logoff exchange).
func (s *session) finish(now time.Time, framers ...ender) {
	if s.ended {
		return
	}
	s.now = now
	if !s.opaque {
		for _, f := range framers {
			s.malformed(f.End())
		}
	}
	s.ended = true
	s.logoff(s.newKey(), s.clientPos(), etsi.EmailStatusUnknown)
}

// IPPacket implements Machine.IPPacket for every protocol.
func (s *session) IPPacket(dir Direction, pkt []byte, now time.Time) {
	if !s.started || s.ended || len(pkt) == 0 {
		return
	}
	s.now = now
	d := s.payloadDirection(dirIndex(dir))
	key := s.ccKey
	if key == "" {
		key = s.newKey()
		s.ccKey = key
	}
	s.emit(&record.Record{
		Identities:     s.identities(),
		Source:         s.info.Source,
		CorrelationKey: s.info.Key,
		Boundary:       record.Continue,
		EventKey:       key,
		Time:           now,
		EmailCC:        &etsi.EmailCC{Format: etsi.EmailFormatIPPacket, Content: append([]byte(nil), pkt...)},
		Direction:      d,
	})
}

// statusOf maps a command's outcome to E-mail-Status (Tables A.2, B.2, C.2): a
// positive reply (2xx, +OK, OK) is operation-succeeded; a negative one (4xx/5xx, -ERR,
// NO, and IMAP BAD, an error code per clause 7.7) is operation-failed.
func statusOf(ok bool) etsi.EmailStatus {
	if ok {
		return etsi.EmailStatusSucceeded
	}
	return etsi.EmailStatusFailed
}

func ptr[T any](v T) *T { return &v }
