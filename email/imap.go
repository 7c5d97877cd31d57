package email

import (
	"strings"
	"time"

	"github.com/umli/umli/email/frame"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// maxSegments bounds the lines (literals + 1) of one IMAP command or response.
const maxSegments = 64

// imapCmd is a tagged command awaiting its completion.
type imapCmd struct {
	tag, verb string
	key       string
	since     [2]int64
	cend      int64    // client position after the command (literals, SASL responses)
	full      bool     // FETCH of whole messages
	msgs      int      // messages streamed in the response (FETCH) or request (APPEND)
	first     *message // first message, for Message-ID and From
	sasl      *saslExchange
	user      string
	pass      *string
}

// IMAPMachine follows one IMAP4 session (Annex C).
type IMAPMachine struct {
	session
	cf, sf *frame.IMAP

	pending map[string]*imapCmd
	order   []*imapCmd

	// Client side: the command being assembled and the message of a literal in flight.
	cur       *imapCommand
	curCmd    *imapCmd
	clientMsg *message
	authCmd   *imapCmd
	cred      *imapCmd

	// Server side: the response being assembled and the message of a literal in flight.
	resp      []string
	respLen   int
	serverMsg *message
	serverFor *imapCmd
}

// NewIMAP returns the IMAP4 state machine of one session.
func NewIMAP(info SessionInfo, emit Emit, opts Options) *IMAPMachine {
	m := &IMAPMachine{
		session: newSession(info, emit, opts, IMAP),
		pending: map[string]*imapCmd{},
	}
	m.cf, m.sf = frame.NewIMAP(frame.Client, m.opts.MaxLine), frame.NewIMAP(frame.Server, m.opts.MaxLine)
	return m
}

// ResumePlain implements Machine.
func (m *IMAPMachine) ResumePlain() {
	m.tls, m.opaque = TLSNone, false
	m.pending, m.order = map[string]*imapCmd{}, nil
	m.cur, m.curCmd = nil, nil
	m.cf, m.sf = frame.NewIMAP(frame.Client, m.opts.MaxLine), frame.NewIMAP(frame.Server, m.opts.MaxLine)
}

// Feed implements Machine.
func (m *IMAPMachine) Feed(dir Direction, p []byte, now time.Time) {
	m.feed(dir, p, now, m.client, m.server)
}

// End implements Machine.
func (m *IMAPMachine) End(now time.Time) {
	m.now = now
	if m.clientMsg != nil {
		m.clientMsg.end()
		m.clientMsg = nil
	}
	if m.serverMsg != nil {
		m.serverMsg.end()
		m.serverMsg = nil
	}
	if m.cred != nil && !m.opaque {
		m.credOutcome(m.cred, outcomeUnseen)
	}
	m.finish(now, m.cf, m.sf)
}

func (m *IMAPMachine) client(p []byte) (int, func()) {
	n, f := m.cf.Next(p)
	m.clientFrame(f)
	m.malformed(f.Err)
	switch f.Kind {
	case frame.Content:
		if m.clientMsg != nil {
			m.clientMsg.write(f.Data)
		} else if m.cur != nil && len(m.cur.lits) > 0 {
			i := len(m.cur.lits) - 1
			room := m.opts.MaxLiteral - len(m.cur.lits[i])
			m.cur.lits[i] = append(m.cur.lits[i], f.Data[:min(len(f.Data), max(room, 0))]...)
		}
		if f.Done {
			m.literalDone()
		}
		return n, nil
	case frame.Line:
	case frame.Partial, frame.Reply:
		return n, nil
	}
	line := string(f.Text)
	if m.cur == nil && m.authCmd != nil {
		m.authCmd.sasl.response(line)
		return n, nil
	}
	if m.cur == nil {
		if strings.EqualFold(line, "DONE") {
			return n, nil // ends IDLE
		}
		m.begin(line)
	} else if len(m.cur.segments) < maxSegments {
		m.cur.segments = append(m.cur.segments, line)
	}
	if size := f.Literal; size >= 0 {
		m.cur.lits = append(m.cur.lits, nil)
		if m.curCmd.verb == "APPEND" && len(m.cur.tokens()) > 3 {
			// tag APPEND mailbox [flags] [date] {n}: the literal is the message.
			m.clientMsg = newMessage(&m.session)
		}
		if size == 0 {
			m.literalDone()
		}
		return n, nil
	}
	m.dispatch()
	return n, nil
}

// begin starts assembling a new command from its first line.
func (m *IMAPMachine) begin(line string) {
	m.cur = &imapCommand{segments: []string{line}}
	tag, rest, _ := strings.Cut(line, " ")
	verb, _ := splitVerb(rest)
	m.curCmd = &imapCmd{tag: tag, verb: verb, key: m.newKey(), since: m.snapshot()}
	if m.ccKey == "" {
		m.ccKey = m.curCmd.key
	}
	m.startCommand(&m.curCmd.cend, verb == "LOGIN" || verb == "AUTHENTICATE")
	// Registered at once: the server may answer before the command is complete (a
	// refused synchronizing literal).
	m.register(m.curCmd)
}

func (m *IMAPMachine) register(c *imapCmd) {
	if old, dup := m.pending[c.tag]; dup {
		m.unregister(old)
	}
	if len(m.order) >= PipelineLimit {
		m.overflow() // never pair replies with the wrong commands
		return
	}
	m.pending[c.tag] = c
	m.order = append(m.order, c)
}

func (m *IMAPMachine) unregister(c *imapCmd) {
	delete(m.pending, c.tag)
	for i, o := range m.order {
		if o == c {
			m.order = append(m.order[:i], m.order[i+1:]...)
			break
		}
	}
}

// literalDone finishes a client literal; the command line continues after it.
func (m *IMAPMachine) literalDone() {
	if m.clientMsg != nil {
		m.clientMsg.end()
		if m.curCmd.first == nil {
			m.curCmd.first = m.clientMsg
		}
		m.curCmd.msgs++
		m.clientMsg = nil
	}
}

// dispatch interprets a complete command.
func (m *IMAPMachine) dispatch() {
	c, cmd := m.curCmd, m.cur
	m.cur, m.curCmd = nil, nil
	toks := cmd.tokens()
	args := toks[min(2, len(toks)):]
	if c.verb == "UID" && len(args) > 0 {
		c.verb = "UID " + strings.ToUpper(args[0].text)
		args = args[1:]
	}
	switch c.verb {
	case "LOGIN":
		if len(args) >= 2 {
			c.user, c.pass = args[0].text, ptr(args[1].text)
			m.login, m.cred = c.user, c
		}
	case "AUTHENTICATE":
		if len(args) >= 1 {
			c.sasl = newSASL(args[0].text)
			if len(args) >= 2 {
				c.sasl.response(args[1].text)
			}
			m.authCmd, m.cred = c, c
		}
	case "FETCH", "UID FETCH":
		if len(args) >= 2 {
			items := make([]string, 0, len(args)-1)
			for _, a := range args[1:] {
				items = append(items, a.text)
			}
			c.full = fetchIsFull(strings.Join(items, " "))
		}
	case "STARTTLS":
		m.tls = TLSRequested
	}
}

func (m *IMAPMachine) server(p []byte) (int, func()) {
	n, f := m.sf.Next(p)
	m.malformed(f.Err)
	switch f.Kind {
	case frame.Content:
		if m.serverMsg != nil {
			m.serverMsg.write(f.Data)
			if f.Done {
				m.serverMsg.end()
				if m.serverFor.first == nil {
					m.serverFor.first = m.serverMsg
				}
				m.serverFor.msgs++
				m.serverMsg, m.serverFor = nil, nil
			}
		}
		return n, nil
	case frame.Line:
	case frame.Partial, frame.Reply:
		return n, nil
	}
	line := string(f.Text)
	if len(m.resp) < maxSegments && m.respLen < maxReplyText {
		m.resp = append(m.resp, line)
		m.respLen += len(line)
	}
	if size := f.Literal; size >= 0 {
		// The section name precedes the literal on the same line; the response's
		// first line says whether it is untagged data.
		before := line[:strings.LastIndexByte(line, '{')]
		untagged := strings.HasPrefix(m.resp[0], "* ")
		if f := m.pendingFetch(); f != nil && size > 0 && untagged && messageSection(before) {
			m.serverMsg = newMessage(&m.session)
			m.serverFor = f
		}
		return n, nil
	}
	first := m.resp[0]
	m.resp, m.respLen = m.resp[:0], 0
	return n, func() { m.response(first) }
}

// pendingFetch is the oldest FETCH awaiting completion: untagged FETCH data belongs to it.
func (m *IMAPMachine) pendingFetch() *imapCmd {
	for _, c := range m.order {
		if c.verb == "FETCH" || c.verb == "UID FETCH" {
			return c
		}
	}
	return nil
}

// response handles one complete server response, given its first line.
func (m *IMAPMachine) response(line string) {
	if !m.greeted {
		m.greeted = true
		m.discardExchange()
		if strings.HasPrefix(strings.ToUpper(line), "* PREAUTH") {
			m.logon(m.newKey(), m.clientPos(), [2]int64{}, etsi.EmailStatusSucceeded, nil, m.identities())
		}
		return
	}
	if strings.HasPrefix(line, "+") {
		if m.authCmd != nil {
			m.authCmd.sasl.challenge(strings.TrimSpace(strings.TrimPrefix(line, "+")))
		}
		return
	}
	if strings.HasPrefix(line, "*") {
		return
	}
	tag, rest, _ := strings.Cut(line, " ")
	status, _ := splitVerb(rest)
	c := m.pending[tag]
	if c == nil {
		m.flushExchange("", m.clientPos(), nil)
		return
	}
	m.unregister(c)
	if c == m.curCmd {
		// Refused before the client sent its literal: it will not send it.
		m.cf.CancelLiteral()
		m.cur, m.curCmd, m.clientMsg = nil, nil, nil
	}
	ok := status == "OK"
	switch c.verb {
	case "LOGIN", "AUTHENTICATE":
		if c == m.cred {
			m.credOutcome(c, outcomeOf(ok))
			return
		}
	case "FETCH", "UID FETCH":
		ev := etsi.EmailPartialDownload
		if c.full {
			ev = etsi.EmailDownload
		}
		m.messageEvent(c, ev, ok, true)
		return
	case "APPEND":
		m.messageEvent(c, etsi.EmailUpload, ok, false)
		return
	case "LOGOUT":
		m.logoff(c.key, c.cend, statusOf(ok))
		return
	case "STARTTLS":
		if ok {
			m.tls, m.opaque = TLSAccepted, true
		} else {
			m.tls = TLSNone
		}
	case "COMPRESS":
		// RFC 4978: the streams are deflated from here on; no tap can follow them.
		if ok {
			m.flushExchange(c.key, c.cend, nil)
			m.opaque = true
			return
		}
	}
	m.flushExchange(c.key, c.cend, nil)
}

// credOutcome reports LOGIN or AUTHENTICATE with IMAPAAAInformation.
func (m *IMAPMachine) credOutcome(c *imapCmd, outcome logonOutcome) {
	aaa := &etsi.IMAPAAAInformation{Username: c.user, Password: c.pass}
	if c.sasl != nil {
		aaa.Username = c.sasl.user
		if c.sasl.hasPass {
			aaa.Password = ptr(c.sasl.pass)
		}
		m.login = c.sasl.user
	}
	aaa.Result = ptr(outcome.result())
	m.cred, m.authCmd = nil, nil
	info := &etsi.AAAInformation{IMAP: aaa}
	ids := m.identities()
	switch outcome {
	case outcomeAccepted:
		m.logon(c.key, c.cend, c.since, etsi.EmailStatusSucceeded, info, ids)
	case outcomeRefused:
		// Table C.1: every LOGIN/AUTHENTICATE is e-mail-logon, iRI-Begin; Table C.2: NO
		// (or BAD) is told by E-mail-Status "in the same IRI message". C.4 allocates the
		// CIN at the LOGIN command, before its outcome.
		m.logon(c.key, c.cend, c.since, etsi.EmailStatusFailed, info, ids)
	case outcomeUnseen:
		// No answer (the session ended): not an executed command; logon attempt.
		m.logonFailed(outcome.event(), c.key, c.cend, c.since, info, ids)
	}
}

// messageEvent reports a FETCH (download, partial download) or APPEND (upload) as
// iRI-Report (Table C.1), with E-mail-Status per Table C.2 (statusOf).
func (m *IMAPMachine) messageEvent(c *imapCmd, ev etsi.EmailEvent, ok, download bool) {
	iri := m.iri(ev, statusOf(ok), c.since)
	if c.first != nil {
		c.first.apply(iri, true)
	}
	var ids []record.Identity
	if download {
		if r := m.loginAddress(); r != "" {
			iri.Recipients = []string{r}
			iri.TotalRecipientCount = ptr(uint32(1))
		}
		iri.AAAInformation = m.logonAAA // Table 3
		ids = m.identities(m.loginAddress())
	} else {
		ids = m.identities()
	}
	m.event(c.key, c.cend, iri, ids)
}
