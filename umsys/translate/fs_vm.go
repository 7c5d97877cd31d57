package translate

import (
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
)

// maintenance translates CUSTOM vm::maintenance (mod_voicemail's nine VM-Action values).
func (t *FreeSWITCH) maintenance(dst []Output, e *feed.Event, f *fsEvent, at time.Time, sys string) []Output {
	box := f.box()
	switch f.action {
	case "leave-message":
		return t.deposit(dst, e, f, box, at, sys)
	case "authentication":
		s, dst := t.session(dst, f, e, at, sys, true)
		if s == nil {
			return t.raw(dst, e, "fs.raw.authentication", "", box, at, sys)
		}
		if s.mode == fsModeUnknown {
			s.mode = fsModeCheck
		}
		t.setBox(s, box)
		x := t.base(s, "fs.login", at)
		x.cat = catBox(etsi.BoxLogin)
		if f.authResult == "success" {
			x.status, s.loggedIn = etsi.StatusOperationSucceeded, true
		} else {
			x.status = etsi.StatusOperationFailed
		}
		t.parties(&x.who, s)
		return t.emit(dst, s, &x)
	case "change-password":
		s, dst := t.session(dst, f, e, at, sys, true)
		if s == nil {
			return t.raw(dst, e, "fs.raw.change-password", "", box, at, sys)
		}
		t.setBox(s, box)
		x := t.base(s, "fs.pin-change", at)
		x.cat, x.status = catBox(etsi.BoxPinChange), etsi.StatusOperationSucceeded
		// The new PIN goes into the IRI only; it is never logged or kept.
		if p, ok := propPincode(f.password); ok {
			x.props = append(x.props, p)
		}
		t.parties(&x.who, s)
		return t.emit(dst, s, &x)
	case "record-greeting":
		return t.greeting(dst, e, f, box, "fs.greeting-record", etsi.BoxGreetingRecord, etsi.GreetingPersonal, f.greetingPath, at, sys)
	case "change-greeting":
		return t.greeting(dst, e, f, box, "fs.greeting-change", etsi.BoxGreetingChange, etsi.GreetingPersonal, f.greetingPath, at, sys)
	case "remove-greeting":
		// Slot 0: back to the system greeting. The event names no file; the CC is the
		// greeting the box used until now, when known (the file stays on disk).
		old := t.greetings[box]
		delete(t.greetings, box)
		return t.greeting(dst, e, f, box, "fs.greeting-delete", etsi.BoxGreetingDelete, etsi.GreetingPersonal, old, at, sys)
	case "record-name":
		return t.greeting(dst, e, f, box, "fs.name-record", etsi.BoxGreetingRecord, etsi.GreetingName, f.namePath, at, sys)
	case "folder-summary":
		if s := t.sessions.get(f.uniqueID, t.seen); s != nil {
			// A new folder summary means the TUI is back at the main menu: keys no
			// longer refer to the last message.
			s.current, s.currentKey = "", ""
			if n, err1 := strconv.Atoi(f.totalNew); err1 == nil {
				if m, err2 := strconv.Atoi(f.totalSaved); err2 == nil {
					s.total = n + m
				}
			}
		}
		return t.raw(dst, e, "fs.raw.folder-summary", f.uniqueID, box, at, sys)
	default: // mwi-update and actions this translator does not know
		return t.raw(dst, e, "fs.raw."+f.action, f.uniqueID, box, at, sys)
	}
}

// deposit: leave-message is fired right before the message is stored. With a channel
// block it is a caller's deposit (trigger user); without, an API inject or broadcast
// (system-operator).
func (t *FreeSWITCH) deposit(dst []Output, e *feed.Event, f *fsEvent, box string, at time.Time, sys string) []Output {
	var s *fsSession
	if f.uniqueID != "" {
		s, dst = t.session(dst, f, e, at, sys, true)
	}
	x := ev{rule: "fs.deposit", at: at, box: box, trigger: etsi.TriggerUser, status: etsi.StatusOperationSucceeded, cat: catMessage(etsi.EventDeposit)}
	if s != nil {
		if s.mode == fsModeUnknown {
			s.mode = fsModeDeposit
		}
		s.deposited = true
		s.recording = ""
		if s.box == "" {
			t.setBox(s, box)
		}
		x.key, x.boundary, x.eventKey = s.key, record.Continue, s.nextKey("deposit")
	} else {
		x.rule, x.trigger = "fs.deposit.api", etsi.TriggerSystemOperator
		x.key, x.boundary, x.eventKey = "deposit:"+f.vmUUID, record.Standalone, "deposit"
	}
	x.who.number(etsi.PartyOriginating, f.callerNumber)
	x.who.box(etsi.PartyTerminating, box, true, t.cfg.Directory)
	switch f.flags {
	case "A_URGENT":
		x.props = append(x.props, propPriority(etsi.PriorityHigh))
	case "B_NORMAL":
		x.props = append(x.props, propPriority(etsi.PriorityMedium))
	}
	if usable(f.vmUUID) {
		x.props = append(x.props, propMessageID(f.vmUUID))
	}
	if sec, err := strconv.ParseInt(f.vmTimestamp, 10, 64); err == nil && sec > 0 {
		x.props = append(x.props, propDate(time.Unix(sec, 0).UTC()))
	}
	if usable(f.filePath) {
		x.content = &ContentRef{Location: f.filePath, Direction: etsi.DirectionIndeterminate}
	}
	src := e.Source
	if s != nil {
		src = s.source
	}
	return append(dst, x.build(src, sys))
}

// greeting handles the greeting and recorded-name actions of the TUI config menu.
func (t *FreeSWITCH) greeting(dst []Output, e *feed.Event, f *fsEvent, box, rule string, be etsi.MessagingBoxEvent, gt etsi.MessagingGreetingType, path string, at time.Time, sys string) []Output {
	s, dst := t.session(dst, f, e, at, sys, true)
	if s == nil {
		return t.raw(dst, e, "fs.raw."+f.action, "", box, at, sys)
	}
	t.setBox(s, box)
	x := t.base(s, rule, at)
	x.cat, x.status = catBox(be), etsi.StatusOperationSucceeded
	x.props = append(x.props, propGreeting(gt))
	x.eventKey = s.nextKey("greeting")
	if usable(path) {
		x.content = &ContentRef{Location: path, Direction: etsi.DirectionFromTarget}
	}
	if be == etsi.BoxGreetingRecord && gt == etsi.GreetingPersonal || be == etsi.BoxGreetingChange {
		// A recorded greeting becomes the active one (vendor-feeds.md §1.3).
		t.learnGreeting(box, path)
	}
	t.parties(&x.who, s)
	return t.emit(dst, s, &x)
}

// messageWaiting: MESSAGE_WAITING is state, not an action; it is delivered raw. When the
// box's TUI session has save/delete key presses pending, it also confirms them: the
// TUI purges deleted and marks saved messages right before this update.
func (t *FreeSWITCH) messageWaiting(dst []Output, e *feed.Event, f *fsEvent, at time.Time, sys string) []Output {
	box := f.mwiAccount
	key := t.boxes[box]
	if s := t.sessions.get(key, t.seen); key != "" && s != nil && len(s.pending) > 0 && f.updateReason != "NEW" {
		total, known := parseMWICount(f.mwiVoice)
		deletes := 0
		for _, a := range s.pending {
			if !a.save {
				deletes++
			}
		}
		delStatus := etsi.StatusOperationSucceeded
		if known && s.total >= 0 && s.total-total < deletes {
			// The count did not drop as far as the deletes keyed in: cannot confirm.
			delStatus = etsi.StatusUnknown
		}
		for _, a := range s.pending {
			st := etsi.StatusOperationSucceeded
			if !a.save {
				st = delStatus
			}
			dst = t.tuiResult(dst, s, a, st, "fs.tui-confirmed", at)
		}
		s.pending = nil
		if known {
			s.total = total
		}
	} else if s != nil && key != "" {
		if total, known := parseMWICount(f.mwiVoice); known {
			s.total = total
		}
	}
	return t.raw(dst, e, "fs.raw.message-waiting", key, box, at, sys)
}

// parseMWICount reads MWI-Voice-Message "new/saved" or "new/saved (nu/su)" into new+saved.
func parseMWICount(v string) (int, bool) {
	if i := strings.IndexByte(v, ' '); i >= 0 {
		v = v[:i]
	}
	a, b, ok := strings.Cut(v, "/")
	if !ok {
		return 0, false
	}
	n, err1 := strconv.Atoi(a)
	m, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return n + m, true
}

// emailNotification: mod_voicemail fires the notification event just before handing
// the mail to the MTA, so the outcome is unknown: operation-started.
func (t *FreeSWITCH) emailNotification(dst []Output, e *feed.Event, f *fsEvent, at time.Time, sys string) []Output {
	box := ""
	if usable(f.vmAccount) {
		box = f.vmAccount
		if usable(f.vmDomain) {
			box += "@" + f.vmDomain
		}
	}
	x := ev{rule: "fs.email-notification", at: at, box: box, cat: catNotification(etsi.NotificationEmail), status: etsi.StatusOperationStarted, trigger: etsi.TriggerSystem}
	switch f.messageType {
	case "voicemail":
		x.props = append(x.props, propNotification(etsi.NotifyMessageToEmail))
		x.who.email(etsi.PartyTerminating, f.vmEmail)
	case "voicemail-notify":
		x.props = append(x.props, propNotification(etsi.NotifyMessageWaiting))
		x.who.email(etsi.PartyTerminating, f.vmNotifyEmail)
	case "forwarded-voicemail":
		x.rule, x.trigger = "fs.email-forward", etsi.TriggerUser
		x.props = append(x.props, propNotification(etsi.NotifyMessageToEmail))
	}
	x.who.box(etsi.PartyTerminating, box, true, t.cfg.Directory)
	x.who.number(etsi.PartyOriginating, f.vmNotifyCaller)
	if len(x.who.ids) == 0 {
		return dst
	}
	src := e.Source
	if s := t.sessions.get(f.vmNotifyUUID, t.seen); f.vmNotifyUUID != "" && s != nil && !s.closed {
		x.key, x.boundary, src = s.key, record.Continue, s.source
		x.eventKey = s.nextKey("notify")
	} else {
		x.key, x.boundary, x.eventKey = "notify:"+box+":"+f.vmNotifyUUID, record.Standalone, "notify"
	}
	return append(dst, x.build(src, sys))
}
