package handover

import (
	"context"
	"fmt"
)

// Enqueue appends pdus, in order, to the durable queue of (dest, hi) in one atomic Redis
// step and returns once Redis acknowledged them: from then on they survive an LEMF outage
// and a restart of this process. It returns ErrQueueFull (nothing appended) when the
// undelivered bytes would exceed MaxBufferedBytes, and an error wrapping ErrRedis within
// EnqueueTimeout when Redis is unreachable. The PDUs are opaque bytes; they are never logged.
func (h *Handover) Enqueue(ctx context.Context, dest string, hi HI, pdus ...[]byte) error {
	s, ok := h.streams[streamName{dest, hi}]
	if !ok {
		return fmt.Errorf("%w: %q %s", ErrUnknownDestination, dest, hi)
	}
	return s.enqueue(ctx, pdus)
}

func (s *stream) enqueue(ctx context.Context, pdus [][]byte) error {
	if len(pdus) == 0 {
		return nil
	}
	args := make([]any, 0, len(pdus)+1)
	args = append(args, s.dest.MaxBufferedBytes)
	var total int64
	for i, p := range pdus {
		if len(p) == 0 {
			return fmt.Errorf("%w: %s %s: PDU #%d is empty", ErrBadPDU, s.dest.Name, s.hi, i+1)
		}
		total += int64(len(p))
		args = append(args, p)
	}
	if m := s.dest.MaxBufferedBytes; m > 0 && total > m {
		return fmt.Errorf("%w: %s %s: batch of %d bytes exceeds max buffered bytes %d", ErrBadPDU, s.dest.Name, s.hi, total, m)
	}
	if t := s.h.cfg.EnqueueTimeout; t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	res, err := s.h.scripts.enqueue.Run(ctx, s.h.rdb, []string{s.keys.stream, s.keys.sent}, args...).Int64Slice()
	if err != nil {
		return fmt.Errorf("%w: enqueue %d PDUs to %s %s: %w", ErrRedis, len(pdus), s.dest.Name, s.hi, err)
	}
	if len(res) != 2 {
		return fmt.Errorf("%w: enqueue to %s %s: unexpected script reply %v", ErrRedis, s.dest.Name, s.hi, res)
	}
	if res[0] < 0 {
		return fmt.Errorf("%w: %s %s holds %d undelivered bytes, adding %d exceeds %d",
			ErrQueueFull, s.dest.Name, s.hi, res[1], total, s.dest.MaxBufferedBytes)
	}
	s.enqueued.Add(int64(len(pdus)))
	s.met.enqueued.Add(float64(len(pdus)))
	return nil
}
