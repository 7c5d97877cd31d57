package rtpcapture

import (
	"sync/atomic"

	"github.com/umli/umli/mediation/record"
)

// recycleDepth is how many released chunks a leg keeps for reuse. A chunk the sink
// releases while the list is full is left to the GC; one the sink still holds when the
// leg opens a chunk is replaced by fresh memory, so a slow sink never stalls the leg.
const recycleDepth = 4

// recycled is a chunk's memory lent to a record.ReleaseSink: the content buffer and
// the records of every view. It returns to its leg's free list once the sink released
// every view and the leg finished submitting them.
type recycled struct {
	content []byte
	crs     []ccRecord
	pending atomic.Int32
	free    *freeList
	release func() // done, bound once so that a submit allocates no closure
}

// freeList holds a leg's released chunks. The sink's goroutines put, the leg takes;
// each slot is swapped atomically, so a chunk is in one slot at most.
type freeList [recycleDepth]atomic.Pointer[recycled]

// done drops one hold; the last returns the chunk to the free list.
func (r *recycled) done() {
	if r.pending.Add(-1) != 0 {
		return
	}
	for i := range r.free {
		if r.free[i].CompareAndSwap(nil, r) {
			return
		}
	}
}

// releaseSink returns the sink's record.ReleaseSink when the leg should lend it its
// chunks: not with ReuseBuffers, which reuses them without being told.
func releaseSink(cfg *SessionConfig) record.ReleaseSink {
	if cfg.ReuseBuffers {
		return nil
	}
	rs, _ := cfg.Sink.(record.ReleaseSink)
	return rs
}

// takeRecycled returns a released chunk, or fresh memory when none is back yet.
func (l *Leg) takeRecycled() *recycled {
	for i := range l.free {
		if r := l.free[i].Swap(nil); r != nil {
			return r
		}
	}
	r := &recycled{content: make([]byte, 0, l.capHint), crs: make([]ccRecord, len(l.views)), free: l.free}
	r.release = r.done
	return r
}
