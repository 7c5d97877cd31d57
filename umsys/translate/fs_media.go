package translate

import (
	"strings"
	"time"

	"github.com/umli/umli/mediation/etsi"
)

// playbackStart: a message file starting to play in the TUI is retrieve
// (operation-started, with the message as CC); a greeting starting to play to a caller
// of a deposit call is greeting-play.
func (t *FreeSWITCH) playbackStart(dst []Output, f *fsEvent, at time.Time) []Output {
	s := t.sessions.get(f.uniqueID, t.seen)
	if s == nil || s.closed {
		return dst
	}
	s.last = at
	switch {
	case s.mode == fsModeCheck && isMessageFile(f.playbackPath):
		if s.playing != "" {
			dst = t.retrieveEnd(dst, s, etsi.StatusOperationCancelled, at)
		}
		s.playing, s.interrupted = strings.Clone(f.playbackPath), false
		s.playKey = s.nextKey("retrieve")
		s.current, s.currentKey = s.playing, s.playKey
		x := t.base(s, "fs.retrieve.start", at)
		x.cat, x.status, x.eventKey = catMessage(etsi.EventRetrieve), etsi.StatusOperationStarted, s.playKey
		x.props = append(x.props, propMessageID(messageID(f.playbackPath)))
		x.content = &ContentRef{Location: f.playbackPath, Direction: etsi.DirectionToTarget}
		t.parties(&x.who, s)
		return t.emit(dst, s, &x)
	case s.mode == fsModeDeposit:
		gt, ok := greetingKind(f.playbackPath)
		if !ok {
			return dst
		}
		x := t.base(s, "fs.greeting-play", at)
		x.cat, x.status, x.trigger = catBox(etsi.BoxGreetingPlay), etsi.StatusOperationStarted, etsi.TriggerSystem
		x.props = append(x.props, propGreeting(gt))
		x.eventKey = s.nextKey("greeting")
		x.content = &ContentRef{Location: f.playbackPath, Direction: etsi.DirectionIndeterminate}
		if gt == etsi.GreetingPersonal {
			t.learnGreeting(s.box, f.playbackPath)
		}
		t.parties(&x.who, s)
		return t.emit(dst, s, &x)
	}
	return dst
}

// playbackStop ends a retrieve: played to the end is operation-succeeded, interrupted
// (Playback-Status break, or a key pressed during playback) operation-cancelled.
func (t *FreeSWITCH) playbackStop(dst []Output, f *fsEvent, at time.Time) []Output {
	s := t.sessions.get(f.uniqueID, t.seen)
	if s == nil || s.playing == "" || f.playbackPath != s.playing {
		return dst
	}
	s.last = at
	st := etsi.StatusOperationSucceeded
	switch f.playbackStatus {
	case "break":
		st = etsi.StatusOperationCancelled
	case "done":
	default:
		if s.interrupted {
			st = etsi.StatusOperationCancelled
		}
	}
	return t.retrieveEnd(dst, s, st, at)
}

func (t *FreeSWITCH) retrieveEnd(dst []Output, s *fsSession, st etsi.MessagingStatus, at time.Time) []Output {
	x := t.base(s, "fs.retrieve.end", at)
	x.cat, x.status, x.eventKey = catMessage(etsi.EventRetrieve), st, s.playKey
	x.props = append(x.props, propMessageID(messageID(s.playing)))
	t.parties(&x.who, s)
	s.playing, s.playKey = "", ""
	return t.emit(dst, s, &x)
}

// dtmf: keys pressed during or after a message's playback choose save, delete or
// undelete per the key map. A choice is reported at once as operation-started with the
// message as CC — FreeSWITCH purges a deleted file before the confirming
// MESSAGE_WAITING arrives — and settled later under the same event key. Keys outside
// that window (PIN entry, menus) are ignored and never kept.
func (t *FreeSWITCH) dtmf(dst []Output, f *fsEvent, at time.Time) []Output {
	s := t.sessions.get(f.uniqueID, t.seen)
	if s == nil || s.mode != fsModeCheck {
		return dst
	}
	s.last = at
	if s.playing != "" {
		s.interrupted = true
	}
	if s.current == "" {
		return dst
	}
	k := t.cfg.Keys
	switch f.dtmf {
	case k.Save, k.Delete:
		save := f.dtmf == k.Save
		for i, a := range s.pending {
			if a.file != s.current {
				continue
			}
			if a.save == save {
				return dst
			}
			// Changed mind: the earlier choice is cancelled, the new one starts.
			dst = t.tuiResult(dst, s, a, etsi.StatusOperationCancelled, "fs.tui-changed", at)
			s.pending = append(s.pending[:i], s.pending[i+1:]...)
			break
		}
		a := tuiAction{save: save, file: s.current, eventKey: s.nextKey("tui")}
		s.pending = append(s.pending, a)
		return t.tuiStart(dst, s, a, at)
	case k.Undelete:
		for i, a := range s.pending {
			if a.file == s.current && !a.save {
				s.pending = append(s.pending[:i], s.pending[i+1:]...)
				return t.tuiResult(dst, s, a, etsi.StatusOperationCancelled, "fs.tui-undelete", at)
			}
		}
	}
	return dst
}

// tuiStart reports a save or delete key press with the message as CC.
func (t *FreeSWITCH) tuiStart(dst []Output, s *fsSession, a tuiAction, at time.Time) []Output {
	x := t.tuiIRI(s, a, etsi.StatusOperationStarted, "fs.tui-key", at)
	x.content = &ContentRef{Location: a.file, Direction: etsi.DirectionToTarget}
	return t.emit(dst, s, &x)
}

// tuiResult settles a save or delete under the key press's event key.
func (t *FreeSWITCH) tuiResult(dst []Output, s *fsSession, a tuiAction, st etsi.MessagingStatus, rule string, at time.Time) []Output {
	x := t.tuiIRI(s, a, st, rule, at)
	return t.emit(dst, s, &x)
}

func (t *FreeSWITCH) tuiIRI(s *fsSession, a tuiAction, st etsi.MessagingStatus, rule string, at time.Time) ev {
	x := t.base(s, rule, at)
	if a.save {
		x.rule, x.cat = rule+".save", catMessage(etsi.EventSave)
	} else {
		x.rule, x.cat = rule+".delete", catMessage(etsi.EventDelete)
	}
	x.status, x.eventKey = st, a.eventKey
	x.props = append(x.props, propMessageID(messageID(a.file)))
	t.parties(&x.who, s)
	return x
}

// messageID is the message's uuid from msg_<uuid>.<ext>.
func messageID(path string) string {
	b := baseName(path)
	if len(b) > 4 && b[:4] == "msg_" {
		b = b[4:]
	}
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '.' {
			return b[:i]
		}
	}
	return b
}
