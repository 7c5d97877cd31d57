package mediation

import (
	"strconv"

	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/session"
)

// recordAdjustments counts and audits the fields Conform changed in one PDU: the field's
// ASN.1 path and the rule, with LIID, network element, CIN and sequence number; never the
// field's content (it can be a login or an identity).
func (m *Mediator) recordAdjustments(liid string, e session.Entry, seq uint32, adj []etsi.Adjustment) {
	for _, a := range adj {
		m.met.adjusted.WithLabelValues(a.Label(), string(a.Rule)).Inc()
		if m.audit == nil {
			continue
		}
		if _, err := m.audit.Append(audit.ActorSystem, audit.ActionFieldAdjusted, map[string]string{
			"liid": liid, "ne": e.NE, "cin": strconv.FormatUint(uint64(e.CIN), 10),
			"seq": strconv.FormatUint(uint64(seq), 10), "field": a.Field, "rule": string(a.Rule),
		}, "delivered"); err != nil {
			m.log.Error().Err(err).Str("field", a.Field).Msg("audit: field adjustment not recorded")
		}
	}
}

// fieldRecordTime names the record's event time in adjustment counts and audit entries:
// it is no one ASN.1 field but every time stamp of the record's PDUs.
const fieldRecordTime = "record.time"

// recordTimeSubstituted counts and audits, per matched LIID, a record whose time before
// 1970 was replaced by mediation time. Submit does this before numbering, so the entry
// names LIID and network element only.
func (m *Mediator) recordTimeSubstituted(liids []string, ne string) {
	for _, liid := range liids {
		m.met.adjusted.WithLabelValues(fieldRecordTime, string(etsi.RuleSubstituted)).Inc()
		if m.audit == nil {
			continue
		}
		if _, err := m.audit.Append(audit.ActorSystem, audit.ActionFieldAdjusted, map[string]string{
			"liid": liid, "ne": ne, "field": fieldRecordTime, "rule": string(etsi.RuleSubstituted),
		}, "mediation time used"); err != nil {
			m.log.Error().Err(err).Str("field", fieldRecordTime).Msg("audit: field adjustment not recorded")
		}
	}
}
