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

// idRing keeps the ids of the last n PDUs written on a connection: the oldest is the
// MINID that trims everything before the resend window.
type idRing struct {
	ids   []streamID
	start int
	n     int
}

func newIDRing(capacity int) *idRing { return &idRing{ids: make([]streamID, capacity)} }

func (r *idRing) push(id streamID) {
	if len(r.ids) == 0 {
		return
	}
	if r.n < len(r.ids) {
		r.ids[(r.start+r.n)%len(r.ids)] = id
		r.n++
		return
	}
	r.ids[r.start] = id
	r.start = (r.start + 1) % len(r.ids)
}

func (r *idRing) full() bool { return r.n == len(r.ids) }

func (r *idRing) oldest() streamID { return r.ids[r.start] }
