package email

import (
	"strings"
	"time"

	"github.com/umli/umli/email/frame"
	"github.com/umli/umli/mediation/etsi"
)

// pop3Cmd is a command awaiting its response.
type pop3Cmd struct {
	verb  string
	arg   string
	key   string
	since [2]int64
	cend  int64 // client position after the command (and its SASL responses)
}

// multiLine reports whether a positive response to the command has a body (RFC 1939,
// RFC 2449).
func (c *pop3Cmd) multiLine() bool {
	switch c.verb {
	case "RETR", "TOP", "CAPA":
		return true
	case "LIST", "UIDL":
		return c.arg == ""
	}
	return false
}

// POP3Machine follows one POP3 session (Annex B).
type POP3Machine struct {
	session
	cf      *frame.POP3Client
	sf      *frame.POP3Server
	pending []*pop3Cmd
	user    string

	// A multi-line response in progress (its command).
	bodyCmd *pop3Cmd
	msg     *message

	auth *saslExchange
	// cred is the credential command (PASS, APOP, AUTH) awaiting its outcome.
	cred *pop3Cmd
	pass string
}

// NewPOP3 returns the POP3 state machine of one session.
func NewPOP3(info SessionInfo, emit Emit, opts Options) *POP3Machine {
	m := &POP3Machine{session: newSession(info, emit, opts, POP3)}
	m.cf, m.sf = frame.NewPOP3Client(m.opts.MaxLine), frame.NewPOP3Server(m.opts.MaxLine)
	return m
}

// ResumePlain implements Machine.
func (m *POP3Machine) ResumePlain() {
	m.tls, m.opaque = TLSNone, false
	m.pending = nil
	m.cf, m.sf = frame.NewPOP3Client(m.opts.MaxLine), frame.NewPOP3Server(m.opts.MaxLine)
}

// Feed implements Machine.
func (m *POP3Machine) Feed(dir Direction, p []byte, now time.Time) {
	m.feed(dir, p, now, m.client, m.server)
}

// End implements Machine.
func (m *POP3Machine) End(now time.Time) {
	m.now = now
	if m.cred != nil && !m.opaque {
		m.credOutcome(m.cred, outcomeUnseen)
	}
	m.finish(now, m.cf, m.sf)
}

func (m *POP3Machine) client(p []byte) (int, func()) {
	n, f := m.cf.Next(p)
	m.clientFrame(f)
	m.malformed(f.Err)
	if f.Kind != frame.Line {
		return n, nil
	}
	line := f.Text
	if m.auth != nil && m.cred != nil && m.cred.verb == "AUTH" {
		m.auth.response(string(line))
		return n, nil
	}
	verb, arg := splitVerb(string(line))
	c := &pop3Cmd{verb: verb, arg: arg[:min(len(arg), maxArg)], key: m.newKey(), since: m.snapshot()}
	if len(m.pending) >= PipelineLimit {
		m.overflow() // never pair replies with the wrong commands
		return n, nil
	}
	m.pending = append(m.pending, c)
	if m.ccKey == "" {
		m.ccKey = c.key
	}
	m.startCommand(&c.cend, true)
	switch verb {
	case "USER":
		// The name is an identity from here on: the USER exchange is CC of the
		// session (B.5) and must match a warrant on the mailbox like the rest.
		m.user, m.login = arg, arg
	case "PASS":
		m.pass, m.cred = arg, c
		m.login = m.user
	case "APOP":
		// The digest stands in for the password (RFC 1939 clause 7).
		name, digest, _ := strings.Cut(arg, " ")
		m.user, m.pass, m.cred = name, digest, c
		m.login = name
	case "AUTH":
		mech, initial, _ := strings.Cut(arg, " ")
		if mech != "" {
			m.auth, m.cred = newSASL(mech), c
			if initial != "" {
				m.auth.response(initial)
			}
		}
	case "STLS":
		m.tls = TLSRequested
	}
	return n, nil
}

func (m *POP3Machine) server(p []byte) (int, func()) {
	n, f := m.sf.Next(p)
	m.malformed(f.Err)
	switch f.Kind {
	case frame.Content:
		if m.msg != nil {
			m.msg.write(f.Data)
		}
		if f.Done {
			return n, m.bodyDone
		}
		return n, nil
	case frame.Line:
		l := string(f.Text)
		return n, func() { m.response(l) }
	case frame.Partial, frame.Reply:
	}
	return n, nil
}

// response handles one status line.
func (m *POP3Machine) response(line string) {
	if !m.greeted {
		m.greeted = true
		m.discardExchange()
		return
	}
	if m.auth != nil && (strings.HasPrefix(line, "+ ") || line == "+") {
		if m.auth != nil {
			m.auth.challenge(strings.TrimPrefix(line, "+ "))
		}
		return
	}
	if len(m.pending) == 0 {
		m.flushExchange("", m.clientPos(), nil)
		return
	}
	c := m.pending[0]
	m.pending = m.pending[1:]
	ok := strings.HasPrefix(line, "+OK")
	if ok && c.multiLine() {
		m.sf.Body()
		m.bodyCmd = c
		if c.verb == "RETR" || c.verb == "TOP" {
			m.msg = newMessage(&m.session)
		}
		return
	}
	switch c.verb {
	case "PASS", "APOP", "AUTH":
		if c == m.cred {
			m.credOutcome(c, outcomeOf(ok))
			return
		}
	case "QUIT":
		// -ERR to QUIT: the UPDATE state failed (RFC 1939 clause 6).
		m.logoff(c.key, c.cend, statusOf(ok))
		return
	case "STLS":
		if ok {
			m.tls, m.opaque = TLSAccepted, true
		} else {
			m.tls = TLSNone
		}
	}
	m.flushExchange(c.key, c.cend, nil)
}

// credOutcome reports a logon, logon failure or logon attempt with POP3AAAInformation.
func (m *POP3Machine) credOutcome(c *pop3Cmd, outcome logonOutcome) {
	aaa := &etsi.POP3AAAInformation{Username: m.user}
	if m.auth != nil {
		aaa.Username = m.auth.user
		if m.auth.hasPass {
			aaa.Password = ptr(m.auth.pass)
		}
		m.login = m.auth.user
	} else {
		aaa.Password = ptr(m.pass)
	}
	aaa.Result = ptr(outcome.result())
	info := &etsi.AAAInformation{POP3: aaa}
	m.cred, m.auth, m.pass = nil, nil, ""
	ids := m.identities()
	if outcome == outcomeAccepted {
		m.logon(c.key, c.cend, c.since, etsi.EmailStatusSucceeded, info, ids)
		return
	}
	m.logonFailed(outcome.event(), c.key, c.cend, c.since, info, ids)
}

// bodyDone ends a multi-line response: RETR is a download, TOP a partial download.
func (m *POP3Machine) bodyDone() {
	c, msg := m.bodyCmd, m.msg
	m.bodyCmd, m.msg = nil, nil
	if msg == nil {
		m.flushExchange(c.key, c.cend, nil)
		return
	}
	msg.end()
	ev := etsi.EmailDownload
	if c.verb == "TOP" {
		ev = etsi.EmailPartialDownload
	}
	iri := m.iri(ev, etsi.EmailStatusSucceeded, c.since)
	msg.apply(iri, true)
	if r := m.loginAddress(); r != "" {
		iri.Recipients = []string{r}
		iri.TotalRecipientCount = ptr(uint32(1))
	}
	iri.AAAInformation = m.logonAAA
	m.event(c.key, c.cend, iri, m.identities(m.loginAddress()))
}
