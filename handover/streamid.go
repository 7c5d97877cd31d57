package handover

import (
	"fmt"
	"strconv"
	"strings"
)

// streamID is a Redis Stream entry id "ms-seq", compared numerically (string order is wrong
// once the millisecond part changes length).
type streamID struct{ ms, seq uint64 }

func parseStreamID(s string) (streamID, error) {
	ms, seq, ok := strings.Cut(s, "-")
	if !ok {
		return streamID{}, fmt.Errorf("stream id %q: missing '-'", s)
	}
	a, err := strconv.ParseUint(ms, 10, 64)
	if err != nil {
		return streamID{}, fmt.Errorf("stream id %q: %w", s, err)
	}
	b, err := strconv.ParseUint(seq, 10, 64)
	if err != nil {
		return streamID{}, fmt.Errorf("stream id %q: %w", s, err)
	}
	return streamID{a, b}, nil
}

func (id streamID) String() string {
	return strconv.FormatUint(id.ms, 10) + "-" + strconv.FormatUint(id.seq, 10)
}

func (id streamID) less(o streamID) bool {
	return id.ms < o.ms || (id.ms == o.ms && id.seq < o.seq)
}

// next is the smallest id greater than id: XTRIM MINID next(id) removes id itself.
func (id streamID) next() streamID {
	if id.seq == ^uint64(0) {
		return streamID{id.ms + 1, 0}
	}
	return streamID{id.ms, id.seq + 1}
}

// idRing keeps the ids of the PDUs written on a connection that are still inside the
// resend window (the last maxN PDUs, or the last maxBytes bytes): the oldest kept is the
// MINID that trims everything before the window.
type idRing struct {
	q        []ringEntry
	head     int
	maxN     int
	maxBytes int64
	bytes    int64
	pdus     int  // PDUs in q[head:]
	evicted  bool // something written on this connection left the window
}

type ringEntry struct {
	id   streamID
	size int
	n    int // PDUs in the entry
}

// newIDRing keeps the last n ids (n == 0: none).
func newIDRing(n int) *idRing { return &idRing{maxN: n} }

// newByteRing keeps the ids of the last maxBytes bytes written.
func newByteRing(maxBytes int64) *idRing { return &idRing{maxBytes: maxBytes} }

// push adds an entry of n PDUs and size bytes. A count window keeps the newest entries
// holding at least maxN PDUs (whole entries: a multi-PDU entry may keep a few more).
func (r *idRing) push(id streamID, size, n int) {
	if r.maxN <= 0 && r.maxBytes <= 0 { // no window: everything written may leave
		r.evicted = true
		return
	}
	r.q = append(r.q, ringEntry{id, size, n})
	r.bytes += int64(size)
	r.pdus += n
	for r.head < len(r.q) && ((r.maxN > 0 && r.pdus-r.q[r.head].n >= r.maxN) || (r.maxBytes > 0 && r.outOfBytes(r.q[r.head]))) {
		r.bytes -= int64(r.q[r.head].size)
		r.pdus -= r.q[r.head].n
		r.head++
		r.evicted = true
	}
	if r.head >= 1024 && r.head*2 >= len(r.q) { // reuse the slice's front
		r.q = append(r.q[:0], r.q[r.head:]...)
		r.head = 0
	}
}

// outOfBytes: the byte window no longer needs head. A lone PDU leaves once it is not
// wholly inside; a multi-PDU entry only once no part of it is inside (more is resent,
// never less).
func (r *idRing) outOfBytes(head ringEntry) bool {
	if head.n > 1 {
		return r.bytes-int64(head.size) >= r.maxBytes
	}
	return r.bytes > r.maxBytes
}

// surplus is how many of the first kept entry's PDUs are older than a count window (it is
// kept whole); a replay skips them.
func (r *idRing) surplus() int {
	if r.maxN > 0 && r.pdus > r.maxN {
		return r.pdus - r.maxN
	}
	return 0
}

// trimBefore is the MINID that trims what left the window (last: the newest written id),
// or false while the whole window is still held.
func (r *idRing) trimBefore(last streamID) (streamID, bool) {
	switch {
	case r.head < len(r.q) && (r.evicted || (r.maxN > 0 && r.pdus >= r.maxN)):
		return r.q[r.head].id, true
	case r.evicted:
		return last.next(), true
	}
	return streamID{}, false
}
