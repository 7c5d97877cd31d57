package rtpcapture

// DefaultWindow is the reorder window in packets: 8 packets of 20 ms hold back at most
// 160 ms of audio behind a lost packet, and repair any reordering within that span.
const DefaultWindow = 8

// resyncAfter is how many packets far behind the window in a row make the buffer assume
// the sender restarted its sequence numbers rather than that they are stale duplicates.
const resyncAfter = 3

// ReorderStats counts what the reorder buffer repaired or gave up on.
type ReorderStats struct {
	Released    uint64 // packets handed on in order
	Duplicates  uint64 // packets already held
	Late        uint64 // packets arriving after their place was passed (late or duplicate)
	Lost        uint64 // sequence numbers skipped because they never arrived in time
	SSRCChanges uint64 // streams restarted because the SSRC changed
	Resyncs     uint64 // streams restarted because sequence numbers jumped backwards
}

// slot holds one packet; its payload lives in the Reorder's arena at off, so slots
// carry no pointers for the GC to scan.
type slot struct {
	filled bool
	pkt    Packet // Payload is nil while stored
	off    int
	n      int
}

// Reorder puts the packets of one RTP stream back into sequence order within a small
// window. It repairs reordering and duplicates, skips losses once the window has moved
// past them, and restarts on an SSRC change. It is not safe for concurrent use; one
// goroutine owns each leg.
type Reorder struct {
	// Fields of the in-order fast path first.
	started  bool
	released bool
	held     int
	ssrc     uint32
	next     int64 // extended sequence number of the next packet to release
	farOld   int
	out      func(*Packet)
	// Stats is updated as packets pass.
	Stats ReorderStats

	slots []slot
	mask  int64
	// arena holds the payloads of held packets, slotCap bytes per slot; it grows when
	// a larger payload arrives.
	arena   []byte
	slotCap int
	emitted Packet
}

// NewReorder returns a buffer of about window packets (rounded up to a power of two)
// that hands packets to out in sequence order. The packet passed to out is only valid
// during the call.
func NewReorder(window int, out func(*Packet)) *Reorder {
	r := &Reorder{}
	r.init(window, out)
	return r
}

func (r *Reorder) init(window int, out func(*Packet)) {
	if window <= 0 {
		window = DefaultWindow
	}
	n := 1
	for n < window {
		n <<= 1
	}
	*r = Reorder{slots: make([]slot, n), mask: int64(n - 1), out: out}
}

// seqBase keeps extended sequence numbers positive even when priming reaches back.
const seqBase = 1 << 20

// Push takes one packet. Its payload is copied, so the caller may reuse its buffer.
func (r *Reorder) Push(p *Packet) {
	if !r.started {
		r.start(p)
	} else if p.SSRC != r.ssrc {
		r.Drain()
		r.Stats.SSRCChanges++
		r.start(p)
	}
	if r.inOrder(p.SSRC, p.Seq) {
		r.out(p)
		return
	}
	w := int64(len(r.slots))
	ext := r.next + int64(int16(p.Seq-uint16(r.next))) //nolint:gosec // G115: RTP sequence arithmetic: the low 16 bits of the extended counter (RFC 3550 A.1)
	switch {
	case ext < r.next:
		if r.next-ext > 4*w {
			r.farOld++
			if r.farOld >= resyncAfter {
				r.Drain()
				r.Stats.Resyncs++
				r.start(p)
				r.store(p, r.next+int64(int16(p.Seq-uint16(r.next)))) //nolint:gosec // G115: RTP sequence arithmetic: the low 16 bits of the extended counter (RFC 3550 A.1)
				r.releasePrefix()
				return
			}
		}
		r.Stats.Late++
		return
	case ext >= r.next+w:
		r.advance(ext - w + 1)
	}
	r.farOld = 0
	if ext == r.next && r.released {
		// The packet the held ones wait for: it goes on at once, uncopied (its slot is
		// empty, or releasePrefix would have emitted it), then those it unblocks.
		r.next++
		r.Stats.Released++
		r.out(p)
		r.releasePrefix()
		return
	}
	r.store(p, ext)
	if !r.released && r.held >= len(r.slots)/2 {
		// Priming is over: start at the lowest packet held. Nothing was released yet,
		// so the empty slots before it are not losses.
		for !r.slots[r.next&r.mask].filled {
			r.next++
		}
	}
	r.releasePrefix()
}

// inOrder is the fast path, the common case: a packet of the current stream that is
// the next in order while nothing is held passes without being copied. It reports
// whether that is so and then counts the packet as released; the caller hands it on.
func (r *Reorder) inOrder(ssrc uint32, seq uint16) bool {
	if !r.released || r.held != 0 || ssrc != r.ssrc || seq != uint16(r.next) { //nolint:gosec // G115: RTP sequence arithmetic: the low 16 bits of the extended counter (RFC 3550 A.1)
		return false
	}
	r.farOld = 0
	r.next++
	r.Stats.Released++
	return true
}

// passed counts n packets that the owner handed on itself while inOrder would have held
// for each: it keeps that check in its own state and tells the buffer in batches.
func (r *Reorder) passed(n uint64) {
	r.farOld = 0
	r.next += int64(n) //nolint:gosec // G115: n counts packets passed since the last call, far below 2^63
	r.Stats.Released += n
}

// start primes the window so that the first packet sits in its middle: packets that
// overtook it on the way are still placed instead of being dropped as late. Priming ends
// once half a window is held (or the window overflows); from then on packets in order
// pass straight through.
func (r *Reorder) start(p *Packet) {
	r.started = true
	r.released = false
	r.ssrc = p.SSRC
	r.farOld = 0
	r.next = seqBase + int64(p.Seq) - int64(len(r.slots)/2)
}

func (r *Reorder) store(p *Packet, ext int64) {
	i := int(ext & r.mask)
	s := &r.slots[i]
	if s.filled {
		r.Stats.Duplicates++
		return
	}
	if len(p.Payload) > r.slotCap {
		r.grow(len(p.Payload))
	}
	s.filled = true
	s.pkt = *p
	s.pkt.Payload = nil
	s.off = i * r.slotCap
	s.n = copy(r.arena[s.off:s.off+r.slotCap], p.Payload)
	r.held++
}

func (r *Reorder) releasePrefix() {
	for r.held > 0 {
		s := &r.slots[r.next&r.mask]
		if !s.filled {
			return
		}
		r.emit(s)
		r.next++
	}
}

// grow enlarges the arena so every slot can take n bytes, moving held payloads.
func (r *Reorder) grow(n int) {
	c := max(256, r.slotCap)
	for c < n {
		c *= 2
	}
	arena := make([]byte, c*len(r.slots))
	for i := range r.slots {
		s := &r.slots[i]
		if s.filled {
			copy(arena[i*c:], r.arena[s.off:s.off+s.n])
			s.off = i * c
		}
	}
	r.arena, r.slotCap = arena, c
}

func (r *Reorder) emit(s *slot) {
	s.filled = false
	r.held--
	r.released = true
	r.Stats.Released++
	r.emitted = s.pkt
	r.emitted.Payload = r.arena[s.off : s.off+s.n : s.off+s.n]
	r.out(&r.emitted)
}

// advance moves the window start to `to`, releasing what it holds on the way and
// counting the holes as lost.
func (r *Reorder) advance(to int64) {
	for r.next < to {
		if r.held == 0 {
			if r.released {
				r.Stats.Lost += uint64(to - r.next) //nolint:gosec // G115: to > r.next in this loop
			}
			r.next = to
			return
		}
		r.step()
	}
}

// step releases the slot at the window start (a hole there counts as lost once
// anything has been released) and moves the start on by one.
func (r *Reorder) step() {
	s := &r.slots[r.next&r.mask]
	if s.filled {
		r.emit(s)
	} else if r.released {
		r.Stats.Lost++
	}
	r.next++
}

// Drain releases every held packet in order, e.g. at the end of the leg or on a media
// timeout; holes before them count as lost.
func (r *Reorder) Drain() {
	for r.held > 0 {
		r.step()
	}
}
