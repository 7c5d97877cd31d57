package rtpcapture

import (
	"context"
	"fmt"
	"time"

	"github.com/pion/rtp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// MaxPacketSize bounds an accepted RTP packet; voice packets are a few hundred bytes and
// anything beyond an Ethernet MTU is not a negotiated audio flow.
const MaxPacketSize = 1500

// maxChunkBytes caps one chunk whatever the timestamps say (a sender with a broken clock).
const maxChunkBytes = 64 << 10

// Content identifiers of Table 6.
const (
	ContentFromTarget uint32 = 0
	ContentToTarget   uint32 = 1
)

// LegStats counts one leg's packets.
type LegStats struct {
	Reorder   ReorderStats
	Accepted  uint64
	Malformed uint64
	Oversize  uint64
	RTCP      uint64
	Chunks    uint64
	// SubmitErrors counts records the sink refused after retries.
	SubmitErrors uint64
}

type legView struct {
	identities []record.Identity
	dir        etsi.PayloadDirection
	cid        uint32
}

// ccRecord is a MessagingCC record allocated in one piece.
type ccRecord struct {
	rec      record.Record
	cc       etsi.MessagingCC
	cid, seq uint32
}

type chunk struct {
	open    bool
	pt      uint8
	ct      string
	startTS uint32
	ticks   uint32
	at      int64 // Unix nanoseconds of the first packet
	content []byte
}

// Leg is one RTP stream (one direction) of a session, from packets to MessagingCC chunks.
// It is not safe for concurrent use: the goroutine reading the stream owns it, pushes
// its packets, ticks it while idle and closes it.
type Leg struct {
	// Hot state first, in the order the per-packet path touches it, so that a packet
	// costs as few cache lines as possible when thousands of legs are live.
	closed      bool
	dtmfOn      bool
	lastPT      int
	lastArrival int64 // Unix nanoseconds of the last accepted packet, for Tick
	ctx         context.Context
	in          Packet
	cur         chunk
	lastCT      string // lastCodec.ContentType(), computed once per payload type change
	lastCodec   Codec
	reorder     Reorder
	stats       LegStats

	s       *Session
	sender  Side
	views   []legView
	dtmfID  []record.Identity
	pts     PayloadTypes
	capHint int
	// spare and crs are the buffers reused with SessionConfig.ReuseBuffers.
	spare     []byte
	crs       []ccRecord
	seq       uint32
	dtmf      dtmfState
	dtmfClock uint32
	folded    LegStats
	m         legMetrics
}

type legMetrics struct {
	packets, lost, restarts, chunks, submitErrs       prometheus.Counter
	malformed, oversize, rtcp, late, duplicate, other prometheus.Counter
}

// NewLeg returns the leg for the stream sent by `sender`, with the payload types
// negotiated for it. Each candidate party sees the leg as fromTarget when it sends it and
// toTarget otherwise (content-identifier 0 and 1).
func (s *Session) NewLeg(sender Side, pts PayloadTypes) *Leg {
	l := &Leg{s: s, sender: sender, pts: pts, lastPT: -1}
	for _, p := range s.parties {
		v := legView{identities: p.Identities, dir: etsi.DirectionToTarget, cid: ContentToTarget}
		if p.Side == sender {
			v.dir, v.cid = etsi.DirectionFromTarget, ContentFromTarget
			l.dtmfID = p.Identities
		}
		l.views = append(l.views, v)
	}
	l.reorder.init(s.cfg.Window, l.out)
	l.dtmfOn = s.cfg.DTMF != nil && len(l.dtmfID) > 0
	if m := s.cfg.Metrics; m != nil {
		src := s.cfg.Source
		l.m = legMetrics{
			packets: m.Packets.WithLabelValues(src), lost: m.Lost.WithLabelValues(src),
			restarts: m.Restarts.WithLabelValues(src), chunks: m.Chunks.WithLabelValues(src),
			submitErrs: m.SubmitErrors.WithLabelValues(src),
			malformed:  m.Dropped.WithLabelValues(src, "malformed"), oversize: m.Dropped.WithLabelValues(src, "oversize"),
			rtcp: m.Dropped.WithLabelValues(src, "rtcp"), late: m.Dropped.WithLabelValues(src, "late"),
			duplicate: m.Dropped.WithLabelValues(src, "duplicate"),
		}
	}
	return l
}

// SetPayloadTypes replaces the negotiated payload types (after a re-INVITE).
func (l *Leg) SetPayloadTypes(pts PayloadTypes) {
	l.pts = pts
	l.lastPT = -1
}

// Stats returns the leg's counts so far.
func (l *Leg) Stats() LegStats {
	st := l.stats
	st.Reorder = l.reorder.Stats
	return st
}

// Push takes one RTP packet as read from the wire. Bad packets are counted and returned
// as errors; the leg carries on. raw may be reused by the caller after Push returns.
func (l *Leg) Push(ctx context.Context, raw []byte, at time.Time) error {
	if l.closed {
		return ErrClosed
	}
	if len(raw) > MaxPacketSize {
		l.stats.Oversize++
		return fmt.Errorf("%w: %d bytes", ErrOversize, len(raw))
	}
	var pkt rtp.Packet
	if err := pkt.Unmarshal(raw); err != nil {
		l.stats.Malformed++
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if pkt.Version != 2 {
		l.stats.Malformed++
		return fmt.Errorf("%w: version %d", ErrMalformed, pkt.Version)
	}
	// RTCP multiplexed on the RTP port (RFC 5761): packet types 200-204 read as
	// marker + payload type 72-76.
	if pt := pkt.PayloadType; pt >= 72 && pt <= 76 {
		l.stats.RTCP++
		return ErrRTCP
	}
	l.stats.Accepted++
	l.ctx = ctx
	l.lastArrival = at.UnixNano()
	in := &l.in
	in.SSRC, in.Seq, in.Timestamp = pkt.SSRC, pkt.SequenceNumber, pkt.Timestamp
	in.PayloadType, in.Marker, in.Arrival, in.Payload = pkt.PayloadType, pkt.Marker, l.lastArrival, pkt.Payload
	l.reorder.Push(&l.in)
	return nil
}

// out receives packets from the reorder buffer in sequence order.
func (l *Leg) out(p *Packet) {
	if int(p.PayloadType) != l.lastPT {
		l.lastPT = int(p.PayloadType)
		l.lastCodec = l.pts.Lookup(p.PayloadType)
		l.lastCT = l.lastCodec.ContentType()
	}
	c := &l.lastCodec
	if l.dtmfOn && c.IsTelephoneEvent() {
		l.dtmfClock = c.ClockRate
		if ev, ok := l.dtmf.observe(p, c.ClockRate); ok {
			l.reportDTMF(ev)
		}
	}
	if l.cur.open && (p.PayloadType != l.cur.pt || p.Timestamp-l.cur.startTS >= l.cur.ticks ||
		len(l.cur.content)+len(p.Payload) > maxChunkBytes) {
		l.flush(false)
	}
	if !l.cur.open {
		clock := c.ClockRate
		if clock == 0 {
			clock = 8000
		}
		var content []byte
		if l.s.cfg.ReuseBuffers {
			content = l.spare[:0]
		} else {
			content = make([]byte, 0, l.capHint)
		}
		l.cur = chunk{
			open: true, pt: p.PayloadType, ct: l.lastCT, startTS: p.Timestamp, at: p.Arrival,
			ticks:   uint32(uint64(clock) * uint64(l.s.cfg.Chunk) / uint64(time.Second)),
			content: content,
		}
		if l.cur.ticks == 0 {
			l.cur.ticks = 1
		}
	}
	l.cur.content = append(l.cur.content, p.Payload...)
}

func (l *Leg) reportDTMF(ev DTMFEvent) {
	ev.Source = l.s.cfg.Source
	ev.CorrelationKey = l.s.cfg.CorrelationKey
	ev.Identities = l.dtmfID
	l.s.cfg.DTMF.DTMF(l.ctx, ev)
}

// flush hands the open chunk (or, at the end, an empty final one) to the sink, once per
// candidate party with that party's direction.
func (l *Leg) flush(eos bool) {
	if !l.cur.open && !eos {
		return
	}
	ct, content, at := l.cur.ct, l.cur.content, time.Unix(0, l.cur.at)
	if !l.cur.open {
		// Nothing pending: the end-of-sequence marker travels in an empty chunk.
		ct, content, at = l.lastCT, []byte{}, time.Unix(0, l.lastArrival)
	}
	if cap(content) > l.capHint {
		l.capHint = cap(content)
	}
	seq := l.seq
	l.seq++
	l.cur = chunk{}
	ctx := l.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	// One allocation for all views of the chunk: each record, its MessagingCC and the
	// numbers it points to live together. With ReuseBuffers the leg's own are reused.
	crs := l.crs
	if !l.s.cfg.ReuseBuffers || crs == nil {
		crs = make([]ccRecord, len(l.views))
	}
	if l.s.cfg.ReuseBuffers {
		l.crs = crs
		defer func() { l.spare = content[:0] }()
	}
	for i, v := range l.views {
		cr := &crs[i]
		cr.cid, cr.seq = v.cid, seq
		cr.cc = etsi.MessagingCC{
			ContentIdentifier: &cr.cid,
			SequenceNumber:    &cr.seq,
			EndOfSequence:     eos,
			ContentType:       ct,
			Content:           content,
		}
		cr.rec = record.Record{
			Identities:     v.identities,
			Source:         l.s.cfg.Source,
			CorrelationKey: l.s.cfg.CorrelationKey,
			Boundary:       record.Continue,
			EventKey:       ConnectEventKey,
			Time:           at,
			Direction:      v.dir,
			MessagingCC:    &cr.cc,
		}
		if err := submit(ctx, l.s.cfg.Sink, &cr.rec); err != nil {
			l.stats.SubmitErrors++
			l.s.cfg.Log.Warn().Err(err).Str("correlation", l.s.cfg.CorrelationKey).
				Uint32("sequence", seq).Msg("mediation refused a MessagingCC chunk")
		}
	}
	l.stats.Chunks++
	l.fold()
}

// Tick is called while the stream is idle: once no packet came for a chunk duration,
// whatever the reorder buffer holds and the open chunk are flushed, so that content
// does not wait for the next packet (silence suppression, a stalled sender).
func (l *Leg) Tick(ctx context.Context, now time.Time) {
	if l.closed || now.UnixNano()-l.lastArrival < int64(l.s.cfg.Chunk) {
		return
	}
	l.ctx = ctx
	l.reorder.Drain()
	l.flush(false)
}

// Close drains the reorder buffer and sends the last chunk with end-of-sequence set
// (on BYE, CANCEL or media timeout). A leg that never carried media sends nothing.
func (l *Leg) Close(ctx context.Context) LegStats {
	if l.closed {
		return l.Stats()
	}
	l.ctx = ctx
	l.reorder.Drain()
	if ev, ok := l.dtmf.flush(l.dtmfClock); ok && l.s.cfg.DTMF != nil {
		l.reportDTMF(ev)
	}
	if l.cur.open || l.seq > 0 {
		l.flush(true)
	}
	l.closed = true
	l.fold()
	return l.Stats()
}

// fold adds the counts since the last fold to the shared metrics.
func (l *Leg) fold() {
	if l.m.packets == nil {
		return
	}
	st := l.Stats()
	f := l.folded
	add := func(c prometheus.Counter, now, before uint64) {
		if now > before {
			c.Add(float64(now - before))
		}
	}
	add(l.m.packets, st.Accepted, f.Accepted)
	add(l.m.malformed, st.Malformed, f.Malformed)
	add(l.m.oversize, st.Oversize, f.Oversize)
	add(l.m.rtcp, st.RTCP, f.RTCP)
	add(l.m.late, st.Reorder.Late, f.Reorder.Late)
	add(l.m.duplicate, st.Reorder.Duplicates, f.Reorder.Duplicates)
	add(l.m.lost, st.Reorder.Lost, f.Reorder.Lost)
	add(l.m.restarts, st.Reorder.SSRCChanges+st.Reorder.Resyncs, f.Reorder.SSRCChanges+f.Reorder.Resyncs)
	add(l.m.chunks, st.Chunks, f.Chunks)
	add(l.m.submitErrs, st.SubmitErrors, f.SubmitErrors)
	l.folded = st
}
