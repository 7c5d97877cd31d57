package email

import (
	"strings"
	"time"

	"github.com/umli/umli/email/frame"
	"github.com/umli/umli/mediation/etsi"
)

// maxArg bounds the argument kept of a pending command (an address fits).
const maxArg = 600

// maxReplyText bounds the reply text kept (challenges, greeting).
const maxReplyText = frame.MaxReplyText

// smtpCmd is a command awaiting its reply.
type smtpCmd struct {
	verb  string
	arg   string
	key   string
	since [2]int64
	cend  int64 // client position after the command (and its body or SASL responses)
	last  bool  // BDAT ... LAST
}

// smtpTx is one mail transaction (MAIL FROM .. end of DATA/BDAT LAST).
type smtpTx struct {
	sender   string
	rcpts    []string
	total    uint32
	since    [2]int64
	msg      *message
	dataSent bool
	failed   bool
}

type smtpClientMode int

const (
	smtpCommands smtpClientMode = iota
	smtpData                    // DATA body until "."
	smtpBDAT                    // raw BDAT chunk
	smtpAuthResp                // SASL responses until the AUTH reply
)

// SMTPMachine follows one SMTP session (Annex A).
type SMTPMachine struct {
	session
	cf      *frame.SMTPClient
	sf      *frame.SMTPServer
	pending []*smtpCmd

	mode  smtpClientMode
	hello bool

	tx   *smtpTx
	auth *saslExchange
	aaa  *etsi.ASMTPAAAInformation
}

// NewSMTP returns the SMTP state machine of one session.
func NewSMTP(info SessionInfo, emit Emit, opts Options) *SMTPMachine {
	m := &SMTPMachine{session: newSession(info, emit, opts, SMTP)}
	m.cf, m.sf = frame.NewSMTPClient(m.opts.MaxLine), frame.NewSMTPServer(m.opts.MaxLine)
	return m
}

// ResumePlain implements Machine: RFC 3207 resets the session to the greeted state.
func (m *SMTPMachine) ResumePlain() {
	m.tls, m.opaque = TLSNone, false
	m.pending, m.tx, m.mode = nil, nil, smtpCommands
	m.extra = nil
	m.cf, m.sf = frame.NewSMTPClient(m.opts.MaxLine), frame.NewSMTPServer(m.opts.MaxLine)
}

// End implements Machine.
func (m *SMTPMachine) End(now time.Time) {
	m.now = now
	if m.auth != nil && m.auth.credentialsSent() && !m.opaque {
		m.logonFailed(etsi.EmailLogonAttempt, m.newKey(), m.clientPos(), m.snapshot(), m.authInfo(nil), m.identities())
		m.auth = nil
	}
	if m.tx != nil && m.tx.msg != nil {
		m.tx.msg.end()
	}
	m.finish(now, m.cf, m.sf)
}

// Feed implements Machine.
func (m *SMTPMachine) Feed(dir Direction, p []byte, now time.Time) {
	m.feed(dir, p, now, m.client, m.server)
}

func (m *SMTPMachine) client(p []byte) (int, func()) {
	if (m.mode == smtpData || m.mode == smtpBDAT) && (m.tx == nil || m.tx.msg == nil) {
		// Defensive: content without a transaction is parsed as commands.
		m.mode = smtpCommands
		m.cf.Commands()
	}
	n, f := m.cf.Next(p)
	m.clientFrame(f)
	m.malformed(f.Err)
	switch f.Kind {
	case frame.Content:
		m.tx.msg.write(f.Data)
		m.tx.dataSent = true
		if f.Done {
			if m.mode == smtpData {
				m.tx.msg.end()
			}
			m.mode = smtpCommands
		}
		return n, nil
	case frame.Line:
	case frame.Partial, frame.Reply:
		return n, nil
	}
	l := string(f.Text)
	if m.mode == smtpAuthResp {
		m.auth.response(l)
		return n, nil
	}
	// Parsed at once: the mode (DATA, BDAT, AUTH) governs the next bytes.
	m.command(l)
	return n, nil
}

func (m *SMTPMachine) command(line string) {
	verb, arg := splitVerb(line)
	c := &smtpCmd{verb: verb, arg: arg[:min(len(arg), maxArg)], key: m.newKey(), since: m.snapshot()}
	if len(m.pending) >= PipelineLimit {
		m.overflow() // never pair replies with the wrong commands
		return
	}
	m.pending = append(m.pending, c)
	if m.ccKey == "" {
		m.ccKey = c.key
	}
	m.startCommand(&c.cend, verb == "HELO" || verb == "EHLO" || verb == "LHLO")
	switch verb {
	case "RSET":
		// Cleared on the command, not the reply: a pipelined DATA may already have
		// started the next transaction.
		m.tx, m.extra = nil, nil
	case "MAIL":
		// The transaction starts with the command: with PIPELINING, DATA may be parsed
		// before MAIL's reply arrives.
		sender, _ := envelopeAddress(arg, "FROM:")
		m.tx = &smtpTx{sender: sender, since: c.since}
	case "DATA":
		// Optimistic: a client sends the body only after 354; a refused DATA (no
		// body yet) switches back in reply().
		if m.tx == nil {
			m.tx = &smtpTx{since: c.since}
		}
		m.tx.msg = newMessage(&m.session)
		m.cf.Data()
		m.mode = smtpData
	case "BDAT":
		size, last, err := m.cf.BDAT(arg)
		if err != nil {
			m.malformed(err)
			return
		}
		c.last = last
		if m.tx == nil {
			m.tx = &smtpTx{since: c.since}
		}
		if m.tx.msg == nil {
			m.tx.msg = newMessage(&m.session)
		}
		if size > 0 {
			m.mode = smtpBDAT
		}
	case "AUTH":
		mech, initial, _ := strings.Cut(arg, " ")
		m.auth = newSASL(mech)
		if initial != "" {
			m.auth.response(initial)
		}
		m.mode = smtpAuthResp
	case "STARTTLS":
		m.tls = TLSRequested
	}
}

func (m *SMTPMachine) server(p []byte) (int, func()) {
	n, f := m.sf.Next(p)
	m.malformed(f.Err)
	if f.Kind != frame.Reply {
		return n, nil
	}
	code, text := f.Code, string(f.Text)
	return n, func() { m.reply(code, text) }
}

// reply handles one complete server reply.
func (m *SMTPMachine) reply(code int, text string) {
	if !m.greeted {
		m.greeted = true
		m.discardExchange()
		return
	}
	if len(m.pending) == 0 {
		// Unsolicited (421 shutdown): part of the session content.
		m.flushExchange("", m.clientPos(), nil)
		return
	}
	c := m.pending[0]
	ok := code >= 200 && code < 300
	switch {
	case code == 334 && c.verb == "AUTH" && m.auth != nil:
		m.auth.challenge(text)
		return
	case code == 354 && c.verb == "DATA":
		return
	}
	m.pending = m.pending[1:]
	switch c.verb {
	case "HELO", "EHLO", "LHLO":
		if m.hello {
			break
		}
		if ok {
			m.hello = true
			m.logon(c.key, c.cend, c.since, etsi.EmailStatusSucceeded, nil, m.identities())
			return
		}
		m.logonFailed(etsi.EmailLogonFailure, c.key, c.cend, c.since, nil, m.identities())
		return
	case "AUTH":
		m.authDone(c, ok)
		return
	case "MAIL":
		if ok && m.tx != nil {
			m.extra = []string{m.tx.sender}
		} else if m.tx != nil && m.tx.msg == nil {
			m.tx = nil
		}
	case "RCPT":
		if ok && m.tx != nil {
			r, _ := envelopeAddress(c.arg, "TO:")
			m.tx.total++
			if len(m.tx.rcpts) < m.opts.MaxRecipients {
				m.tx.rcpts = append(m.tx.rcpts, r)
				m.extra = append(m.extra, r)
			}
		}
	case "DATA":
		m.dataDone(c, code)
		return
	case "BDAT":
		if !ok && m.tx != nil {
			m.tx.failed = true
		}
		if c.last {
			m.dataDone(c, code)
			return
		}
	case "QUIT":
		m.logoff(c.key, c.cend, statusOf(ok))
		return
	case "STARTTLS":
		if code == 220 {
			m.tls, m.opaque = TLSAccepted, true
			m.flushExchange(c.key, c.cend, nil)
			return
		}
		m.tls = TLSNone
	}
	m.flushExchange(c.key, c.cend, nil)
}

// authDone reports the AUTH outcome as logon (with ASMTPAAAInformation) or failure.
func (m *SMTPMachine) authDone(c *smtpCmd, ok bool) {
	x := m.auth
	m.auth = nil
	m.mode = smtpCommands
	if x == nil {
		m.flushExchange(c.key, c.cend, nil)
		return
	}
	if x.user != "" {
		m.login = x.user
	}
	info := m.authInfo(x)
	info.ASMTP.Result = aaaResult(ok)
	if ok {
		m.aaa = info.ASMTP
		m.logon(c.key, c.cend, c.since, etsi.EmailStatusSucceeded, info, m.identities())
		return
	}
	m.logonFailed(etsi.EmailLogonFailure, c.key, c.cend, c.since, info, m.identities())
}

// authInfo builds ASMTPAAAInformation of an exchange (nil: the one in progress).
func (m *SMTPMachine) authInfo(x *saslExchange) *etsi.AAAInformation {
	if x == nil {
		x = m.auth
	}
	if x.user != "" {
		m.login = x.user
	}
	return &etsi.AAAInformation{ASMTP: &etsi.ASMTPAAAInformation{
		Username:   x.user,
		AuthMethod: ptr(x.method()),
		Challenge:  joined(x.challenges),
		Response:   joined(x.responses),
		Result:     ptr(etsi.AAAResultUnknown),
	}}
}

// dataDone ends a DATA or BDAT LAST: a send event when content was transferred.
func (m *SMTPMachine) dataDone(c *smtpCmd, code int) {
	tx := m.tx
	if tx == nil || !tx.dataSent {
		m.tx = nil
		// Refused before any content: RFC 5321 sends no body after a 5xx to DATA.
		if m.mode == smtpData {
			m.mode = smtpCommands
			m.cf.Commands()
		}
		m.flushExchange(c.key, c.cend, nil)
		return
	}
	if tx.msg != nil {
		tx.msg.end()
	}
	ok := code >= 200 && code < 300 && !tx.failed
	ev := etsi.EmailSend
	// Clause 7.7, Table 4: the termination point of a send is the recipient mailbox. A
	// submission server's 2xx says it accepted the message, not that any mailbox got it:
	// status unknown. An MX (SMTPReceive) is the recipients' mailbox server, so its 2xx
	// is the termination point of the receive.
	st := etsi.EmailStatusUnknown
	if m.opts.SMTPReceive {
		ev, st = etsi.EmailReceive, etsi.EmailStatusSucceeded
	}
	if !ok {
		st = etsi.EmailStatusFailed
	}
	iri := m.iri(ev, st, tx.since)
	iri.Sender = ptr(tx.sender)
	iri.Recipients = append([]string{}, tx.rcpts...)
	iri.TotalRecipientCount = ptr(tx.total)
	if tx.msg != nil {
		tx.msg.apply(iri, false)
	}
	if m.aaa != nil && ev == etsi.EmailSend {
		// Table 1 (send) has AAAInformation; Table 2 (receive) has not.
		iri.AAAInformation = &etsi.AAAInformation{ASMTP: m.aaa}
	}
	if m.senderValidated(tx.sender) {
		iri.SenderValidity = ptr(etsi.SenderValidated)
	}
	m.event(c.key, c.cend, iri, m.identities())
	m.tx, m.extra = nil, nil
}

// senderValidated reports whether the operator assured the sender (EmailIRI
// e-mail-Sender-Validity validated: "The operator has assured the e-mail-sender"): the
// server accepted SMTP AUTH and the envelope sender is the authenticated identity (or
// that name at Options.LoginDomain). Otherwise the tap cannot know what the server
// checked, so the field is left out rather than claiming nonvalidated.
func (m *SMTPMachine) senderValidated(sender string) bool {
	if m.aaa == nil || m.aaa.Result == nil || *m.aaa.Result != etsi.AAASucceeded || sender == "" {
		return false
	}
	u := m.aaa.Username
	if strings.EqualFold(sender, u) {
		return true
	}
	return m.opts.LoginDomain != "" && !strings.Contains(u, "@") && strings.EqualFold(sender, u+"@"+m.opts.LoginDomain)
}
