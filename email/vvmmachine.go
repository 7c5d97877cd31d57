package email

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/umli/umli/email/frame"
	"github.com/umli/umli/mediation/etsi"
)

// VVMMachine follows one IMAP session to an OMTP VVM server and reports it as
// MessagingIRI/MessagingCC of the box the client logged in to: FETCH of a voice
// message is retrieve (audio as CC, toTarget), STORE +FLAGS \Seen is save, \Deleted
// then EXPUNGE is delete, APPEND to the greetings folder is greeting-record (first
// of the session) or greeting-change, XCHANGE_TUI_PWD is pin-change. A voice message
// without an audio part gives the IRI and no CC (counted in NoAudio).
type VVMMachine struct {
	info SessionInfo
	emit Emit
	opts Options
	box  vvmBox

	frames     [2]*frame.IMAP
	litBuf     [2][]byte // literal kept (bounded by maxVVMAudio)
	litFull    bool      // the server literal is a whole message (BODY[], RFC822)
	litUID     string    // UID of the FETCH response the server literal belongs to
	pending    map[string]*vvmCmd
	folder     string
	deleted    []string
	greeted    bool
	lastAppend *vvmCmd
	authCmd    *vvmCmd // AUTHENTICATE PLAIN awaiting its response line
	loggedIn   bool
	ended      bool
	tls        TLSState
	now        time.Time

	// NoAudio counts voice messages delivered without CC because they had no audio part.
	NoAudio int
	// ParseErrors counts messages whose MIME structure could not be read.
	ParseErrors int
}

type vvmCmd struct {
	verb   string
	args   []imapToken
	body   []byte // APPEND literal
	user   string
	pin    *VVMPinChange
	folder string
}

// NewVVM returns the VVM state machine of one IMAP session.
func NewVVM(info SessionInfo, emit Emit, opts Options) *VVMMachine {
	opts = opts.withDefaults()
	key := info.Key
	if key == "" {
		key = fmt.Sprintf("vvm:%s-%s@%d", info.Client, info.Server, info.Start.UnixNano())
	}
	m := &VVMMachine{info: info, emit: emit, opts: opts, pending: map[string]*vvmCmd{}}
	m.box = vvmBox{source: info.Source, key: key}
	m.frames = [2]*frame.IMAP{frame.NewIMAP(frame.Client, opts.MaxLine), frame.NewIMAP(frame.Server, opts.MaxLine)}
	return m
}

// TLS implements Machine.
func (m *VVMMachine) TLS() TLSState { return m.tls }

// ResumePlain implements Machine.
func (m *VVMMachine) ResumePlain() {
	m.tls = TLSNone
	m.pending = map[string]*vvmCmd{}
}

// IPPacket implements Machine: VVM is reported as messaging events, not packets.
func (m *VVMMachine) IPPacket(Direction, []byte, time.Time) {}

// End implements Machine: a session that ends logged in is a box disconnect.
func (m *VVMMachine) End(now time.Time) {
	if m.ended {
		return
	}
	m.ended = true
	if m.loggedIn {
		m.loggedIn = false
		m.emit(m.box.boxEvent(etsi.BoxDisconnect, etsi.StatusUnknown, now))
	}
}

// Feed implements Machine.
func (m *VVMMachine) Feed(dir Direction, p []byte, now time.Time) {
	m.now = now
	i := dirIndex(dir)
	for len(p) > 0 && !m.ended && m.tls != TLSAccepted {
		n, f := m.frames[i].Next(p)
		p = p[n:]
		if f.Err != nil {
			// Never the bytes: they may hold the PIN.
			m.opts.Logger.Debug().Str("source", m.info.Source).Str("error", f.Err.Error()).Msg("vvm: malformed IMAP")
		}
		switch f.Kind {
		case frame.Content:
			if room := maxVVMAudio + 1 - len(m.litBuf[i]); room > 0 {
				m.litBuf[i] = append(m.litBuf[i], f.Data[:min(len(f.Data), room)]...)
			}
			if f.Done {
				m.literalDone(dir)
			}
		case frame.Line:
			s := string(f.Text)
			if dir == FromClient {
				m.clientLine(s)
			} else {
				m.serverLine(s)
			}
			if f.Literal > 0 {
				m.litBuf[i] = m.litBuf[i][:0]
			}
		case frame.Partial, frame.Reply:
		}
	}
}

// clientLine handles one client command line (the start of a command; APPEND's
// message follows as a literal).
func (m *VVMMachine) clientLine(s string) {
	if m.authCmd != nil {
		// The SASL PLAIN response to a "+" continuation.
		m.authCmd.user, m.authCmd = plainUser(s), nil
		return
	}
	toks := splitIMAPArgs(s)
	if len(toks) < 2 {
		return
	}
	tag, verb := toks[0].text, strings.ToUpper(toks[1].text)
	args := toks[2:]
	if verb == "UID" && len(args) > 0 {
		verb, args = "UID "+strings.ToUpper(args[0].text), args[1:]
	}
	c := &vvmCmd{verb: verb, args: args}
	switch verb {
	case "LOGIN":
		if len(args) > 0 {
			c.user = args[0].text
		}
	case "AUTHENTICATE":
		if len(args) == 0 || !strings.EqualFold(args[0].text, "PLAIN") {
			break
		}
		c.verb = "LOGIN"
		if len(args) > 1 {
			c.user = plainUser(args[1].text)
		} else {
			m.authCmd = c
		}
	case "SELECT", "EXAMINE":
		if len(args) > 0 {
			c.folder = args[0].text
		}
	case "APPEND":
		if len(args) > 0 {
			c.folder = args[0].text
		}
		m.lastAppend = c
	case "STARTTLS":
		m.tls = TLSRequested
	case "XCHANGE_TUI_PWD":
		var raw []string
		for _, a := range args {
			raw = append(raw, a.text)
		}
		pc, err := ParseVVMPinChange(raw)
		if err != nil {
			m.opts.Logger.Warn().Err(err).Str("source", m.info.Source).Msg("vvm: bad XCHANGE_TUI_PWD")
			return
		}
		c.pin = &pc
	}
	m.pending[tag] = c
}

// serverLine handles one server response line.
func (m *VVMMachine) serverLine(s string) {
	toks := splitIMAPArgs(s)
	if len(toks) < 2 {
		return
	}
	if toks[0].text == "*" {
		if len(toks) >= 3 && strings.EqualFold(toks[2].text, "FETCH") {
			m.litUID = fetchUID(s)
			u := strings.ToUpper(s)
			m.litFull = strings.Contains(u, "BODY[] {") || strings.Contains(u, "RFC822 {")
			if m.litUID == "" {
				m.litUID = toks[1].text
			}
		}
		if strings.EqualFold(toks[1].text, "BYE") && m.loggedIn {
			m.loggedIn = false
			m.emit(m.box.boxEvent(etsi.BoxLogout, etsi.StatusOperationSucceeded, m.now))
		}
		return
	}
	c, ok := m.pending[toks[0].text]
	if !ok {
		return
	}
	delete(m.pending, toks[0].text)
	m.complete(c, strings.EqualFold(toks[1].text, "OK"))
}

// plainUser is the authentication identity of a SASL PLAIN response
// (authzid NUL authcid NUL password); the password is dropped at once.
func plainUser(b64 string) string {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return ""
	}
	f := strings.Split(string(b), "\x00")
	if len(f) != 3 {
		return ""
	}
	return f[1]
}

// fetchUID finds "UID n" in a FETCH response line.
func fetchUID(s string) string {
	u := strings.ToUpper(s)
	i := strings.Index(u, "UID ")
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+4:])
	if len(f) == 0 {
		return ""
	}
	return strings.TrimRight(f[0], ")")
}

func status(ok bool) etsi.MessagingStatus {
	if ok {
		return etsi.StatusOperationSucceeded
	}
	return etsi.StatusOperationFailed
}

func (m *VVMMachine) complete(c *vvmCmd, ok bool) {
	switch c.verb {
	case "LOGIN":
		if c.user == "" || m.loggedIn {
			return
		}
		m.box.box = c.user
		if ok {
			m.loggedIn = true
			m.emit(m.box.boxEvent(etsi.BoxLogin, etsi.StatusOperationSucceeded, m.now))
		}
	case "SELECT", "EXAMINE":
		if ok {
			m.folder = c.folder
		}
	case "STARTTLS":
		// The proxy terminates the TLS that follows and calls ResumePlain, or, without
		// a certificate, passes it through unread (the phone's session then gives nothing).
		if ok {
			m.tls = TLSAccepted
		} else {
			m.tls = TLSNone
		}
	case "LOGOUT":
		if m.loggedIn {
			m.loggedIn = false
			m.emit(m.box.boxEvent(etsi.BoxLogout, status(ok), m.now))
		}
	case "STORE", "UID STORE":
		if !ok || !m.loggedIn || len(c.args) < 3 {
			return
		}
		flags := strings.ToLower(c.args[1].text + " " + c.args[2].text)
		if !strings.HasPrefix(flags, "+flags") {
			return
		}
		if strings.Contains(flags, `\seen`) {
			r, _ := m.box.message(etsi.EventSave, c.args[0].text, etsi.StatusOperationSucceeded, m.now)
			m.emit(r)
		}
		if strings.Contains(flags, `\deleted`) {
			m.deleted = append(m.deleted, c.args[0].text)
		}
	case "EXPUNGE", "UID EXPUNGE", "CLOSE":
		if !m.loggedIn {
			return
		}
		for _, id := range m.deleted {
			r, _ := m.box.message(etsi.EventDelete, id, status(ok), m.now)
			m.emit(r)
		}
		m.deleted = nil
	case "APPEND":
		if !m.loggedIn || c.body == nil {
			return
		}
		msg, err := ParseVVMMessage(c.body)
		if err != nil && !errors.Is(err, ErrVVMAudioTooLarge) {
			m.ParseErrors++
		}
		if !msg.IsGreeting() && !strings.EqualFold(c.folder, "Greetings") {
			return
		}
		ev := etsi.BoxGreetingChange
		if !m.greeted {
			ev = etsi.BoxGreetingRecord
		}
		m.greeted = true
		r, key := m.box.greeting(ev, msg.GreetingType, status(ok), m.now)
		m.emit(r)
		if msg.Audio != nil {
			m.emit(m.box.audioCC(key, msg.AudioType, msg.Audio, etsi.DirectionFromTarget, m.now))
		}
	case "XCHANGE_TUI_PWD":
		// Succeeded only on a tagged OK. NO (the VVM server refused the PIN) and BAD
		// (a server that does not know the command, Dovecot for one) are a failed
		// attempt, reported without the pincode: that PIN never became the box's.
		if !m.loggedIn || c.pin == nil {
			return
		}
		if ok {
			m.emit(m.box.pinChange(*c.pin, etsi.StatusOperationSucceeded, m.now))
		} else {
			m.emit(m.box.boxEvent(etsi.BoxPinChange, etsi.StatusOperationFailed, m.now))
		}
	}
}

// literalDone handles a complete literal: a client's APPEND message or a server's
// FETCH body.
func (m *VVMMachine) literalDone(dir Direction) {
	i := dirIndex(dir)
	b := append([]byte(nil), m.litBuf[i]...)
	m.litBuf[i] = m.litBuf[i][:0]
	if dir == FromClient {
		if m.lastAppend != nil {
			m.lastAppend.body = b
			m.lastAppend = nil
		}
		return
	}
	if !m.loggedIn || !m.litFull {
		return
	}
	m.litFull = false
	msg, err := ParseVVMMessage(b)
	if err != nil && !errors.Is(err, ErrVVMAudioTooLarge) {
		m.ParseErrors++
		return
	}
	if msg.Context != VVMContextVoice {
		return
	}
	r, key := m.box.message(etsi.EventRetrieve, m.litUID, etsi.StatusOperationSucceeded, m.now)
	m.emit(r)
	if msg.Audio == nil {
		m.NoAudio++
		return
	}
	m.emit(m.box.audioCC(key, msg.AudioType, msg.Audio, etsi.DirectionToTarget, m.now))
}
