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

// Leg is one RTP stream (one direction) of a session, from packets to MessagingCC chunks.
// It is not safe for concurrent use: the goroutine reading the stream owns it, pushes
// its packets, ticks it while idle and closes it.
type Leg struct {
	// The first 64 bytes are all of the leg that an in-order packet touches (besides the
	// chunk's content), so that with thousands of legs live a packet costs one cache
	// line of leg state; the rest is touched per chunk or on the reorder path.
	closed  bool
	dtmfOn  bool
	lastTE  bool // lastCodec is telephone-event
	fastOn  bool // the reorder buffer holds nothing: fastSSRC and fastNext are valid
	curOpen bool // a chunk is open: curPT, curStart, curTicks, content describe it
	curPT   uint8
	// fastNext is the sequence number that passes the reorder buffer untouched.
	fastNext    uint16
	lastPT      int32 // payload type of lastCodec, -1 before the first packet
	fastSSRC    uint32
	curStart    uint32 // RTP timestamp of the chunk's first packet
	curTicks    uint32 // chunk duration in RTP timestamp units
	content     []byte // the open chunk's media
	lastArrival int64  // Unix nanoseconds of the last accepted packet, for Tick
	// fastRun counts the packets that passed since the reorder buffer last heard of
	// them (commitFast tells it).
	fastRun uint64

	// Then what opening and flushing a chunk touches, together.
	curAt      int64  // Unix nanoseconds of the chunk's first packet
	curCT      string // content-type of the open chunk
	lastCT     string // lastCodec.ContentType(), computed once per payload type change
	chunkTicks uint32 // a chunk's duration in lastCodec's RTP timestamp units
	seq        uint32
	reuse      bool // SessionConfig.ReuseBuffers
	s          *Session
	sink       record.Sink
	views      []legView
	capHint    int
	// spare and crs are the buffers reused with SessionConfig.ReuseBuffers.
	spare []byte
	crs   []ccRecord
	// rs is the sink when it releases records; curR is the memory of the open chunk
	// then, and free holds the chunks it released.
	rs    record.ReleaseSink
	curR  *recycled
	free  *freeList
	stats LegStats
	m     legMetrics

	// The rest: the reorder path, DTMF, payload type changes, setup.
	fastDone  uint64 // packets that passed the reorder buffer untouched, committed
	accepted  uint64 // packets accepted on the reorder path
	lastCodec Codec
	// ctx is the context of the Push, Tick or Close that released packets from the
	// reorder buffer; the in-order path passes its own and never stores it.
	ctx       context.Context
	in        Packet
	reorder   Reorder
	sender    Side
	dtmfID    []record.Identity
	pts       PayloadTypes
	dtmf      dtmfState
	dtmfClock uint32
	folded    LegStats
}

type legMetrics struct {
	packets, lost, restarts, chunks, submitErrs prometheus.Counter
	malformed, oversize, rtcp, late, duplicate  prometheus.Counter
}

// NewLeg returns the leg for the stream sent by `sender`, with the payload types
// negotiated for it. Each candidate party sees the leg as fromTarget when it sends it and
// toTarget otherwise (content-identifier 0 and 1).
func (s *Session) NewLeg(sender Side, pts PayloadTypes) *Leg {
	l := &Leg{s: s, sink: s.cfg.Sink, reuse: s.cfg.ReuseBuffers, sender: sender, pts: pts, lastPT: -1}
	for _, p := range s.parties {
		v := legView{identities: p.Identities, dir: etsi.DirectionToTarget, cid: ContentToTarget}
		if p.Side == sender {
			v.dir, v.cid = etsi.DirectionFromTarget, ContentFromTarget
			l.dtmfID = p.Identities
		}
		l.views = append(l.views, v)
	}
	l.reorder.init(s.cfg.Window, l.out)
	if l.rs = releaseSink(&s.cfg); l.rs != nil {
		l.free = new(freeList)
	}
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
	st.Accepted = l.accepted + l.fastDone + l.fastRun
	st.Reorder = l.reorder.Stats
	st.Reorder.Released += l.fastRun
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
	var pkt Packet
	if !readPlain(raw, &pkt) {
		if err := l.unmarshal(raw, &pkt); err != nil {
			return err
		}
	}
	// RTCP multiplexed on the RTP port (RFC 5761): packet types 200-204 read as
	// marker + payload type 72-76.
	if pt := pkt.PayloadType; pt >= 72 && pt <= 76 {
		l.stats.RTCP++
		return ErrRTCP
	}
	l.lastArrival = at.UnixNano()
	pkt.Arrival = l.lastArrival
	if l.fastOn && pkt.Seq == l.fastNext && pkt.SSRC == l.fastSSRC {
		// The next packet in order while the reorder buffer holds nothing: straight to
		// the chunk, without a copy, as Reorder.Push would pass it.
		l.fastNext++
		l.fastRun++
		l.deliver(ctx, &pkt)
		return nil
	}
	l.accepted++
	l.ctx = ctx
	l.in = pkt
	l.commitFast()
	l.reorder.Push(&l.in)
	l.mirrorFast()
	return nil
}

// unmarshal reads any other packet with pion/rtp, whose general header (CSRCs,
// extensions, padding) stays off the common path.
func (l *Leg) unmarshal(raw []byte, pkt *Packet) error {
	var rp rtp.Packet
	if err := rp.Unmarshal(raw); err != nil {
		l.stats.Malformed++
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if rp.Version != 2 {
		l.stats.Malformed++
		return fmt.Errorf("%w: version %d", ErrMalformed, rp.Version)
	}
	*pkt = Packet{
		SSRC: rp.SSRC, Seq: rp.SequenceNumber, Timestamp: rp.Timestamp,
		PayloadType: rp.PayloadType, Marker: rp.Marker, Payload: rp.Payload,
	}
	return nil
}

// out receives packets from the reorder buffer in sequence order.
func (l *Leg) out(p *Packet) { l.deliver(l.ctx, p) }

// deliver adds a packet, in sequence order, to the open chunk, flushing the chunk first
// when the packet does not belong to it.
func (l *Leg) deliver(ctx context.Context, p *Packet) {
	if int32(p.PayloadType) != l.lastPT {
		l.setCodec(p.PayloadType)
	}
	if l.dtmfOn && l.lastTE {
		l.dtmfClock = l.lastCodec.ClockRate
		if ev, ok := l.dtmf.observe(p, l.lastCodec.ClockRate); ok {
			l.reportDTMF(ctx, ev)
		}
	}
	if l.curOpen && (p.PayloadType != l.curPT || p.Timestamp-l.curStart >= l.curTicks ||
		len(l.content)+len(p.Payload) > maxChunkBytes) {
		l.flush(ctx, false)
	}
	if !l.curOpen {
		l.open(p)
	}
	l.content = append(l.content, p.Payload...)
}

// setCodec caches what the chunking needs to know about a new payload type.
func (l *Leg) setCodec(pt uint8) {
	l.lastPT = int32(pt)
	l.lastCodec = l.pts.Lookup(pt)
	l.lastCT = l.lastCodec.ContentType()
	l.lastTE = l.lastCodec.IsTelephoneEvent()
	clock := l.lastCodec.ClockRate
	if clock == 0 {
		clock = 8000
	}
	l.chunkTicks = max(uint32(uint64(clock)*uint64(l.s.cfg.Chunk)/uint64(time.Second)), 1) //nolint:gosec // G115: clock is a positive RTP clock rate and Chunk is > 0 (defaulted in NewSession)
}

// open starts a chunk at p.
func (l *Leg) open(p *Packet) {
	var content []byte
	switch {
	case l.reuse:
		content = l.spare[:0]
	case l.rs != nil:
		l.curR = l.takeRecycled()
		content = l.curR.content[:0]
	default:
		content = make([]byte, 0, l.capHint)
	}
	l.curOpen, l.curPT, l.curStart, l.curAt = true, p.PayloadType, p.Timestamp, p.Arrival
	l.curTicks = l.chunkTicks
	l.content = content
	l.curCT = l.lastCT
}

func (l *Leg) reportDTMF(ctx context.Context, ev DTMFEvent) {
	ev.Source = l.s.cfg.Source
	ev.CorrelationKey = l.s.cfg.CorrelationKey
	ev.Identities = l.dtmfID
	l.s.cfg.DTMF.DTMF(ctx, ev)
}

// flush hands the open chunk (or, at the end, an empty final one) to the sink, once per
// candidate party with that party's direction.
func (l *Leg) flush(ctx context.Context, eos bool) {
	if !l.curOpen && !eos {
		return
	}
	ct, content, at := l.curCT, l.content, time.Unix(0, l.curAt)
	if !l.curOpen {
		// Nothing pending: the end-of-sequence marker travels in an empty chunk.
		ct, content, at = l.lastCT, []byte{}, time.Unix(0, l.lastArrival)
	}
	if cap(content) > l.capHint {
		l.capHint = cap(content)
	}
	seq := l.seq
	l.seq++
	rc := l.curR
	l.curOpen, l.content, l.curR = false, nil, nil
	if ctx == nil {
		ctx = context.Background()
	}
	// One allocation for all views of the chunk: each record, its MessagingCC and the
	// numbers it points to live together. With ReuseBuffers the leg's own are reused;
	// with a ReleaseSink, those of a chunk it released.
	var crs []ccRecord
	switch {
	case rc != nil:
		crs = rc.crs
		rc.content = content[:0] // appends may have moved it
		// A hold per view and one for the loop below, so that a view released at once
		// cannot hand the chunk back while later views still use it.
		rc.pending.Store(int32(len(l.views)) + 1) //nolint:gosec // G115: views are in-memory copies per warrant, far below 2^31
		defer rc.done()
	case l.reuse:
		if l.crs == nil {
			l.crs = make([]ccRecord, len(l.views))
		}
		crs = l.crs
		defer func() { l.spare = content[:0] }()
	default:
		crs = make([]ccRecord, len(l.views))
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
		var err error
		if rc != nil {
			if err = submitRelease(ctx, l.rs, &cr.rec, rc.release); err != nil {
				rc.done() // not taken, so never released by the sink
			}
		} else {
			err = submit(ctx, l.sink, &cr.rec)
		}
		if err != nil {
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
	l.commitFast()
	l.reorder.Drain()
	l.mirrorFast()
	l.flush(ctx, false)
}

// Close drains the reorder buffer and sends the last chunk with end-of-sequence set
// (on BYE, CANCEL or media timeout). A leg that never carried media sends nothing.
func (l *Leg) Close(ctx context.Context) LegStats {
	if l.closed {
		return l.Stats()
	}
	l.ctx = ctx
	l.commitFast()
	l.reorder.Drain()
	l.mirrorFast()
	if ev, ok := l.dtmf.flush(l.dtmfClock); ok && l.s.cfg.DTMF != nil {
		l.reportDTMF(ctx, ev)
	}
	if l.curOpen || l.seq > 0 {
		l.flush(ctx, true)
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
