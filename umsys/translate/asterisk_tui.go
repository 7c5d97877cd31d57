package translate

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/mediation/etsi"
)

// VoiceMailMain over AMI says nothing about what the subscriber does between the
// Newexten that starts it and the MessageWaiting it fires at the end of an
// authenticated session. What it does is keyed in: DTMFEnd events of the channel,
// read against app_voicemail's menu (vm_authenticate, vm_execmain). The inference
// follows app_voicemail's own state: the folder open, the current message, which
// messages were heard or marked deleted, and the folder sizes from the box's last
// MessageWaiting (New = INBOX + Urgent, Old = Old). Actions are reported when keyed
// (operation-started, with the message file as CC: app_voicemail removes deleted files
// at close_mailbox, before its MessageWaiting) and settled by that MessageWaiting,
// whose counts must agree with the keys. Digits typed at the PIN prompt are never kept.

type tuiPhase uint8

const (
	tuiMailbox      tuiPhase = iota // typing the mailbox number (VoiceMailMain without one)
	tuiPIN                          // typing the PIN
	tuiMenu                         // main menu
	tuiSaveFolder                   // Save pressed: the next digit names the folder
	tuiChangeFolder                 // Folder pressed: the next digit names the folder
	tuiAdvanced                     // advanced options menu
	tuiOptions                      // mailbox options (greetings, password) until Back
	tuiLost                         // a flow the menu model does not follow (forward, reply, callback)
	tuiDone                         // settled: later keys are not read
)

// tuiPending is an action reported as started and settled by the session's end.
type tuiPending struct {
	kind     tuiKind
	eventKey string
	msgID    string
	index    int // message index in the folder open when keyed (deletes)
}

type tuiKind uint8

const (
	tuiRetrieve tuiKind = iota
	tuiDeleteKey
	tuiSaveKey
)

// maxTUIMessages bounds the per-folder flags: app_voicemail numbers messages msg0000
// to msg9998 (MAXMSGLIMIT 9999).
const maxTUIMessages = 9999

// pinTimeout is ast_readstring's inter-digit timeout in vm_authenticate: a mailbox or
// PIN entry also ends 2 s after its last digit without #.
const pinTimeout = 2 * time.Second

// folderNames are app_voicemail's folders by number (mbox()).
var folderNames = [10]string{"INBOX", "Old", "Work", "Family", "Friends", "Cust1", "Cust2", "Cust3", "Cust4", "Cust5"}

type amiTUI struct {
	phase    tuiPhase
	context  string // voicemail context for a mailbox typed in
	prefix   string // option p: the typed mailbox is appended to it
	digits   []byte // mailbox number being typed (a box id, never the PIN)
	lastKey  time.Time
	readOnly bool // option r: delete keys do nothing
	autoplay int  // option a: folder played at once after login; -1 none

	login   string // event key of the login reported as started; "" none
	loginOK bool   // settled (confirmed or inferred)

	folder  int
	cur     int
	sizes   [10]int // messages per folder, -1 unknown
	startN  int     // INBOX(+Urgent) and Old at login, -1 unknown
	startO  int
	deposit int // deposits into the box during the session
	deleted map[int]bool
	heard   map[int]bool
	delKeys map[int]string // index -> event key of its pending delete
	pending []tuiPending
}

func newAMITUI() *amiTUI {
	u := &amiTUI{startN: -1, startO: -1, autoplay: -1}
	for i := range u.sizes {
		u.sizes[i] = -1
	}
	u.resetFolder()
	return u
}

func (u *amiTUI) resetFolder() {
	u.deleted, u.heard, u.delKeys = map[int]bool{}, map[int]bool{}, map[int]string{}
	u.cur = 0
}

// mainArgs reads VoiceMailMain's AppData: "[mailbox][@context][,options]" with options
// s (skip PIN), p (mailbox is a prefix), r (read-only), a(folder) (autoplay), g(#), or
// the old style "[s][p]mailbox[@context]".
type mainArgs struct {
	box, context, prefix string
	skipPIN, readOnly    bool
	autoplay             int // folder to play at once; -1 none
}

func parseMainArgs(data string) mainArgs {
	m := mainArgs{autoplay: -1}
	first, opts, hasOpts := strings.Cut(data, ",")
	if !hasOpts {
		first, opts, hasOpts = strings.Cut(data, "|")
	}
	first = strings.TrimSpace(first)
	if !hasOpts {
		for len(first) > 0 && (first[0] == 's' || first[0] == 'p') {
			if first[0] == 's' {
				m.skipPIN = true
			} else {
				m.prefix = "p"
			}
			first = first[1:]
		}
	}
	for i := 0; i < len(opts); i++ {
		switch opts[i] {
		case 's':
			m.skipPIN = true
		case 'p':
			m.prefix = "p"
		case 'r':
			m.readOnly = true
		case 'a':
			m.autoplay = 0
			if i+1 < len(opts) && opts[i+1] == '(' {
				end := strings.IndexByte(opts[i:], ')')
				if end < 0 {
					end = len(opts) - i
				}
				arg := opts[i+2 : i+end]
				m.autoplay = folderNumber(arg)
				i += end
			}
		case 'g':
			if i+1 < len(opts) && opts[i+1] == '(' {
				if end := strings.IndexByte(opts[i:], ')'); end >= 0 {
					i += end
				}
			}
		}
	}
	mailbox, ctx, _ := strings.Cut(first, "@")
	m.context = strings.TrimSpace(ctx)
	if m.context == "" {
		m.context = "default"
	}
	mailbox = strings.TrimSpace(mailbox)
	if m.prefix != "" {
		m.prefix, mailbox = mailbox, ""
	}
	if mailbox != "" {
		m.box = mailbox + "@" + m.context
	}
	return m
}

// folderNumber is the folder a(…) names, by number or name; INBOX when unknown.
func folderNumber(arg string) int {
	if n, err := strconv.Atoi(arg); err == nil {
		if n >= 0 && n <= 9 {
			return n
		}
		return 0
	}
	for i, n := range folderNames {
		if strings.EqualFold(n, arg) {
			return i
		}
	}
	return 0
}

// startTUI prepares the menu model of a VoiceMailMain session.
func (t *Asterisk) startTUI(s *amiSession, appData string) (mainArgs, *amiTUI) {
	m := parseMainArgs(appData)
	u := newAMITUI()
	u.context, u.readOnly, u.autoplay = m.context, m.readOnly, m.autoplay
	switch {
	case m.box == "":
		u.phase, u.prefix = tuiMailbox, m.prefix
	case m.skipPIN:
		u.phase = tuiMenu
	default:
		u.phase = tuiPIN
	}
	return m, u
}

// tuiLoggedIn runs app_voicemail's start of the main menu: folder sizes from the box's
// last counts, INBOX unless only old messages exist.
func (t *Asterisk) tuiLoggedIn(s *amiSession, u *amiTUI) {
	u.phase = tuiMenu
	if c, ok := t.counts[s.box]; ok {
		u.startN, u.startO = c.new, c.old
		u.sizes[0], u.sizes[1] = c.new, c.old
	}
	if u.sizes[0] == 0 && u.sizes[1] > 0 {
		u.folder = 1
	}
	u.resetFolder()
}

// dtmf reads one key the subscriber pressed on a VoiceMailMain channel.
func (t *Asterisk) dtmf(dst []Output, a *amiEvent, at time.Time) []Output {
	s := t.sessions.get(a.tkey, t.seen)
	if s == nil || s.tui == nil || s.closed || !strings.EqualFold(a.direction, "Received") || len(a.digit) != 1 {
		return dst
	}
	s.last = at
	u, k := s.tui, a.digit
	timedOut := !u.lastKey.IsZero() && at.Sub(u.lastKey) > pinTimeout
	u.lastKey = at
	switch u.phase {
	case tuiMailbox:
		if timedOut && len(u.digits) > 0 {
			// The entry ended by timeout: this key starts the PIN.
			t.tuiMailboxDone(s, u)
			return t.dtmf(dst, a, at)
		}
		if k == "#" {
			t.tuiMailboxDone(s, u)
			return dst
		}
		if len(u.digits) < 32 && k[0] >= '0' && k[0] <= '9' {
			u.digits = append(u.digits, k[0])
		}
		return dst
	case tuiPIN:
		if timedOut {
			// ast_readstring returned at the timeout: the PIN was entered with the
			// previous key and this one is the first menu key.
			dst = t.tuiLoginStart(dst, s, u, at)
			return t.tuiMenuKey(dst, s, u, k, at)
		}
		if k == "#" {
			return t.tuiLoginStart(dst, s, u, at)
		}
		return dst // a PIN digit: not kept
	case tuiMenu:
		return t.tuiMenuKey(dst, s, u, k, at)
	case tuiSaveFolder:
		u.phase = tuiMenu
		if k == "#" || k[0] < '0' || k[0] > '9' {
			return dst
		}
		return t.tuiSave(dst, s, u, int(k[0]-'0'), at)
	case tuiChangeFolder:
		u.phase = tuiMenu
		if k[0] >= '0' && k[0] <= '9' {
			t.tuiCloseFolder(u)
			u.folder = int(k[0] - '0')
		}
		return dst
	case tuiAdvanced:
		switch k {
		case t.cfg.AsteriskKeys.Back, "3":
			u.phase = tuiMenu // back, or the envelope played
		case "1", "2", "4", "5":
			u.phase = tuiLost // reply, callback, dial out, leave a message
		}
		return dst
	case tuiOptions:
		if k == t.cfg.AsteriskKeys.Back {
			u.phase = tuiMenu
		}
		return dst // greeting and password entry: not kept
	case tuiLost, tuiDone:
		// Keys the menu model does not follow.
	}
	return dst
}

func (t *Asterisk) tuiMailboxDone(s *amiSession, u *amiTUI) {
	mailbox := u.prefix + string(u.digits)
	u.digits = nil
	if mailbox == u.prefix && usable(s.caller) {
		mailbox = strings.TrimPrefix(s.caller, "+") // app_voicemail uses the caller id
	}
	if mailbox != "" && safeSpoolPart(mailbox) {
		t.setBox(s, mailbox+"@"+u.context)
	}
	u.phase = tuiPIN
}

func (t *Asterisk) tuiLoginStart(dst []Output, s *amiSession, u *amiTUI, at time.Time) []Output {
	t.tuiLoggedIn(s, u)
	if u.login == "" && !u.loginOK {
		u.login = s.nextKey("login")
		x := t.base(s, "ami.login.start", at)
		x.cat, x.status, x.eventKey = catBox(etsi.BoxLogin), etsi.StatusOperationStarted, u.login
		t.parties(&x.who, s)
		dst = append(dst, x.build(s.source, s.system))
	}
	if u.autoplay >= 0 {
		// Option a: the folder's first message plays without a key.
		u.folder, u.cur = u.autoplay, 0
		dst = t.tuiPlay(dst, s, u, at)
	}
	return dst
}

// tuiLoginSettle reports the login as succeeded: app_voicemail proved the session
// authenticated (its end-of-session MessageWaiting, a PIN change). Without a login
// reported before (no dtmf class, a box without PIN) it is inferred now.
func (t *Asterisk) tuiLoginSettle(dst []Output, s *amiSession, at time.Time) []Output {
	u := s.tui
	if u == nil || u.loginOK {
		return dst
	}
	u.loginOK = true
	rule := "ami.login.confirmed"
	key := u.login
	if key == "" {
		rule, key = "ami.login.inferred", s.nextKey("login")
	}
	x := t.base(s, rule, at)
	x.cat, x.status, x.eventKey = catBox(etsi.BoxLogin), etsi.StatusOperationSucceeded, key
	t.parties(&x.who, s)
	return append(dst, x.build(s.source, s.system))
}

func (t *Asterisk) tuiMenuKey(dst []Output, s *amiSession, u *amiTUI, k string, at time.Time) []Output {
	keys := &t.cfg.AsteriskKeys
	switch k {
	case keys.First:
		u.cur = 0
		return t.tuiPlay(dst, s, u, at)
	case keys.Repeat:
		return t.tuiPlay(dst, s, u, at)
	case keys.Prev:
		if u.cur > 0 {
			u.cur--
			return t.tuiPlay(dst, s, u, at)
		}
	case keys.Next:
		if n := u.sizes[u.folder]; n < 0 || u.cur < n-1 {
			if u.cur+1 < maxTUIMessages {
				u.cur++
				return t.tuiPlay(dst, s, u, at)
			}
		}
	case keys.Delete:
		if !u.readOnly && u.valid() {
			return t.tuiDelete(dst, s, u, at)
		}
	case keys.Save:
		if u.valid() {
			u.phase = tuiSaveFolder
		}
	case keys.Folder:
		u.phase = tuiChangeFolder
	case keys.Advanced:
		u.phase = tuiAdvanced
	case keys.Options:
		u.phase = tuiOptions
	case keys.Forward:
		if u.valid() {
			u.phase = tuiLost
		}
	case keys.Exit:
		// Leaves the menu, or skips to the end of a message still playing (the
		// default listen-control forward key): the end-of-session MessageWaiting
		// tells which, so the model does not change.
	}
	return dst
}

// valid: the current message exists in the folder as far as its size is known.
func (u *amiTUI) valid() bool {
	n := u.sizes[u.folder]
	return u.cur >= 0 && u.cur < maxTUIMessages && (n < 0 || u.cur < n)
}

// tuiFile is the spool file of message index i of folder f, "" when the box is not a
// safe spool path.
func (t *Asterisk) tuiFile(box string, f, i int) (file, id string) {
	mailbox, ctx, ok := strings.Cut(box, "@")
	if !ok || !safeSpoolPart(mailbox) || !safeSpoolPart(ctx) {
		return "", ""
	}
	id = fmt.Sprintf("%s/msg%04d", folderNames[f], i)
	return path.Join(t.cfg.AsteriskSpool, ctx, mailbox, id) + "." + asteriskExt(t.cfg.AsteriskFormat), id
}

// safeSpoolPart: a mailbox or context usable as one path element.
func safeSpoolPart(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\\\x00")
}

func (t *Asterisk) tuiPlay(dst []Output, s *amiSession, u *amiTUI, at time.Time) []Output {
	if !u.valid() {
		return dst // "you have no messages"
	}
	file, id := t.tuiFile(s.box, u.folder, u.cur)
	u.heard[u.cur] = true
	p := tuiPending{kind: tuiRetrieve, eventKey: s.nextKey("retrieve"), msgID: id, index: u.cur}
	u.pending = append(u.pending, p)
	x := t.tuiIRI(s, p, "ami.retrieve.start", etsi.StatusOperationStarted, at)
	if file != "" {
		x.content = &ContentRef{Location: file, Direction: etsi.DirectionToTarget}
	}
	return append(dst, x.build(s.source, s.system))
}

// tuiDelete toggles the current message's deleted flag as app_voicemail does: a second
// press undeletes it, which cancels the delete reported for it.
func (t *Asterisk) tuiDelete(dst []Output, s *amiSession, u *amiTUI, at time.Time) []Output {
	i := u.cur
	if u.deleted[i] {
		u.deleted[i] = false
		key := u.delKeys[i]
		delete(u.delKeys, i)
		for j, p := range u.pending {
			if p.kind == tuiDeleteKey && p.eventKey == key {
				u.pending = append(u.pending[:j], u.pending[j+1:]...)
				x := t.tuiIRI(s, p, "ami.tui-undelete.delete", etsi.StatusOperationCancelled, at)
				return append(dst, x.build(s.source, s.system))
			}
		}
		return dst // undoing a save's move: the copy stays saved
	}
	u.deleted[i] = true
	file, id := t.tuiFile(s.box, u.folder, i)
	p := tuiPending{kind: tuiDeleteKey, eventKey: s.nextKey("tui"), msgID: id, index: i}
	u.delKeys[i] = p.eventKey
	u.pending = append(u.pending, p)
	x := t.tuiIRI(s, p, "ami.tui-key.delete", etsi.StatusOperationStarted, at)
	if file != "" {
		x.content = &ContentRef{Location: file, Direction: etsi.DirectionToTarget}
	}
	return append(dst, x.build(s.source, s.system))
}

// tuiSave: save_to_folder copies the message into folder f at once and marks the
// original deleted (a move).
func (t *Asterisk) tuiSave(dst []Output, s *amiSession, u *amiTUI, f int, at time.Time) []Output {
	i := u.cur
	file, id := t.tuiFile(s.box, u.folder, i)
	if u.deleted[i] {
		// Saving a message marked deleted: its delete no longer happens.
		if key := u.delKeys[i]; key != "" {
			delete(u.delKeys, i)
			for j, p := range u.pending {
				if p.eventKey == key {
					u.pending = append(u.pending[:j], u.pending[j+1:]...)
					x := t.tuiIRI(s, p, "ami.tui-changed.delete", etsi.StatusOperationCancelled, at)
					dst = append(dst, x.build(s.source, s.system))
					break
				}
			}
		}
	}
	u.deleted[i] = true
	if u.sizes[f] >= 0 {
		u.sizes[f]++
	}
	p := tuiPending{kind: tuiSaveKey, eventKey: s.nextKey("tui"), msgID: id, index: i}
	u.pending = append(u.pending, p)
	x := t.tuiIRI(s, p, "ami.tui-key.save", etsi.StatusOperationStarted, at)
	if file != "" {
		x.content = &ContentRef{Location: file, Direction: etsi.DirectionToTarget}
	}
	return append(dst, x.build(s.source, s.system))
}

// tuiCloseFolder applies close_mailbox to the folder model: deleted (and moved)
// messages leave it, heard INBOX messages move to Old; the next folder opens at its
// first message.
func (t *Asterisk) tuiCloseFolder(u *amiTUI) {
	removed, moved := 0, 0
	for i, d := range u.deleted {
		if d {
			removed++
		} else if u.heard[i] && u.folder == 0 {
			moved++
		}
	}
	if n := u.sizes[u.folder]; n >= 0 {
		u.sizes[u.folder] = max(n-removed-moved, 0)
	}
	if moved > 0 && u.folder == 0 && u.sizes[1] >= 0 {
		u.sizes[1] += moved
	}
	u.resetFolder()
}

func (t *Asterisk) tuiIRI(s *amiSession, p tuiPending, rule string, st etsi.MessagingStatus, at time.Time) ev {
	x := t.base(s, rule, at)
	switch p.kind {
	case tuiRetrieve:
		x.cat = catMessage(etsi.EventRetrieve)
	case tuiDeleteKey:
		x.cat = catMessage(etsi.EventDelete)
	case tuiSaveKey:
		x.cat = catMessage(etsi.EventSave)
	}
	x.status, x.eventKey = st, p.eventKey
	if p.msgID != "" {
		x.props = append(x.props, propMessageID(p.msgID))
	}
	t.parties(&x.who, s)
	return x
}

// tuiConfirm settles the session at app_voicemail's end-of-session MessageWaiting:
// login succeeded; retrieve, save and delete succeeded when the box's counts agree with
// the keys (INBOX down by what was heard, saved or deleted; the total down by what left
// INBOX and Old), unknown when they do not or the counts are not known.
func (t *Asterisk) tuiConfirm(dst []Output, s *amiSession, a *amiEvent, at time.Time) []Output {
	u := s.tui
	if u == nil {
		return dst
	}
	dst = t.tuiLoginSettle(dst, s, at)
	t.tuiCloseFolder(u)
	st := etsi.StatusOperationSucceeded
	n, err1 := strconv.Atoi(a.newCount)
	o, err2 := strconv.Atoi(a.oldCount)
	if err1 == nil && err2 == nil && u.startN >= 0 && u.sizes[0] >= 0 && u.sizes[1] >= 0 {
		expN, expO := u.sizes[0]+u.deposit, u.sizes[1]
		if n > expN || n+o > expN+expO {
			st = etsi.StatusUnknown
		}
	}
	for _, p := range u.pending {
		rule := "ami.tui-confirmed"
		if p.kind == tuiRetrieve {
			rule = "ami.retrieve.confirmed"
		}
		dst = t.tuiSettled(dst, s, p, rule, st, at)
	}
	u.pending = nil
	u.phase = tuiDone
	return dst
}

func (t *Asterisk) tuiSettled(dst []Output, s *amiSession, p tuiPending, rule string, st etsi.MessagingStatus, at time.Time) []Output {
	switch p.kind {
	case tuiDeleteKey:
		rule += ".delete"
	case tuiSaveKey:
		rule += ".save"
	case tuiRetrieve:
	}
	x := t.tuiIRI(s, p, rule, st, at)
	return append(dst, x.build(s.source, s.system))
}

// tuiUnconfirmed settles a session that ended without app_voicemail's end-of-session
// MessageWaiting, which it fires for every authenticated session: the login failed;
// what was keyed cannot be confirmed.
func (t *Asterisk) tuiUnconfirmed(dst []Output, s *amiSession, at time.Time) []Output {
	u := s.tui
	if u == nil {
		return dst
	}
	if u.login != "" && !u.loginOK {
		x := t.base(s, "ami.login.failed", at)
		x.cat, x.status, x.eventKey = catBox(etsi.BoxLogin), etsi.StatusOperationFailed, u.login
		t.parties(&x.who, s)
		dst = append(dst, x.build(s.source, s.system))
		u.login = ""
	}
	for _, p := range u.pending {
		rule := "ami.tui-unconfirmed"
		if p.kind == tuiRetrieve {
			rule = "ami.retrieve.unconfirmed"
		}
		dst = t.tuiSettled(dst, s, p, rule, etsi.StatusUnknown, at)
	}
	u.pending = nil
	u.phase = tuiDone
	return dst
}
