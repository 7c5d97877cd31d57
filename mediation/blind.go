package mediation

import (
	"strconv"
	"sync"
	"time"

	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/warrant"
)

// Blind says one tapped session went encrypted where its source cannot read it (TLS
// without a certificate to terminate it): from there on its bytes pass unread.
type Blind struct {
	// Source is the network element (the proxy's source name).
	Source string
	// Protocol is the mail protocol (smtp, pop3, imap, vvm); Reason how it went blind
	// (starttls: the peers agreed on STARTTLS/STLS; implicit-tls: a TLS port).
	Protocol, Reason string
	// Identities are those known before the switch (usually only the client's IP
	// address); matched against the warrants, never logged or audited.
	Identities []record.Identity
	Time       time.Time
}

// blindAuditEvery bounds the BlindSession entries that name no warrant: one per
// network element, protocol and reason per interval, counting the sessions since the
// previous entry, so a busy MX whose clients all use STARTTLS does not flood the log.
const blindAuditEvery = time.Minute

// blindAudits keeps, per network element, protocol and reason, when the last
// unattributed entry was written and how many sessions went blind since.
type blindAudits struct {
	mu   sync.Mutex
	last map[string]*blindCount
}

type blindCount struct {
	at     time.Time
	unseen uint64
}

// maxBlindKeys bounds blindAudits (network elements × protocols × reasons are few; a
// bad source name must not grow it).
const maxBlindKeys = 256

// BlindSession audits a session its source could not read. For each warrant the
// identities known before the switch match, one entry names the LIID, network element,
// protocol and reason: the LEA learns that a target's session happened and went
// unread, not what it carried. When none matches (the usual case: STARTTLS comes before
// any login or address), an entry without LIID or identity says a session on that
// network element went blind, at most once per blindAuditEvery with the count of
// sessions since the last one. Nothing about the session's peers is written.
func (m *Mediator) BlindSession(b Blind) {
	m.sessionAudit(audit.ActionBlindSession, b.Reason, b)
}

// MalformedSession audits a session whose bytes broke its protocol (b.Reason says what
// and where, never the bytes), as BlindSession does: one entry per warrant the identities
// known then match, else an entry without LIID or identity at most once per
// blindAuditEvery per network element and protocol. The session itself is still
// intercepted past the bad bytes; the entry tells the LEA why its records may look odd.
func (m *Mediator) MalformedSession(b Blind) {
	m.sessionAudit(audit.ActionMalformedSession, "malformed", b)
}

// sessionAudit writes action's entries for b; unattributed entries are counted per
// network element, protocol and group (group, not b.Reason, so a reason naming a line
// and byte does not make a key of its own).
func (m *Mediator) sessionAudit(action, group string, b Blind) {
	at := b.Time
	if at.IsZero() {
		at = m.now()
	}
	ne := b.Source
	if ne == "" {
		ne = m.cfg.NetworkElement
	}
	if m.audit == nil {
		return
	}
	d := map[string]string{"ne": ne, "protocol": b.Protocol, "reason": b.Reason}
	var buf [4]*warrant.Warrant
	if ws, reason := m.table.Load().Match(buf[:0], b.Identities, at); reason == warrant.DropNone && len(ws) > 0 {
		for _, w := range ws {
			d["liid"] = w.LIID
			if _, err := m.audit.Append(audit.ActorSystem, action, d, "target"); err != nil {
				m.log.Error().Err(err).Str("action", action).Msg("audit: session entry not recorded")
			}
		}
		return
	}
	n, ok := m.blind.due(action+"\x00"+ne+"\x00"+b.Protocol+"\x00"+group, at)
	if !ok {
		return
	}
	d["sessions"] = strconv.FormatUint(n, 10)
	if _, err := m.audit.Append(audit.ActorSystem, action, d, "unattributed"); err != nil {
		m.log.Error().Err(err).Str("action", action).Msg("audit: session entry not recorded")
	}
}

// due counts one session under key and says whether an entry is due now, with the
// sessions it covers (this one and those since the last entry).
func (a *blindAudits) due(key string, now time.Time) (uint64, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.last[key]
	if !ok {
		if a.last == nil {
			a.last = make(map[string]*blindCount)
		}
		if len(a.last) >= maxBlindKeys {
			return 0, false // the metric still counts it
		}
		a.last[key] = &blindCount{at: now}
		return 1, true
	}
	c.unseen++
	if now.Sub(c.at) < blindAuditEvery {
		return 0, false
	}
	n := c.unseen
	c.at, c.unseen = now, 0
	return n, true
}
