package translate

import (
	"hash/maphash"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
)

// DefaultCUNIDedupe bounds the (mailbox, USN) pairs the CUNI translator remembers.
const DefaultCUNIDedupe = 4096

// cuniTimeLayout is the eventTime/receiveTime format of Connection's notifications
// ("11:15:40 PM 10/30/2008", UTC).
const cuniTimeLayout = "03:04:05 PM 01/02/2006"

// cuniAction is what one CUNI eventType means for ETSI.
type cuniAction struct {
	rule   string
	event  etsi.MessagingEvent
	status etsi.MessagingStatus
	read   bool // message-status read
	mapped bool
}

// cuniActions maps Connection's eventType (CUNI guide, "Processing Notification
// Events") onto MessagingIRI. Types with no ETSI counterpart are absent: they go raw
// (clause 8 of TS 102 232-2: status unknown, original-message).
var cuniActions = map[string]cuniAction{
	"NEW_MESSAGE":   {rule: "cuni.deposit", event: etsi.EventDeposit, status: etsi.StatusOperationSucceeded, mapped: true},
	"SAVED_MESSAGE": {rule: "cuni.save", event: etsi.EventSave, status: etsi.StatusOperationSucceeded, read: true, mapped: true},
	// Moved from the Inbox to Deleted Items: a soft delete. Connection reports the move
	// twice (DELETED_MESSAGE from the Inbox, DELETED_MESSAGE_CREATE in Deleted Items)
	// with one USN; whichever comes first stands for the action.
	"DELETED_MESSAGE":        {rule: "cuni.delete.soft", event: etsi.EventDelete, status: etsi.StatusOperationSucceeded, mapped: true},
	"DELETED_MESSAGE_CREATE": {rule: "cuni.delete.soft", event: etsi.EventDelete, status: etsi.StatusOperationSucceeded, mapped: true},
	// Removed from Deleted Items for good: the hard delete.
	"DELETED_MESSAGE_DELETE": {rule: "cuni.delete.hard", event: etsi.EventDelete, status: etsi.StatusOperationSucceeded, mapped: true},
	// ETSI has no undelete: it cancels the earlier delete, as fs.tui-undelete does.
	"DELETED_MESSAGE_UNDELETE": {rule: "cuni.undelete", event: etsi.EventDelete, status: etsi.StatusOperationCancelled, mapped: true},
}

// CUNI translates Cisco Unity Connection Notifier messageEvents (umsys/cuni). Each
// user action is one ETSI event: the two or three notifications Connection sends for
// it share a USN per mailbox and only the first is reported. The memory of seen pairs
// is bounded and holds keyed hashes, never mailbox names.
type CUNI struct {
	cfg  Config
	seed maphash.Seed
	seen map[uint64]struct{}
	ring []uint64
	next int
	seq  uint64
}

// NewCUNI returns a CUNI translator.
func NewCUNI(cfg Config) *CUNI {
	cfg = cfg.withDefaults()
	n := cfg.CUNIDedupe
	if n <= 0 {
		n = DefaultCUNIDedupe
	}
	return &CUNI{cfg: cfg, seed: maphash.MakeSeed(), seen: make(map[uint64]struct{}, n), ring: make([]uint64, 0, n)}
}

// duplicate records (box, usn) and reports whether it was seen before.
func (t *CUNI) duplicate(box, usn string) bool {
	var h maphash.Hash
	h.SetSeed(t.seed)
	h.WriteString(box)
	h.WriteByte(0)
	h.WriteString(usn)
	k := h.Sum64()
	if _, ok := t.seen[k]; ok {
		return true
	}
	if len(t.ring) < cap(t.ring) {
		t.ring = append(t.ring, k)
	} else {
		delete(t.seen, t.ring[t.next])
		t.ring[t.next] = k
		t.next = (t.next + 1) % len(t.ring)
	}
	t.seen[k] = struct{}{}
	return false
}

// Translate implements Translator.
func (t *CUNI) Translate(dst []Output, e *feed.Event) []Output {
	box := strings.TrimSpace(e.Value("mailboxId"))
	if !usable(box) {
		return dst // names no mailbox: nobody a warrant could match
	}
	typ := strings.TrimSpace(e.Value("eventType"))
	usn := strings.TrimSpace(e.Value("USN"))
	if usn != "" && t.duplicate(box, usn) {
		return dst
	}
	at := e.Received
	if ts, err := time.ParseInLocation(cuniTimeLayout, e.Value("eventTime"), time.UTC); err == nil {
		at = ts
	}
	t.seq++
	x := ev{at: at, box: box, boundary: record.Standalone, key: "cuni-" + strconv.FormatUint(t.seq, 10)}
	act, ok := cuniActions[typ]
	if !ok {
		x.rule = "cuni.raw"
		x.status, x.trigger = etsi.StatusUnknown, etsi.TriggerUnknown
		x.raw = rawBytes(e.Raw)
		x.who.box(etsi.PartyTerminating, box, false, t.cfg.Directory)
		return append(dst, x.build(e.Source, t.cfg.SystemID))
	}
	x.rule, x.status, x.trigger = act.rule, act.status, etsi.TriggerUser
	x.cat = catMessage(act.event)
	msgID := strings.TrimSpace(e.Value("messageInfo.messageId"))
	if usable(msgID) {
		x.props = append(x.props, etsi.MessagingProperty{MessageIdentifier: []byte(msgID)})
	}
	if act.event == etsi.EventDeposit {
		// The caller leaves the message in the owner's box.
		x.who.number(etsi.PartyOriginating, e.Value("messageInfo.callerAni"))
		x.who.alnum(etsi.PartyOriginating, e.Value("messageInfo.sender"))
		x.who.box(etsi.PartyTerminating, box, false, t.cfg.Directory)
		if p, ok := cuniPriority(e.Value("messageInfo.priority")); ok {
			x.props = append(x.props, etsi.MessagingProperty{Priority: &p})
		}
		if t.cfg.CUMIURL != "" && usable(msgID) {
			x.content = &ContentRef{Location: cumiAttachment(t.cfg.CUMIURL, msgID), Direction: etsi.DirectionIndeterminate}
		}
		t.seq++
		x.eventKey = "cuni-" + strconv.FormatUint(t.seq, 10)
	} else {
		// The owner acts on his own box (vendor-feeds.md: originating-party).
		x.who.box(etsi.PartyOriginating, box, false, t.cfg.Directory)
	}
	if act.read {
		st := etsi.MessageRead
		x.props = append(x.props, etsi.MessagingProperty{MessageStatus: &st})
	}
	return append(dst, x.build(e.Source, t.cfg.SystemID))
}

// cuniPriority maps Connection's priority attribute.
func cuniPriority(v string) (etsi.MessagingPriority, bool) {
	switch strings.TrimSpace(v) {
	case "Urgent-Priority":
		return etsi.PriorityHigh, true
	case "Normal-Priority":
		return etsi.PriorityMedium, true
	case "Low-Priority":
		return etsi.PriorityLow, true
	}
	return 0, false
}

// cumiAttachment is the CUMI resource serving a message's audio: the first attachment
// of the message (Cisco CUMI guide, "Playing Messages": GET
// /vmrest/messages/{MessageId}/attachments/0).
func cumiAttachment(base, msgID string) string {
	return strings.TrimRight(base, "/") + "/vmrest/messages/" + url.PathEscape(msgID) + "/attachments/0"
}

// Expire implements Translator; CUNI events are standalone.
func (t *CUNI) Expire(dst []Output, _ time.Time) []Output { return dst }

// Flush implements Translator; CUNI events are standalone.
func (t *CUNI) Flush(dst []Output, _ time.Time) []Output { return dst }
