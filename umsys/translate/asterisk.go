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
	calls[amiSession]
	// counts is each box's New/Old from its last MessageWaiting, where VoiceMailMain's
	// folder sizes come from. Bounded by MaxSessions like the session table.
	counts  map[string]mwiCounts
	scratch amiEvent
}

type mwiCounts struct{ new, old int }

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
	// tui follows the VoiceMailMain menu from the channel's DTMF (nil on VoiceMail).
	tui  *amiTUI
	seq  int
	last time.Time
}

type amiEvent struct {
	name, uniqueID, application, appData string
	callerNum, mailbox, context, waiting string
	variable, value, password            string
	timestamp, systemName, action        string
	digit, direction, newCount, oldCount string
	callID                               string // SIP Call-ID from a ChanVariable
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
		case "Digit":
			a.digit = h.Value
		case "Direction":
			a.direction = h.Value
		case "New":
			a.newCount = h.Value
		case "Old":
			a.oldCount = h.Value
		case "ChanVariable":
			a.chanVariable(h.Value)
		default:
			a.collectFold(h)
		}
	}
}

// chanVariable reads the SIP Call-ID of the channel from manager.conf channelvars:
// CHANNEL(pjsip,call-id) (chan_pjsip) or SIPCALLID (chan_sip sets it).
func (a *amiEvent) chanVariable(v string) {
	name, val, ok := strings.Cut(v, "=")
	if !ok || val == "" {
		return
	}
	switch {
	case strings.EqualFold(name, "CHANNEL(pjsip,call-id)"), strings.EqualFold(name, "CHANNEL(sip,call-id)"), name == "SIPCALLID":
		a.callID = val
	}
}

// collectFold handles non-canonical spellings (AMI lookups are case-insensitive).
func (a *amiEvent) collectFold(h *feed.Header) {
	if len(h.Name) > len("ChanVariable") && strings.EqualFold(h.Name[:len("ChanVariable")], "ChanVariable") {
		// manager_event's legacy form: "ChanVariable(<channel>): name=value".
		a.chanVariable(h.Value)
		return
	}
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
	return &Asterisk{calls: newCalls[amiSession](cfg), counts: make(map[string]mwiCounts)}
}

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
	sys := t.begin(e, at, a.systemName)
	switch a.name {
	case "Newexten":
		return t.newexten(dst, e, a, at, sys)
	case "VarSet":
		return t.varSet(dst, a, at)
	case "DTMFEnd":
		return t.dtmf(dst, a, at)
	case "DTMFBegin":
		return dst // DTMFEnd carries the same digit
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
			if s.tui != nil && !s.closed {
				// VoiceMailMain returned to the dialplan: without its end-of-session
				// MessageWaiting the subscriber never got in.
				dst = t.tuiUnconfirmed(dst, s, at)
			}
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
	key := a.uniqueID
	if a.callID != "" {
		// The call's SIP Call-ID (channelvars) is the correlation key the RTP capture
		// of the same call uses (rtpcapture.CorrelationKeyFor without a platform UUID),
		// so its MessagingCC share this session's CIN.
		key = "sip:" + a.callID
	}
	s := &amiSession{key: strings.Clone(key), tkey: a.tkey, source: e.Source, system: strings.Clone(sys), check: app == "voicemailmain", last: at}
	if usable(a.callerNum) {
		s.caller = strings.Clone(a.callerNum) // header strings view the event's buffer
	}
	if ev := t.sessions.put(a.tkey, s, t.seen); ev != nil {
		dst = t.finalise(dst, ev, at)
	}
	var m mainArgs
	if s.check {
		m, s.tui = t.startTUI(s, a.appData)
		t.setBox(s, m.box)
	} else {
		t.setBox(s, voicemailBox(a.appData))
	}
	x := t.base(s, "ami.connect", at)
	x.cat, x.status, x.boundary = catBox(etsi.BoxConnect), etsi.StatusOperationSucceeded, record.Open
	x.eventKey = ConnectEventKey
	x.closeEv = idleClose(s.system, s.box)
	t.parties(&x.who, s)
	dst = append(dst, x.build(s.source, s.system))
	if s.tui != nil && s.tui.phase == tuiMenu {
		// Option s: no PIN is asked, the subscriber is in.
		dst = t.tuiLoginStart(dst, s, s.tui, at)
	}
	return dst
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
	// A caller depositing into the box must not take it from the owner's VoiceMailMain
	// session, whose end-of-session counts must account for the deposit.
	t.claimBox(box, s.tkey, s.check, func(o *amiSession) bool { return !o.closed && o.check })
}

// noteCounts remembers the box's New/Old from a MessageWaiting.
func (t *Asterisk) noteCounts(box string, a *amiEvent) {
	n, err1 := strconv.Atoi(a.newCount)
	o, err2 := strconv.Atoi(a.oldCount)
	if box == "" || err1 != nil || err2 != nil || n < 0 || o < 0 {
		return
	}
	if _, ok := t.counts[box]; !ok {
		if len(t.counts) >= t.cfg.MaxSessions {
			for k := range t.counts {
				delete(t.counts, k) // full: forget an arbitrary box, memory stays flat
				break
			}
		}
		box = strings.Clone(box)
	}
	t.counts[box] = mwiCounts{new: n, old: o}
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
	defer t.noteCounts(box, a)
	s := t.sessions.get(a.tkey, t.seen)
	if a.tkey == "" || s == nil || s.closed {
		return t.raw(dst, e, "ami.raw.MessageWaiting", "", box, at, sys)
	}
	s.last = at
	if s.check {
		t.setBox(s, box)
		dst = t.tuiConfirm(dst, s, a, at)
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
	if o := t.sessions.peek(t.boxes[box]); o != nil && o != s && o.tui != nil && !o.closed {
		o.tui.deposit++ // the owner is in VoiceMailMain: INBOX grows under it
	}
	s.deposited = true
	x := t.base(s, "ami.deposit", at)
	x.cat, x.status = catMessage(etsi.EventDeposit), etsi.StatusOperationSucceeded
	x.eventKey = s.nextKey("deposit")
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

func (s *amiSession) nextKey(kind string) string {
	s.seq++
	return kind + "-" + strconv.Itoa(s.seq)
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
		var pre []Output
		if s.check {
			// reset_user_pw runs only inside an authenticated session.
			pre = t.tuiLoginSettle(nil, s, at)
		}
		dst = append(dst, pre...)
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
	t.releaseBox(s.box, s.tkey)
	if s.closed {
		return dst
	}
	dst = t.tuiUnconfirmed(dst, s, at)
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
