package email

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/rs/zerolog"

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
	proto etsi.EmailProtocol

	open   bool // a logon opened the sequence
	ended  bool
	tls    TLSState
	opaque bool // TLS not terminated by the tap: bytes are only counted

	login string // login name once credentials were sent
	// extra are mailbox addresses of the operation in progress (an SMTP transaction's
	// sender and recipients); exchange CC carries them so it matches like its IRI.
	extra []string

	octets [2]int64 // client, server totals
	events int

	// cc holds the raw bytes of the current exchange per direction (client, server).
	cc [2]ccBuffer
	// ccKey is the event key partial exchange flushes use.
	ccKey string
	now   time.Time
}

func newSession(info SessionInfo, emit Emit, opts Options, proto etsi.EmailProtocol, name string) session {
	opts = opts.withDefaults()
	if info.Key == "" {
		info.Key = fmt.Sprintf("%s:%s-%s@%d", name, info.Client, info.Server, info.Start.UnixNano())
	}
	return session{
		info:  info,
		opts:  opts,
		emit:  emit,
		proto: proto,
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
		n, act := step(p)
		s.count(dir, n, now)
		s.keep(dir, p[:n])
		p = p[n:]
		if act != nil {
			act()
		}
	}
}

// count adds received bytes to the session totals.
func (s *session) count(dir Direction, n int, now time.Time) {
	s.octets[dirIndex(dir)] += int64(n)
	s.now = now
}

// keep buffers consumed bytes as exchange content; a full buffer is flushed early so a
// long exchange (100 MB DATA) never sits in memory.
func (s *session) keep(dir Direction, p []byte) {
	i := dirIndex(dir)
	for len(p) > 0 {
		room := s.opts.CCChunk - s.cc[i].len()
		if room <= 0 {
			s.flushDir(i, s.ccKey, nil)
			continue
		}
		take := min(room, len(p))
		s.cc[i].add(p[:take], s.opts.CCChunk)
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
func (s *session) emitCC(b record.Boundary, key string, dir etsi.PayloadDirection, content []byte, ids []record.Identity) {
	if len(content) == 0 || s.opts.OmitApplicationCC {
		return
	}
	s.emit(&record.Record{
		Identities:     ids,
		Source:         s.info.Source,
		CorrelationKey: s.info.Key,
		Boundary:       b,
		EventKey:       key,
		Time:           s.now,
		EmailCC: &etsi.EmailCC{
			Format:  etsi.EmailFormatApplication,
			Content: content,
		},
		Direction: dir,
	})
}

// flushDir emits the buffered bytes of one direction; before a logon nothing is
// delivered (clauses B.5, C.3: sessions extend from the login on).
func (s *session) flushDir(i int, key string, ids []record.Identity) {
	if s.open && s.cc[i].len() > 0 {
		if ids == nil {
			ids = s.identities()
		}
		if key == "" {
			key = s.newKey()
			s.ccKey = key
		}
		dir := etsi.DirectionFromTarget
		if i == 1 {
			dir = etsi.DirectionToTarget
		}
		s.emitCC(record.Continue, key, dir, s.cc[i].take(s.opts.CCChunk), ids)
	}
	s.cc[i].reset()
}

// flushExchange delivers the finished command/response as CC, client bytes first.
func (s *session) flushExchange(key string, ids []record.Identity) {
	s.flushDir(0, key, ids)
	s.flushDir(1, key, ids)
	s.ccKey = ""
}

// flushFailedLogon delivers a refused logon's exchange, before any logon, as CC of the
// TCP session's sequence (Continue): the IRI is a Report with a CIN of its own, the CC
// joins the CIN a later logon in the same session will use.
func (s *session) flushFailedLogon(key string, ids []record.Identity) {
	for i, dir := range []etsi.PayloadDirection{etsi.DirectionFromTarget, etsi.DirectionToTarget} {
		if s.cc[i].len() > 0 {
			s.emitCC(record.Continue, key, dir, s.cc[i].take(s.opts.CCChunk), ids)
		}
	}
	s.ccKey = ""
}

// discardExchange drops buffered bytes of an exchange not delivered (before logon).
func (s *session) discardExchange() {
	s.cc[0].reset()
	s.cc[1].reset()
}

// logon reports a successful logon and opens the sequence; a second logon in the same
// session (SMTP AUTH after EHLO) continues it.
func (s *session) logon(key string, since [2]int64, aaa *etsi.AAAInformation, ids []record.Identity) {
	iri := s.iri(etsi.EmailLogon, etsi.EmailStatusSucceeded, since)
	iri.AAAInformation = aaa
	s.open = true
	s.emitIRI(record.Open, key, iri, ids)
	s.flushExchange(key, ids)
}

// logonFailed reports a refused logon: Report in its own sequence before any logon,
// Continue within an open one.
func (s *session) logonFailed(ev etsi.EmailEvent, key string, since [2]int64, aaa *etsi.AAAInformation, ids []record.Identity) {
	st := etsi.EmailStatusFailed
	if ev == etsi.EmailLogonAttempt {
		st = etsi.EmailStatusUnknown
	}
	iri := s.iri(ev, st, since)
	iri.AAAInformation = aaa
	if s.open {
		s.emitIRI(record.Continue, key, iri, ids)
		s.flushExchange(key, ids)
		return
	}
	s.emitIRI(record.Standalone, key, iri, ids)
	s.flushFailedLogon(key, ids)
}

// logoff closes the sequence. The exchange CC goes first: after the Close record a CC
// would open a new sequence.
func (s *session) logoff(key string, st etsi.EmailStatus) {
	if !s.open {
		s.discardExchange()
		return
	}
	ids := s.identities()
	s.flushExchange(key, ids)
	iri := s.iri(etsi.EmailLogoff, st, [2]int64{})
	s.open = false
	s.emitIRI(record.Close, key, iri, ids)
}

// finish ends the session: an open sequence is closed with status unknown (the TCP
// session ended without a logoff exchange).
func (s *session) finish(now time.Time) {
	if s.ended {
		return
	}
	s.now = now
	s.ended = true
	if s.open {
		s.logoff(s.newKey(), etsi.EmailStatusUnknown)
	}
}

// IPPacket implements Machine.IPPacket for every protocol.
func (s *session) IPPacket(dir Direction, pkt []byte, now time.Time) {
	if !s.open || s.ended || len(pkt) == 0 {
		return
	}
	s.now = now
	d := etsi.DirectionFromTarget
	if dir == FromServer {
		d = etsi.DirectionToTarget
	}
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

func ptr[T any](v T) *T { return &v }
