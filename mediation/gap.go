package mediation

import (
	"context"
	"fmt"
	"strconv"

	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/session"
	"github.com/umli/umli/mediation/warrant"
)

// submitGap takes a gap marker (record.Lost): a source lost records of a sequence
// before mediation saw them. For every warrant the marker's identities match, the
// numbers the lost records would have had are spent, so the LEMF sees a sequence gap
// where the records are missing, and each gap is audited (LIID, network element, CIN,
// kind, numbers, count; never content or identities).
func (m *Mediator) submitGap(ctx context.Context, r *record.Record, release func()) error {
	if release != nil {
		defer release() // a gap marker has no memory worth recycling
	}
	if r.MessagingIRI != nil || r.EmailIRI != nil || r.MessagingCC != nil || r.EmailCC != nil {
		m.met.dropped.WithLabelValues("bad_record").Inc()
		return fmt.Errorf("%w: a gap marker (Lost) carries no content", ErrBadRecord)
	}
	at := r.Time
	if at.IsZero() {
		at = m.now()
	}
	var buf [4]*warrant.Warrant
	ws, reason := m.table.Load().Match(buf[:0], r.Identities, at)
	if reason != warrant.DropNone {
		m.met.dropped.WithLabelValues(string(reason)).Inc()
		return nil
	}
	ne := r.Source
	if ne == "" {
		ne = m.cfg.NetworkElement
	}
	if !session.ValidNE(ne) {
		m.met.dropped.WithLabelValues("bad_source").Inc()
		return fmt.Errorf("%w: source name is not a network element (1..16 octets, no braces or spaces)", ErrBadRecord)
	}
	for _, g := range []struct {
		kind session.Kind
		n    uint32
	}{{session.IRI, r.Lost.IRI}, {session.CC, r.Lost.CC}} {
		if g.n == 0 {
			continue
		}
		j := &job{kind: g.kind, ne: ne, skip: g.n, r: record.Record{
			Source: r.Source, CorrelationKey: r.CorrelationKey, Boundary: record.Continue, Time: at,
		}}
		for _, w := range ws {
			if g.kind == session.CC && !w.DeliversCC() {
				continue
			}
			j.liids = append(j.liids, w.LIID)
		}
		if len(j.liids) == 0 {
			continue
		}
		if err := m.enqueue(ctx, j); err != nil {
			return err
		}
	}
	return nil
}

// auditGap records the numbers a gap step spent and logs the loss (counts only: the
// log gets neither LIIDs nor identities).
func (m *Mediator) auditGap(j *job, n session.Numbers) {
	kind := "IRI"
	if j.kind == session.CC {
		kind = "CC"
	}
	m.met.gaps.WithLabelValues(kind).Add(float64(j.skip))
	m.log.Error().Str("kind", kind).Uint32("records", j.skip).Int("warrants", len(n.Seqs)).
		Msg("records lost before numbering (source queue full behind a stalled mediation): the LEMF sees a sequence gap; see the audit log")
	if m.audit == nil {
		return
	}
	for _, s := range n.Seqs {
		d := map[string]string{
			"liid": s.LIID, "ne": j.ne, "cin": strconv.FormatUint(uint64(n.CIN), 10), "kind": kind,
			"seq":   strconv.FormatUint(uint64(s.Seq), 10) + "-" + strconv.FormatUint(uint64(s.Seq)+uint64(j.skip)-1, 10),
			"count": strconv.FormatUint(uint64(j.skip), 10),
		}
		if _, err := m.audit.Append(audit.ActorSystem, audit.ActionRecordsLost, d, "gap"); err != nil {
			m.log.Error().Err(err).Msg("audit: records lost not recorded")
		}
	}
}
