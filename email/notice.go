package email

import (
	"time"

	"github.com/umli/umli/email/frame"

	"github.com/umli/umli/mediation/record"
)

// NoticeKind names a blind spot or a loss in one tapped session.
type NoticeKind string

// Notice kinds.
const (
	// NoticeUnparsable: the client pipelined more commands than the machine pairs with
	// replies (PipelineLimit); the rest of the session goes out as raw CC, no more IRI.
	NoticeUnparsable NoticeKind = "unparsable"
	// NoticeTLSBlind: the session switched to (or started in) TLS the tap does not
	// terminate; from there on its bytes are only counted.
	NoticeTLSBlind NoticeKind = "tls-blind"
	// NoticeMalformed: the session sent bytes its protocol does not allow (an
	// over-long line, a bad BDAT size or literal, a session cut inside a body); Reason
	// says what and where. Framing goes on at the next line: the rest of the session
	// is intercepted as far as it is readable, and the mail service never sees a
	// difference (the tap forwards every byte as it came).
	NoticeMalformed NoticeKind = "malformed"
	// NoticeRecordsLost: the Handoff dropped records of the session (mediation took
	// none for HandoffConfig.Wait).
	NoticeRecordsLost NoticeKind = "records-lost"
)

// Notice reports a blind spot or a loss so the operator can count, log and audit it.
type Notice struct {
	Kind NoticeKind
	// Source is the network element; CorrelationKey the session (it holds addresses:
	// never log it).
	Source, CorrelationKey string
	// Identities are the session's identities known so far, to match against warrants
	// for the audit; never to be logged.
	Identities []record.Identity
	// Count is how many records of the session were lost so far (NoticeRecordsLost).
	Count uint64
	// Protocol and Reason say which service and, for NoticeTLSBlind, how the session
	// went blind ("starttls" or "implicit-tls"), for NoticeMalformed what was wrong
	// where (a frame.Error).
	Protocol Protocol
	Reason   string
	Time     time.Time
}

// Notify receives Notices. It may be called with the session's machine locked: it must
// not block for long and must not call back into the machine.
type Notify func(Notice)

// PipelineLimit is the most commands a machine keeps waiting for their replies. A
// client pipelining beyond it makes the session unparsable (NoticeUnparsable) rather
// than pair replies with the wrong commands. A proxy stops reading the client well
// before (see Pending), so only a server that answers nothing gets here.
const PipelineLimit = 10000

// notify sends a Notice about this session, if anyone listens.
func (s *session) notify(k NoticeKind) {
	if s.opts.Notify == nil {
		return
	}
	s.opts.Notify(Notice{Kind: k, Source: s.info.Source, CorrelationKey: s.info.Key,
		Identities: s.identities(), Protocol: s.kind, Time: s.now})
}

// maxFramingErrors bounds the framing errors a session keeps (FramingErrors); later
// ones are only counted.
const maxFramingErrors = 16

// malformed notes a framing error of the session: the first is logged (without
// identities: the session key holds addresses; the error never quotes the bytes) and
// sent as NoticeMalformed, later ones are logged at debug level. nil is nothing.
func (s *session) malformed(err *frame.Error) {
	if err == nil {
		return
	}
	s.framingCount++
	if len(s.framingErrs) < maxFramingErrors {
		s.framingErrs = append(s.framingErrs, err)
	}
	if s.framingCount > 1 {
		s.opts.Logger.Debug().Str("proto", s.name).Str("error", err.Error()).Msg("email: malformed protocol data")
		return
	}
	s.opts.Logger.Warn().Str("proto", s.name).Str("error", err.Error()).
		Msg("email: malformed protocol data; framing goes on at the next line")
	if s.opts.Notify != nil {
		s.opts.Notify(Notice{Kind: NoticeMalformed, Source: s.info.Source, CorrelationKey: s.info.Key,
			Identities: s.identities(), Protocol: s.kind, Reason: err.Error(), Time: s.now})
	}
}

// FramingErrors returns the session's framing errors so far (the first
// maxFramingErrors) and how many there were in all.
func (s *session) FramingErrors() ([]*frame.Error, int) { return s.framingErrs, s.framingCount }

// overflow gives up pairing: the buffered exchange and every later byte go out as CC
// of the session (raw, both directions), the pending commands get no IRI. It logs
// without identities (the session key holds addresses).
func (s *session) overflow() {
	if s.unparsable {
		return
	}
	s.unparsable = true
	s.started = true
	s.opts.Logger.Warn().Str("proto", s.name).Int("limit", PipelineLimit).
		Msg("email: more pipelined commands than the tap can pair with replies; the session goes on as raw CC only")
	s.notify(NoticeUnparsable)
	s.flushRaw()
}

// flushRaw delivers everything buffered, both directions, as CC of the session.
func (s *session) flushRaw() {
	key := s.ccKey
	if key == "" {
		key = s.newKey()
		s.ccKey = key
	}
	ids := s.identities()
	s.flushDir(0, key, ids, s.kept[0])
	s.flushDir(1, key, ids, s.kept[0])
}

// Unparsable reports whether the session gave up pairing (see PipelineLimit).
func (s *session) Unparsable() bool { return s.unparsable }

// SessionIdentities returns the identities known so far (for a tap's Notice).
func (s *session) SessionIdentities() []record.Identity { return s.identities() }

// SessionKey returns the session's correlation key.
func (s *session) SessionKey() string { return s.info.Key }

// Pending returns how many SMTP commands wait for their replies.
func (m *SMTPMachine) Pending() int { return len(m.pending) }

// Pending returns how many POP3 commands wait for their replies.
func (m *POP3Machine) Pending() int { return len(m.pending) }

// Pending returns how many IMAP commands wait for their tagged replies.
func (m *IMAPMachine) Pending() int { return len(m.order) }
