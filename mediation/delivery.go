package mediation

import (
	"context"
	"errors"
	"time"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/handover/x2x3"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/session"
	"github.com/umli/umli/mediation/warrant"
)

// deliver builds and queues the PDUs of one numbered record. It reports false when ctx
// ended first (the journal entry must then stay).
func (m *Mediator) deliver(ctx context.Context, e session.Entry, r *record.Record, synthesized bool) bool {
	d := m.newDelivery(1)
	d.add(e, r, synthesized)
	return d.flush(ctx)
}

// delivery collects the PDUs of several numbered records per destination and interface,
// in order, so that each goes to handover in one Enqueue.
type delivery struct {
	m      *Mediator
	groups []*pduGroup
	// ended, when set, is the warrant whose window just closed: the delivery carries
	// its iRI-End, which no longer is in the table or active.
	ended *warrant.Warrant
	// arena holds the PDUs' bytes, in chunks: one allocation for many PDUs.
	arena []byte
	// records is how many records the delivery is for: a group's first PDU list has room
	// for one PDU of each, so it does not grow PDU by PDU.
	records int
}

// arenaChunk is the size of one delivery arena chunk; a PDU that does not fit in what is
// left of a chunk starts a new one.
const arenaChunk = 16 << 10

type pduGroup struct {
	dest string
	hi   handover.HI
	pdus [][]byte
}

func (m *Mediator) newDelivery(records int) *delivery {
	return &delivery{m: m, records: max(records, 1)}
}

// add builds the PDUs of one numbered record, one per LIID.
func (d *delivery) add(e session.Entry, r *record.Record, synthesized bool) {
	m := d.m
	at := r.Time
	if synthesized || at.IsZero() {
		at = e.At
	}
	for _, ls := range e.Seqs {
		ls.LIID = m.liidOf(ls.LIID)
		w := d.ended
		if w == nil || w.LIID != ls.LIID {
			closed := m.closedWarrant(ls.LIID)
			if synthesized && closed != nil {
				continue // its window closed: its own iRI-End ends its sequences
			}
			// A record numbered for a LIID before its window closed is delivered even
			// when it comes late: its number is taken, skipping it is a gap. (Workers
			// number nothing for a closed LIID; its iRI-End is numbered after this.)
			if w = m.table.Load().Warrant(ls.LIID); w == nil {
				w = closed
			}
			if w == nil {
				m.log.Warn().Str("liid", ls.LIID).Msg("journal entry for a warrant no longer configured; not delivered")
				continue
			}
			if synthesized && !w.Active(at) {
				continue // the warrant ended while the sequence idled
			}
		}
		dest := m.cfg.Destinations[w.Destination]
		if cap(d.arena)-len(d.arena) < 2048 {
			d.arena = make([]byte, 0, arenaChunk)
		}
		start := len(d.arena)
		p := (&pduParams{liid: ls.LIID, dest: dest, ne: e.NE, seq: ls.Seq, at: at}).withNumbers(&e.Numbers)
		p.tmpl = m.templates.get(p)
		out, b, err := m.buildPDU(d.arena, p, r)
		var pdu []byte
		if err == nil {
			pdu = out[start:len(out):len(out)]
			if cap(out) == cap(d.arena) {
				d.arena = out // else the PDU outgrew the chunk and has an array of its own
			}
		}
		if err != nil {
			// Submit encoded this record already; only a changed destination version can
			// get here. Loud, because a sequence number is now missing.
			m.log.Error().Err(err).Str("liid", ls.LIID).Uint32("cin", e.CIN).Uint32("seq", ls.Seq).Msg("PDU cannot be encoded; sequence gap")
			continue
		}
		if len(b.downs) > 0 {
			m.met.downgrades.WithLabelValues(dest.Name).Add(float64(len(b.downs)))
		}
		if len(b.adjusted) > 0 {
			m.recordAdjustments(ls.LIID, e, ls.Seq, b.adjusted)
		}
		hi := b.hi
		if hi == handover.HI2 && !w.DeliversIRI() {
			continue // numbered (the CIN's sequence stays one) but not handed over: X3Only
		}
		if dest.Interface == InterfaceX2X3 {
			if pdu, err = wrapX2X3(pdu, hi, w, e, ls.Seq, at, r); err != nil {
				m.log.Error().Err(err).Str("liid", ls.LIID).Uint32("cin", e.CIN).Uint32("seq", ls.Seq).Msg("X2/X3 PDU cannot be built; sequence gap")
				continue
			}
		}
		var g *pduGroup
		for _, x := range d.groups {
			if x.dest == dest.Name && x.hi == hi {
				g = x
			}
		}
		if g == nil {
			g = &pduGroup{dest: dest.Name, hi: hi, pdus: make([][]byte, 0, d.records)}
			d.groups = append(d.groups, g)
		}
		g.pdus = append(g.pdus, pdu)
	}
}

// batchQueue is a Queue that takes several queues' PDUs in one round trip
// (*handover.Handover does).
type batchQueue interface {
	EnqueueBatches(ctx context.Context, batches []handover.Batch) []error
}

// flush queues every group in handover, retrying while handover refuses (Redis down,
// buffer full). It reports false when ctx ended first.
func (d *delivery) flush(ctx context.Context) bool {
	m := d.m
	if bq, ok := m.queue.(batchQueue); ok && len(d.groups) > 1 {
		return d.flushBatches(ctx, bq)
	}
	for _, g := range d.groups {
		err := m.retry(ctx, "handover_enqueue", func() error {
			return m.queue.Enqueue(ctx, g.dest, g.hi, g.pdus...)
		})
		if err != nil {
			return false // the journal entries stay and are replayed at the next start
		}
		m.met.queued.WithLabelValues(g.dest, g.hi.String()).Add(float64(len(g.pdus)))
	}
	return true
}

// flushBatches is flush in one round trip for all groups; a retry sends only the groups
// that were refused.
func (d *delivery) flushBatches(ctx context.Context, bq batchQueue) bool {
	m := d.m
	left := d.groups
	bs := make([]handover.Batch, 0, len(left))
	err := m.retry(ctx, "handover_enqueue", func() error {
		bs = bs[:0]
		for _, g := range left {
			bs = append(bs, handover.Batch{Dest: g.dest, HI: g.hi, PDUs: g.pdus})
		}
		errs := bq.EnqueueBatches(ctx, bs)
		failed, all := left[:0:0], []error(nil)
		for i, g := range left {
			if errs[i] != nil {
				failed, all = append(failed, g), append(all, errs[i])
				continue
			}
			m.met.queued.WithLabelValues(g.dest, g.hi.String()).Add(float64(len(g.pdus)))
		}
		left = failed
		return errors.Join(all...)
	})
	return err == nil // else the journal entries stay and are replayed at the next start
}

// wrapX2X3 puts one PS-PDU into a TS 103 221-2 PDU: X2 for IRI, X3 for CC, the task's
// XID, the CIN as correlation ID (it groups one logical sequence: one CIN's records of
// one LIID), and the PS-PDU's own sequence number and time stamp as attributes.
func wrapX2X3(pspdu []byte, hi handover.HI, w *warrant.Warrant, e session.Entry, seq uint32, at time.Time, r *record.Record) ([]byte, error) {
	typ, dir := uint16(x2x3.TypeX2), uint16(x2x3.DirNotApplicate)
	if hi == handover.HI3 {
		typ, dir = x2x3.TypeX3, x2x3.DirUnknown
		switch r.Direction {
		case etsi.DirectionToTarget:
			dir = x2x3.DirToTarget
		case etsi.DirectionFromTarget:
			dir = x2x3.DirFromTarget
		case etsi.DirectionCombined:
			dir = x2x3.DirMultiple
		case etsi.DirectionIndeterminate, etsi.DirectionNotApplicable:
			// DirUnknown.
		}
	}
	return x2x3.Wrap(typ, w.XID, uint64(e.CIN), seq, at, dir, pspdu)
}
