package translate

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/canonical"
	"github.com/umli/umli/umsys/feed"
)

// Generic translates JSON events in the canonical schema, directly or through a vendor
// profile. The canonical event says what happened; Generic only turns it into a
// record, so it keeps no per-call state.
type Generic struct {
	cfg     Config
	profile *canonical.Profile
	seq     atomic.Uint64 // numbers the keys of events without a session
}

// ConcurrentSafe marks Generic as a Concurrent translator: it holds no per-call state,
// only an atomic counter.
func (t *Generic) ConcurrentSafe() {}

// NewGeneric returns a translator for canonical events mapped by profile (nil: the
// events are canonical already).
func NewGeneric(cfg Config, profile *canonical.Profile) *Generic {
	return &Generic{cfg: cfg.withDefaults(), profile: profile}
}

// Translate implements Translator. An event that is not readable JSON or has a
// malformed canonical field yields one Output with Err set and no record.
func (t *Generic) Translate(dst []Output, e *feed.Event) []Output {
	ce, err := t.Canonical(e)
	if err != nil {
		return append(dst, Output{Rule: "json.invalid", Err: err})
	}
	at := ce.Time
	if at.IsZero() {
		at = e.Received
	}
	sys := t.cfg.SystemID
	if sys == "" {
		sys = ce.System
	}
	src := ce.Source
	if src == "" {
		src = e.Source
	}
	x := ev{rule: "json.event", at: at, box: ce.Box, cat: ce.Category, status: ce.Status, trigger: ce.Trigger, props: ce.Properties}
	if t.profile != nil {
		x.rule = "json." + t.profile.Name
	}
	for _, p := range ce.Parties {
		switch p.Kind {
		case canonical.KindMSISDN:
			x.who.msisdn(p.Qualifier, p.Value)
		case canonical.KindE164:
			x.who.e164(p.Qualifier, p.Value)
		case canonical.KindSIP, canonical.KindTel:
			x.who.sip(p.Qualifier, p.Value)
		case canonical.KindEmail:
			x.who.email(p.Qualifier, p.Value)
		case canonical.KindName:
			x.who.alnum(p.Qualifier, p.Value)
		}
	}
	if ce.Box != "" {
		x.who.addID(record.IdentityBoxID, ce.Box)
		if o, ok := t.cfg.Directory[ce.Box]; ok {
			x.who.msisdn(etsi.PartyTerminating, o.MSISDN)
			x.who.email(etsi.PartyTerminating, o.Email)
		}
	}
	if len(x.who.ids) == 0 {
		return dst // concerns nobody we can name: dropped unread
	}
	if ce.Category == nil {
		x.rule += ".raw"
		x.status, x.trigger, x.props = etsi.StatusUnknown, etsi.TriggerUnknown, nil
		x.raw = rawBytes(e.Raw)
	}
	x.key = ce.Session
	x.boundary = boundaryOf(ce)
	if x.boundary == record.Standalone && x.key == "" {
		x.key = "json-" + strconv.FormatUint(t.seq.Add(1), 10)
	}
	if x.boundary == record.Open {
		x.closeEv = idleClose(sys, ce.Box)
	}
	if ce.Content != nil && ce.Category != nil && (ce.Content.URL != "" || ce.Content.Path != "" || ce.Content.Data != nil) {
		x.content = &ContentRef{Location: ce.Content.URL, Inline: ce.Content.Data, ContentType: ce.Content.Type, Direction: etsi.DirectionIndeterminate}
		if x.content.Location == "" {
			x.content.Location = ce.Content.Path
		}
	}
	x.eventKey = ce.EventID
	if c := ce.Category; x.eventKey == "" && c != nil && c.MessageBox != nil && *c.MessageBox == etsi.BoxConnect && x.key != "" {
		x.eventKey = ConnectEventKey
	}
	if x.eventKey == "" && x.content != nil {
		x.eventKey = "json-" + strconv.FormatUint(t.seq.Add(1), 10)
	}
	o := x.build(src, sys)
	if ce.RecipientCount > 0 {
		n := ce.RecipientCount
		o.Record.MessagingIRI.TotalRecipientCount = &n
	}
	return append(dst, o)
}

// Canonical reads e into a canonical event: the fields the JSON transport flattened
// (canonical.Flatten, the one rule) are used as they are, so an event is parsed once;
// an event with raw bytes only (a transcript, a replay) is flattened here. Then the
// profile applies.
func (t *Generic) Canonical(e *feed.Event) (*canonical.Event, error) {
	fields := e.HeaderList()
	if len(fields) == 0 && len(e.Raw) > 0 {
		var err error
		if fields, err = canonical.Flatten(e.Raw); err != nil {
			return nil, err
		}
	}
	layout := ""
	if t.profile != nil {
		layout = t.profile.TimeLayout
	}
	ce, err := canonical.Parse(t.profile.Apply(fields), layout)
	if err != nil {
		return nil, fmt.Errorf("canonical event: %w", err)
	}
	return ce, nil
}

// boundaryOf is the event's explicit boundary, else: connect opens, logout and
// disconnect close, anything else continues its session or stands alone.
func boundaryOf(ce *canonical.Event) record.Boundary {
	switch ce.Boundary {
	case "open":
		return record.Open
	case "continue":
		return record.Continue
	case "close":
		return record.Close
	case "standalone":
		return record.Standalone
	}
	if ce.Session == "" {
		return record.Standalone
	}
	if c := ce.Category; c != nil && c.MessageBox != nil {
		switch *c.MessageBox {
		case etsi.BoxConnect:
			return record.Open
		case etsi.BoxLogout, etsi.BoxDisconnect:
			return record.Close
		case etsi.BoxUnknown, etsi.BoxLogin, etsi.BoxLock, etsi.BoxUnlock, etsi.BoxActivate,
			etsi.BoxDeactivate, etsi.BoxDelete, etsi.BoxPinChange, etsi.BoxGreetingRecord,
			etsi.BoxGreetingChange, etsi.BoxGreetingDelete, etsi.BoxGreetingEnable,
			etsi.BoxGreetingDisable, etsi.BoxNotificationEnable, etsi.BoxNotificationDisable,
			etsi.BoxGreetingPlay, etsi.BoxLanguageChange, etsi.BoxPinSecurityEnable,
			etsi.BoxPinSecurityDisable, etsi.BoxPersonalOperatorAdd, etsi.BoxPersonalOperatorChange,
			etsi.BoxPersonalOperatorRemove, etsi.BoxAdditionalDestinationAdd,
			etsi.BoxAdditionalDestinationChange, etsi.BoxAdditionalDestinationRemove,
			etsi.BoxAutoPlayEnable, etsi.BoxAutoPlayDisable, etsi.BoxHeaderPlayEnable,
			etsi.BoxHeaderPlayDisable:
			// Operations inside the session: login opens it if connect was not seen,
			// which Continue does by itself.
		}
	}
	return record.Continue
}

// Expire implements Translator; Generic keeps no per-call state.
func (t *Generic) Expire(dst []Output, _ time.Time) []Output { return dst }

// Flush implements Translator; Generic keeps no per-call state.
func (t *Generic) Flush(dst []Output, _ time.Time) []Output { return dst }
