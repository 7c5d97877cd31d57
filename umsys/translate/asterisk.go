package translate

import (
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
)

// Asterisk translates app_voicemail over AMI. AMI says almost nothing about voicemail,
// so connect/disconnect come from the dialplan (Newexten of VoiceMail/VoiceMailMain,
// Hangup), deposit and logout from the MessageWaiting fired on the depositing or TUI
// channel, slamdown from VMSTATUS=FAILED with no deposit, pin-change from
// VoicemailPasswordChange.
type Asterisk struct {
	cfg      Config
	sessions *table[amiSession]
	boxes    map[string]string
	scratch  amiEvent
	seen     time.Time // umli's clock for the current event (idle expiry)
}

type amiSession struct {
	// key is the correlation key (Uniqueid); tkey the table key, which adds the source
	// because Uniqueids are unique per Asterisk server only.
	key, tkey, source, system string
	check                     bool // VoiceMailMain rather than VoiceMail
	box                       string
	caller                    string
	closed, deposited         bool
	failed                    bool
	// msgFile is VM_MESSAGEFILE: app_voicemail sets it to the spool path of the message
	// being stored (<spool>/<context>/<mailbox>/<folder>/msgNNNN, no extension) before
	// notify_new_message fires the deposit's MessageWaiting.
	msgFile string
	seq     int
	last    time.Time
}

type amiEvent struct {
	name, uniqueID, application, appData string
	callerNum, mailbox, context, waiting string
	variable, value, password            string
	timestamp, systemName, action        string
	tkey                                 string // session table key: source + Uniqueid
	hasPassword                          bool
}

func (a *amiEvent) collect(e *feed.Event) {
	for i := range e.Headers {
		h := &e.Headers[i]
		// AMI header names are case-insensitive; the canonical spelling is the norm.
		switch h.Name {
		case "Event":
			a.name = h.Value
		case "Uniqueid":
			a.uniqueID = h.Value
		case "Application":
			a.application = h.Value
		case "AppData":
			a.appData = h.Value
		case "CallerIDNum":
			a.callerNum = h.Value
		case "Mailbox":
			a.mailbox = h.Value
		case "Context":
			a.context = h.Value
		case "Waiting":
			a.waiting = h.Value
		case "Variable":
			a.variable = h.Value
		case "Value":
			a.value = h.Value
		case "NewPassword":
			a.password, a.hasPassword = h.Value, true
		case "Timestamp":
			a.timestamp = h.Value
		case "SystemName":
			a.systemName = h.Value
		case "Action":
			a.action = h.Value
		default:
			a.collectFold(h)
		}
	}
}

// collectFold handles non-canonical spellings (AMI lookups are case-insensitive).
func (a *amiEvent) collectFold(h *feed.Header) {
	for _, f := range [...]struct {
		name string
		dst  *string
	}{{"Event", &a.name}, {"Uniqueid", &a.uniqueID}, {"Mailbox", &a.mailbox}, {"NewPassword", &a.password}} {
		if strings.EqualFold(h.Name, f.name) && *f.dst == "" {
			*f.dst = h.Value
			if f.name == "NewPassword" {
				a.hasPassword = true
			}
		}
	}
}

func (a *amiEvent) time(e *feed.Event) time.Time {
	if a.timestamp != "" {
		if f, err := strconv.ParseFloat(a.timestamp, 64); err == nil && f > 0 {
			return time.UnixMicro(int64(f * 1e6)).UTC()
		}
	}
	return e.Received
}

// NewAsterisk returns an Asterisk translator.
func NewAsterisk(cfg Config) *Asterisk {
	cfg = cfg.withDefaults()
	return &Asterisk{cfg: cfg, sessions: newTable[amiSession](cfg.MaxSessions, cfg.IdleTimeout), boxes: make(map[string]string)}
}

// Sessions is the number of calls currently tracked.
func (t *Asterisk) Sessions() int { return t.sessions.len() }

// Translate implements Translator.
func (t *Asterisk) Translate(dst []Output, e *feed.Event) []Output {
	n := len(dst)
	return dropAnonymous(t.translate(dst, e), n)
}

func (t *Asterisk) translate(dst []Output, e *feed.Event) []Output {
	a := &t.scratch
	*a = amiEvent{}
	a.collect(e)
	a.tkey = ""
	if a.uniqueID != "" {
		a.tkey = e.Source + "\x00" + a.uniqueID
	}
	at := a.time(e)
	t.seen = e.Received
	if t.seen.IsZero() {
		t.seen = at
	}
	sys := t.cfg.SystemID
	if sys == "" {
		sys = a.systemName
	}
	switch a.name {
	case "Newexten":
		return t.newexten(dst, e, a, at, sys)
	case "VarSet":
		return t.varSet(dst, a, at)
	case "Hangup":
		if s := t.sessions.peek(a.tkey); a.tkey != "" && s != nil {
			t.sessions.remove(a.tkey)
			return t.finalise(dst, s, at)
		}
		return dst
	case "MessageWaiting":
		return t.messageWaiting(dst, e, a, at, sys)
	case "VoicemailPasswordChange":
		return t.pinChange(dst, e, a, at, sys)
	case "MiniVoiceMail":
		return t.miniVoiceMail(dst, e, a, at, sys)
	case "VoicemailUserEntry", "VoicemailUserEntryComplete", "VoicemailUserDetail", "VoicemailUserDetailComplete",
		"VoicemailBoxDetail", "VoicemailBoxDetailComplete", "FullyBooted":
		return dst // state snapshots answering our own actions: not IRI
	}
	if a.mailbox != "" && strings.Contains(strings.ToLower(a.name), "voicemail") {
		return t.raw(dst, e, "ami.raw."+a.name, a.tkey, a.mailbox, at, sys)
	}
	return dst // not a voicemail event: dropped unread
}

func (t *Asterisk) newexten(dst []Output, e *feed.Event, a *amiEvent, at time.Time, sys string) []Output {
	app := strings.ToLower(a.application)
	if app != "voicemail" && app != "voicemailmain" {
		if s := t.sessions.get(a.tkey, t.seen); s != nil {
			s.last = at
		}
		return dst
	}
	if a.uniqueID == "" {
		return dst
	}
	if s := t.sessions.get(a.tkey, t.seen); s != nil {
		s.last = at
		return dst
	}
	s := &amiSession{key: strings.Clone(a.uniqueID), tkey: a.tkey, source: e.Source, system: strings.Clone(sys), check: app == "voicemailmain", last: at}
	if usable(a.callerNum) {
		s.caller = strings.Clone(a.callerNum) // header strings view the event's buffer
	}
	if ev := t.sessions.put(a.tkey, s, t.seen); ev != nil {
		dst = t.finalise(dst, ev, at)
	}
	t.setBox(s, voicemailBox(a.appData))
	x := t.base(s, "ami.connect", at)
	x.cat, x.status, x.boundary = catBox(etsi.BoxConnect), etsi.StatusOperationSucceeded, record.Open
	x.eventKey = ConnectEventKey
	x.closeEv = idleClose(s.system, s.box)
	t.parties(&x.who, s)
	return append(dst, x.build(s.source, s.system))
}

// voicemailBox is the first mailbox of VoiceMail/VoiceMailMain AppData
// ("1234@default&5678,u").
func voicemailBox(data string) string {
	if i := strings.IndexAny(data, ",|"); i >= 0 {
		data = data[:i]
	}
	if i := strings.IndexByte(data, '&'); i >= 0 {
		data = data[:i]
	}
	data = strings.TrimSpace(data)
	if data == "" {
		return ""
	}
	if !strings.Contains(data, "@") {
		data += "@default"
	}
	return data
}

func (t *Asterisk) setBox(s *amiSession, box string) {
	if box == "" {
		return
	}
	box = strings.Clone(box)
	s.box = box
	t.boxes[box] = s.tkey
}

func (t *Asterisk) base(s *amiSession, rule string, at time.Time) ev {
	return ev{rule: rule, key: s.key, boundary: record.Continue, at: at, box: s.box, trigger: etsi.TriggerUser}
}

func (t *Asterisk) parties(w *who, s *amiSession) {
	w.number(etsi.PartyOriginating, s.caller)
	w.box(etsi.PartyTerminating, s.box, false, t.cfg.Directory)
}

// varSet: VMSTATUS=FAILED on a VoiceMail channel without a deposit is a slamdown
// (too short, or hung up before the beep).
func (t *Asterisk) varSet(dst []Output, a *amiEvent, at time.Time) []Output {
	s := t.sessions.get(a.tkey, t.seen)
	if s == nil || (a.variable != "VMSTATUS" && a.variable != "VM_MESSAGEFILE") || s.check {
		return dst
	}
	s.last = at
	if a.variable == "VM_MESSAGEFILE" {
		if !s.deposited {
			s.msgFile = strings.Clone(a.value)
		}
		return dst
	}
	if a.value == "FAILED" && !s.deposited && !s.failed {
		s.failed = true
		x := t.base(s, "ami.slamdown", at)
		x.cat, x.status = catMessage(etsi.EventSlamdown), etsi.StatusNotApplicable
		t.parties(&x.who, s)
		return append(dst, x.build(s.source, s.system))
	}
	return dst
}

// messageWaiting on the depositing channel is a deposit (app_voicemail fires it from
// notify_new_message only after the message is stored), on the TUI channel the end of
// the VoiceMailMain session (logout). Anything else is delivered raw.
func (t *Asterisk) messageWaiting(dst []Output, e *feed.Event, a *amiEvent, at time.Time, sys string) []Output {
	box := a.mailbox
	s := t.sessions.get(a.tkey, t.seen)
	if a.tkey == "" || s == nil || s.closed {
		return t.raw(dst, e, "ami.raw.MessageWaiting", "", box, at, sys)
	}
	s.last = at
	if s.check {
		t.setBox(s, box)
		x := t.base(s, "ami.logout", at)
		x.cat, x.status, x.boundary = catBox(etsi.BoxLogout), etsi.StatusOperationSucceeded, record.Close
		t.parties(&x.who, s)
		s.closed = true
		return append(dst, x.build(s.source, s.system))
	}
	if s.deposited {
		// notify_new_message fires once per stored deposit; a second update on the
		// same call (extra recipient) is delivered raw.
		return t.raw(dst, e, "ami.raw.MessageWaiting", s.tkey, box, at, sys)
	}
	if s.box != box {
		t.setBox(s, box)
	}
	s.deposited = true
	x := t.base(s, "ami.deposit", at)
	x.cat, x.status = catMessage(etsi.EventDeposit), etsi.StatusOperationSucceeded
	x.eventKey = s.nextKey()
	if loc, ok := spoolMessage(s.msgFile, box, t.cfg.AsteriskFormat); ok {
		// Table 5: the deposited message is CC. The caller speaks into the box.
		x.content = &ContentRef{Location: loc, Direction: etsi.DirectionIndeterminate}
	}
	s.msgFile = ""
	t.parties(&x.who, s)
	return append(dst, x.build(s.source, s.system))
}

// spoolMessage is the audio file of a stored message: VM_MESSAGEFILE plus the extension
// of voicemail.conf's first format. The path must be app_voicemail's spool layout for
// the box MessageWaiting names (…/<context>/<mailbox>/<folder>/msgNNNN), so a variable
// left over from another recipient or set by the dialplan never names the content.
func spoolMessage(file, box, format string) (string, bool) {
	if file == "" || !strings.HasPrefix(file, "/") || strings.Contains(file, "..") {
		return "", false
	}
	parts := strings.Split(file, "/")
	if len(parts) < 5 {
		return "", false
	}
	n := len(parts)
	name, mailbox, context := parts[n-1], parts[n-3], parts[n-4]
	if len(name) != 7 || !strings.HasPrefix(name, "msg") {
		return "", false
	}
	if _, err := strconv.Atoi(name[3:]); err != nil {
		return "", false
	}
	if mailbox+"@"+context != box {
		return "", false
	}
	return file + "." + asteriskExt(format), true
}

// asteriskExt is the file extension app_voicemail writes for a voicemail.conf format.
func asteriskExt(format string) string {
	switch strings.ToLower(format) {
	case "", "wav":
		return "wav"
	case "wav49":
		return "WAV"
	case "ulaw", "mulaw", "pcm":
		return "ulaw"
	case "alaw":
		return "alaw"
	}
	return format
}

func (s *amiSession) nextKey() string {
	s.seq++
	return "deposit-" + strconv.Itoa(s.seq)
}

// pinChange: VoicemailPasswordChange carries the new PIN in clear; it goes into the
// pincode property only.
func (t *Asterisk) pinChange(dst []Output, e *feed.Event, a *amiEvent, at time.Time, sys string) []Output {
	ctx := a.context
	if ctx == "" {
		ctx = "default"
	}
	box := a.mailbox
	if box == "" {
		return dst
	}
	if !strings.Contains(box, "@") {
		box += "@" + ctx
	}
	x := ev{rule: "ami.pin-change", at: at, box: box, cat: catBox(etsi.BoxPinChange), status: etsi.StatusOperationSucceeded, trigger: etsi.TriggerUser}
	if p, ok := propPincode(a.password); ok {
		x.props = append(x.props, p)
	}
	src := e.Source
	if s := t.sessions.get(t.boxes[box], t.seen); s != nil && !s.closed {
		x.key, x.boundary, src = s.key, record.Continue, s.source
		if sys == "" {
			sys = s.system
		}
		t.parties(&x.who, s)
	} else {
		x.key, x.boundary = "pin:"+box, record.Standalone
		x.who.box(etsi.PartyTerminating, box, false, t.cfg.Directory)
	}
	return append(dst, x.build(src, sys))
}

// miniVoiceMail: app_minivm reports a notification it sent; the result is not reported.
func (t *Asterisk) miniVoiceMail(dst []Output, e *feed.Event, a *amiEvent, at time.Time, sys string) []Output {
	if a.action != "SentNotification" || a.mailbox == "" {
		return t.raw(dst, e, "ami.raw.MiniVoiceMail", a.tkey, a.mailbox, at, sys)
	}
	x := ev{rule: "ami.email-notification", at: at, box: a.mailbox, cat: catNotification(etsi.NotificationEmail), status: etsi.StatusUnknown, trigger: etsi.TriggerSystem}
	x.who.box(etsi.PartyTerminating, a.mailbox, false, t.cfg.Directory)
	x.key, x.boundary, x.eventKey = "notify:"+a.mailbox+":"+a.uniqueID, record.Standalone, "notify"
	return append(dst, x.build(e.Source, sys))
}

func (t *Asterisk) raw(dst []Output, e *feed.Event, rule, key, box string, at time.Time, sys string) []Output {
	x := ev{rule: rule, at: at, box: box, raw: rawBytes(e.Raw), status: etsi.StatusUnknown, trigger: etsi.TriggerUnknown}
	if key == "" && box != "" {
		key = t.boxes[box]
	}
	if s := t.sessions.peek(key); key != "" && s != nil && !s.closed {
		x.key, x.boundary = s.key, record.Continue
		t.parties(&x.who, s)
	} else {
		_, id, _ := strings.Cut(key, "\x00")
		x.key, x.boundary = "raw:"+box+":"+id, record.Standalone
		x.who.box(etsi.PartyTerminating, box, false, t.cfg.Directory)
	}
	if len(x.who.ids) == 0 {
		return dst
	}
	return append(dst, x.build(e.Source, sys))
}

func (t *Asterisk) finalise(dst []Output, s *amiSession, at time.Time) []Output {
	if t.boxes[s.box] == s.tkey {
		delete(t.boxes, s.box)
	}
	if s.closed {
		return dst
	}
	s.closed = true
	x := t.base(s, "ami.disconnect", at)
	x.cat, x.status, x.boundary = catBox(etsi.BoxDisconnect), etsi.StatusOperationSucceeded, record.Close
	t.parties(&x.who, s)
	return append(dst, x.build(s.source, s.system))
}

// Expire implements Translator.
func (t *Asterisk) Expire(dst []Output, now time.Time) []Output {
	return expireSessions(dst, t.sessions, now, t.finalise)
}

// Flush implements Translator.
func (t *Asterisk) Flush(dst []Output, now time.Time) []Output {
	return flushSessions(dst, t.sessions, now, func(s *amiSession) time.Time { return s.last }, t.finalise)
}
