package translate

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
)

// FreeSWITCH translates mod_voicemail over ESL: vm::maintenance, MESSAGE_WAITING, the
// e-mail notification events, and channel execute/hangup, playback, record and DTMF
// events of calls that run the voicemail application.
type FreeSWITCH struct {
	// calls' boxes let MESSAGE_WAITING and mwi-update join a session's sequence.
	calls[fsSession]
	// greetings maps a mailbox to the personal greeting file it last used (record-,
	// change-greeting, or the greeting played to a caller), so remove-greeting, which
	// names no file, can deliver the greeting it takes out of use (Table 5). FreeSWITCH
	// keeps the file (slot 0 only deselects it), so it can still be read.
	greetings map[string]string
	// scratch is reused across events to avoid an allocation per event.
	scratch fsEvent
}

type fsMode int

const (
	fsModeUnknown fsMode = iota
	fsModeDeposit        // a caller leaving a message
	fsModeCheck          // the subscriber in the TUI
)

// tuiAction is a save or delete the subscriber keyed in, awaiting confirmation;
// eventKey links its started and settling records and the CC.
type tuiAction struct {
	save     bool
	file     string
	eventKey string
}

type fsSession struct {
	key, source, system string
	mode                fsMode
	box                 string
	caller, callerName  string
	opened, closed      bool
	loggedIn, exited    bool
	hungUp, finalised   bool
	recording           string // message file being recorded, no deposit yet
	deposited           bool
	playing             string // message file currently playing
	playKey             string
	interrupted         bool
	current             string // message the TUI menu refers to
	currentKey          string
	pending             []tuiAction
	total               int // messages in the box, -1 unknown
	seq                 int
	last                time.Time
	// pw caches the parties for pwCaller/pwBox.
	pw              *who
	pwBox, pwCaller string
}

// NewFreeSWITCH returns a FreeSWITCH translator.
func NewFreeSWITCH(cfg Config) *FreeSWITCH {
	cfg = cfg.withDefaults()
	return &FreeSWITCH{calls: newCalls[fsSession](cfg), greetings: make(map[string]string)}
}

// learnGreeting remembers box's active greeting file. The map is bounded by
// MaxSessions: when full an arbitrary box is forgotten (its next remove-greeting then
// carries no CC), which keeps memory flat on platforms with millions of boxes.
func (t *FreeSWITCH) learnGreeting(box, path string) {
	if box == "" || !usable(path) {
		return
	}
	if _, ok := t.greetings[box]; !ok && len(t.greetings) >= t.cfg.MaxSessions {
		for k := range t.greetings {
			delete(t.greetings, k)
			break
		}
	}
	t.greetings[strings.Clone(box)] = strings.Clone(path)
}

// Translate implements Translator.
func (t *FreeSWITCH) Translate(dst []Output, e *feed.Event) []Output {
	n := len(dst)
	return dropAnonymous(t.translate(dst, e), n)
}

func (t *FreeSWITCH) translate(dst []Output, e *feed.Event) []Output {
	f := &t.scratch
	*f = fsEvent{}
	f.collect(e)
	at := f.time(e)
	sys := t.begin(e, at, f.hostname)
	switch {
	case f.subclass == "vm::maintenance":
		return t.maintenance(dst, e, f, at, sys)
	case f.name == "MESSAGE_WAITING":
		return t.messageWaiting(dst, e, f, at, sys)
	case f.messageType == "voicemail" || f.messageType == "voicemail-notify" || f.messageType == "forwarded-voicemail":
		return t.emailNotification(dst, e, f, at, sys)
	case f.name == "MESSAGE_QUERY":
		return t.raw(dst, e, "fs.raw.message-query", f.uniqueID, "", at, sys)
	}
	if f.uniqueID == "" {
		return dst // not about a call we follow: dropped unread
	}
	switch f.name {
	case "CHANNEL_EXECUTE":
		return t.execute(dst, f, e, at, sys)
	case "CHANNEL_EXECUTE_COMPLETE":
		return t.executeComplete(dst, f, at)
	case "PLAYBACK_START":
		return t.playbackStart(dst, f, at)
	case "PLAYBACK_STOP":
		return t.playbackStop(dst, f, at)
	case "RECORD_START":
		if s := t.sessions.get(f.uniqueID, t.seen); s != nil && s.mode != fsModeCheck && isMessageFile(f.recordPath) {
			s.recording = strings.Clone(f.recordPath)
			s.last = at
		}
	case "DTMF":
		return t.dtmf(dst, f, at)
	case "CHANNEL_HANGUP":
		if s := t.sessions.get(f.uniqueID, t.seen); s != nil {
			s.hungUp = true
			s.last = at
		}
	case "CHANNEL_HANGUP_COMPLETE", "CHANNEL_DESTROY":
		if s := t.sessions.peek(f.uniqueID); s != nil {
			t.sessions.remove(f.uniqueID)
			return t.finalise(dst, s, at)
		}
	}
	// Other channel events are signals the rules above do not need.
	return dst
}

// session returns the session for the channel of f, creating it when create is set.
func (t *FreeSWITCH) session(dst []Output, f *fsEvent, e *feed.Event, at time.Time, sys string, create bool) (*fsSession, []Output) {
	if f.uniqueID == "" {
		return nil, dst
	}
	if s := t.sessions.get(f.uniqueID, t.seen); s != nil {
		s.last = at
		return s, dst
	}
	if !create {
		return nil, dst
	}
	s := &fsSession{key: strings.Clone(f.uniqueID), source: e.Source, system: strings.Clone(sys), total: -1, last: at}
	if usable(f.chCallerNumber) {
		// Clones: header strings view the whole event's buffer, which a long-lived
		// session must not keep alive.
		s.caller, s.callerName = strings.Clone(f.chCallerNumber), strings.Clone(f.chCallerName)
	}
	if ev := t.sessions.put(f.uniqueID, s, t.seen); ev != nil {
		dst = t.finalise(dst, ev, at)
	}
	return s, dst
}

func (s *fsSession) nextKey(kind string) string {
	s.seq++
	return kind + "-" + strconv.Itoa(s.seq)
}

// base starts an IRI in session s.
func (t *FreeSWITCH) base(s *fsSession, rule string, at time.Time) ev {
	return ev{rule: rule, key: s.key, boundary: record.Continue, at: at, box: s.box, trigger: etsi.TriggerUser}
}

// parties: the caller acts on the box; the box owner is the terminating party. Every
// record of a session names the same parties, so they are built once per caller/box and
// shared (clipped, so an append never writes into another record's slice).
func (t *FreeSWITCH) parties(w *who, s *fsSession) {
	if s.pw == nil || s.pwBox != s.box || s.pwCaller != s.caller {
		var c who
		c.number(etsi.PartyOriginating, s.caller)
		c.box(etsi.PartyTerminating, s.box, true, t.cfg.Directory)
		c.parties, c.ids = slices.Clip(c.parties), slices.Clip(c.ids)
		s.pw, s.pwBox, s.pwCaller = &c, s.box, s.caller
	}
	*w = *s.pw
}

func (t *FreeSWITCH) emit(dst []Output, s *fsSession, x *ev) []Output {
	return append(dst, x.build(s.source, s.system))
}

// setBox records which box session s acts on.
func (t *FreeSWITCH) setBox(s *fsSession, box string) {
	if box == "" {
		return
	}
	box = strings.Clone(box)
	s.box = box
	// A caller depositing into the box must not take MESSAGE_WAITING away from the
	// owner's TUI session, which needs it to confirm save and delete.
	t.claimBox(box, s.key, s.mode == fsModeCheck, func(o *fsSession) bool { return !o.closed && o.mode == fsModeCheck })
}

// execute handles CHANNEL_EXECUTE: the voicemail application starting is connect.
func (t *FreeSWITCH) execute(dst []Output, f *fsEvent, e *feed.Event, at time.Time, sys string) []Output {
	if f.application != "voicemail" {
		return dst
	}
	s, dst := t.session(dst, f, e, at, sys, true)
	if s.opened {
		return dst
	}
	check, box := parseVoicemailArgs(f.applicationData)
	if check {
		s.mode = fsModeCheck
	} else {
		s.mode = fsModeDeposit
	}
	t.setBox(s, box)
	s.opened = true
	x := t.base(s, "fs.connect", at)
	x.cat, x.status, x.boundary = catBox(etsi.BoxConnect), etsi.StatusOperationSucceeded, record.Open
	x.eventKey = ConnectEventKey
	x.closeEv = idleClose(s.system, s.box)
	t.parties(&x.who, s)
	return t.emit(dst, s, &x)
}

// parseVoicemailArgs reads `voicemail [check] [auth] <profile> <domain> [<id>]`.
func parseVoicemailArgs(data string) (check bool, box string) {
	fields := strings.Fields(data)
	if len(fields) > 0 && fields[0] == "check" {
		check = true
		fields = fields[1:]
	}
	if len(fields) > 0 && fields[0] == "auth" {
		fields = fields[1:]
	}
	if len(fields) >= 3 && usable(fields[2]) && !strings.HasPrefix(fields[2], "$") {
		box = fields[2] + "@" + fields[1]
	}
	return check, box
}

// executeComplete: the voicemail application returning while the call is still up is
// an explicit exit from the TUI (logout); a deposit call's inference can be settled.
func (t *FreeSWITCH) executeComplete(dst []Output, f *fsEvent, at time.Time) []Output {
	if f.application != "voicemail" {
		return dst
	}
	s := t.sessions.get(f.uniqueID, t.seen)
	if s == nil || s.closed {
		return dst
	}
	s.last = at
	if s.hungUp {
		return dst
	}
	s.exited = true
	if s.mode == fsModeCheck && s.loggedIn {
		dst = t.settle(dst, s, at)
		x := t.base(s, "fs.logout", at)
		x.cat, x.status, x.boundary = catBox(etsi.BoxLogout), etsi.StatusOperationSucceeded, record.Close
		t.parties(&x.who, s)
		s.closed = true
		return t.emit(dst, s, &x)
	}
	return t.settle(dst, s, at)
}

// finalise ends a session: settles inferences still open and closes its sequence.
func (t *FreeSWITCH) finalise(dst []Output, s *fsSession, at time.Time) []Output {
	if s.finalised {
		return dst
	}
	s.finalised = true
	t.releaseBox(s.box, s.key)
	dst = t.settle(dst, s, at)
	if s.closed {
		return dst
	}
	s.closed = true
	x := t.base(s, "fs.disconnect", at)
	x.cat, x.status, x.boundary = catBox(etsi.BoxDisconnect), etsi.StatusOperationSucceeded, record.Close
	if s.mode == fsModeCheck && s.loggedIn && s.exited {
		x.rule, x.cat = "fs.logout", catBox(etsi.BoxLogout)
	}
	t.parties(&x.who, s)
	return t.emit(dst, s, &x)
}

// settle emits what the session still owes: an interrupted playback, unconfirmed
// save/delete key presses, a recording no deposit followed (slamdown).
func (t *FreeSWITCH) settle(dst []Output, s *fsSession, at time.Time) []Output {
	if s.playing != "" {
		dst = t.retrieveEnd(dst, s, etsi.StatusOperationCancelled, at)
	}
	for _, a := range s.pending {
		dst = t.tuiResult(dst, s, a, etsi.StatusUnknown, "fs.tui-unconfirmed", at)
	}
	s.pending = nil
	if s.recording != "" && !s.deposited {
		x := t.base(s, "fs.slamdown", at)
		x.cat, x.status = catMessage(etsi.EventSlamdown), etsi.StatusNotApplicable
		t.parties(&x.who, s)
		dst = t.emit(dst, s, &x)
	}
	s.recording = ""
	return dst
}

// Expire implements Translator.
func (t *FreeSWITCH) Expire(dst []Output, now time.Time) []Output {
	return expireSessions(dst, t.sessions, now, t.finalise)
}

// Flush implements Translator.
func (t *FreeSWITCH) Flush(dst []Output, now time.Time) []Output {
	return flushSessions(dst, t.sessions, now, func(s *fsSession) time.Time { return s.last }, t.finalise)
}

// raw is the untranslatable-event rule: status and trigger unknown, no category, the
// event's bytes in original-message. It joins the session of key when that is tracked.
func (t *FreeSWITCH) raw(dst []Output, e *feed.Event, rule, key, box string, at time.Time, sys string) []Output {
	x := ev{rule: rule, at: at, box: box, raw: rawBytes(eslBody(e.Raw)), status: etsi.StatusUnknown, trigger: etsi.TriggerUnknown}
	if key == "" && box != "" {
		key = t.boxes[box]
	}
	if s := t.sessions.peek(key); key != "" && s != nil && !s.closed {
		x.key, x.boundary = key, record.Continue
		if box == "" {
			x.box = s.box
		}
		t.parties(&x.who, s)
	} else {
		x.key, x.boundary = "raw:"+box+":"+key, record.Standalone
		x.who.box(etsi.PartyTerminating, x.box, true, t.cfg.Directory)
	}
	if len(x.who.ids) == 0 {
		return dst // concerns nobody we can name: dropped unread
	}
	return append(dst, x.build(e.Source, sys))
}

// isMessageFile reports whether path names a voicemail message (msg_<uuid>.<ext>).
func isMessageFile(path string) bool {
	return strings.HasPrefix(baseName(path), "msg_")
}

// greetingKind classifies a greeting file: greeting_N is personal, recorded_name name.
func greetingKind(path string) (etsi.MessagingGreetingType, bool) {
	b := baseName(path)
	switch {
	case strings.HasPrefix(b, "greeting_"):
		return etsi.GreetingPersonal, true
	case strings.HasPrefix(b, "recorded_name"):
		return etsi.GreetingName, true
	}
	return 0, false
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, "/\\"); i >= 0 {
		return path[i+1:]
	}
	return path
}

// eslBody is the event as FreeSWITCH serialised it (vendor-feeds.md 5.1): the frame's
// Content-Length body, without the outer framing headers.
func eslBody(frame []byte) []byte {
	if !strings.HasPrefix(string(frame[:min(len(frame), 32)]), "Content-") {
		return frame
	}
	for i := 0; i+1 < len(frame); i++ {
		if frame[i] == '\n' && frame[i+1] == '\n' {
			return frame[i+2:]
		}
		if frame[i] == '\n' && i+2 < len(frame) && frame[i+1] == '\r' && frame[i+2] == '\n' {
			return frame[i+3:]
		}
	}
	return frame
}
