package handover

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
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

// Batch is PDUs for one (destination, HI) queue, for EnqueueBatches.
type Batch struct {
	Dest string
	HI   HI
	PDUs [][]byte
}

// EnqueueBatches is Enqueue for several queues in one pipelined round trip (one per
// Redis Cluster node). Each batch is appended atomically or not at all, as by Enqueue;
// errs[i] is batches[i]'s result, so the caller retries only what failed.
func (h *Handover) EnqueueBatches(ctx context.Context, batches []Batch) (errs []error) {
	errs = make([]error, len(batches))
	if len(batches) == 1 {
		errs[0] = h.Enqueue(ctx, batches[0].Dest, batches[0].HI, batches[0].PDUs...)
		return errs
	}
	type job struct {
		i     int
		s     *stream
		args  []any
		total int64
		cmd   *redis.Cmd
	}
	jobs := make([]job, 0, len(batches))
	for i, b := range batches {
		s, ok := h.streams[streamName{b.Dest, b.HI}]
		if !ok {
			errs[i] = fmt.Errorf("%w: %q %s", ErrUnknownDestination, b.Dest, b.HI)
			continue
		}
		if len(b.PDUs) == 0 {
			continue
		}
		args, total, err := s.enqueueArgs(ctx, b.PDUs)
		if err != nil {
			errs[i] = err
			continue
		}
		jobs = append(jobs, job{i: i, s: s, args: args, total: total})
	}
	if len(jobs) == 0 {
		return errs
	}
	if t := h.cfg.EnqueueTimeout; t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	// EVALSHA first; a server that lost its script cache gets the script body for the
	// commands that failed with NOSCRIPT only (the others ran).
	for attempt := 0; attempt < 2; attempt++ {
		pipe := h.rdb.Pipeline()
		n := 0
		for k := range jobs {
			j := &jobs[k]
			if j.cmd != nil && !(attempt == 1 && isNoScript(j.cmd.Err())) {
				continue
			}
			keys := []string{j.s.keys.stream, j.s.keys.sent, j.s.keys.dkl}
			if attempt == 0 {
				j.cmd = h.scripts.enqueue.EvalSha(ctx, pipe, keys, j.args...)
			} else {
				j.cmd = h.scripts.enqueue.Eval(ctx, pipe, keys, j.args...)
			}
			n++
		}
		if n == 0 {
			break
		}
		_, _ = pipe.Exec(ctx) // errors are read per command below
	}
	for _, j := range jobs {
		res, err := j.cmd.Int64Slice()
		errs[j.i] = j.s.enqueueResult(res, err, len(j.args)-2, j.total)
	}
	return errs
}

func isNoScript(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT")
}

func (s *stream) enqueue(ctx context.Context, pdus [][]byte) error {
	if len(pdus) == 0 {
		return nil
	}
	if t := s.h.cfg.EnqueueTimeout; t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	args, total, err := s.enqueueArgs(ctx, pdus)
	if err != nil {
		return err
	}
	res, err := s.h.scripts.enqueue.Run(ctx, s.h.rdb, []string{s.keys.stream, s.keys.sent, s.keys.dkl}, args...).Int64Slice()
	return s.enqueueResult(res, err, len(pdus), total)
}

// enqueueArgs checks pdus and builds the enqueue script's arguments: the byte cap, the
// data key id ("" in clear) and the PDUs, sealed into one buffer when a keyring is set.
func (s *stream) enqueueArgs(ctx context.Context, pdus [][]byte) ([]any, int64, error) {
	args := make([]any, 2, len(pdus)+2)
	args[0], args[1] = s.dest.MaxBufferedBytes, ""
	var total int64
	for i, p := range pdus {
		if len(p) == 0 {
			return nil, 0, fmt.Errorf("%w: %s %s: PDU #%d is empty", ErrBadPDU, s.dest.Name, s.hi, i+1)
		}
		total += int64(len(p))
	}
	if m := s.dest.MaxBufferedBytes; m > 0 && total > m {
		return nil, 0, fmt.Errorf("%w: %s %s: batch of %d bytes exceeds max buffered bytes %d", ErrBadPDU, s.dest.Name, s.hi, total, m)
	}
	if s.dk == nil {
		for i := range pdus {
			args = append(args, (*bytesArg)(&pdus[i])) // a pointer: no allocation per PDU
		}
		return args, total, nil
	}
	k, err := s.dk.current(ctx)
	if err != nil {
		return nil, 0, err
	}
	args[1] = k.ID()
	buf := make([]byte, 0, int(total)+len(pdus)*k.Overhead())
	sealed := make([]bytesArg, len(pdus))
	for i, p := range pdus {
		n := len(buf)
		if buf, err = k.Seal(buf, p, s.dk.aad); err != nil {
			return nil, 0, err
		}
		sealed[i] = buf[n:len(buf):len(buf)]
		args = append(args, &sealed[i])
	}
	return args, total, nil
}

// bytesArg is a byte slice script argument passed by pointer (encoding.BinaryMarshaler):
// the interface value then needs no allocation of its own.
type bytesArg []byte

func (b *bytesArg) MarshalBinary() ([]byte, error) { return *b, nil }

// enqueueResult turns the enqueue script's reply for n PDUs of total bytes into Enqueue's
// result and counts what was appended.
func (s *stream) enqueueResult(res []int64, err error, n int, total int64) error {
	if err != nil {
		return fmt.Errorf("%w: enqueue %d PDUs to %s %s: %w", ErrRedis, n, s.dest.Name, s.hi, err)
	}
	if len(res) != 2 {
		return fmt.Errorf("%w: enqueue to %s %s: unexpected script reply %v", ErrRedis, s.dest.Name, s.hi, res)
	}
	if res[0] < 0 {
		return fmt.Errorf("%w: %s %s holds %d undelivered bytes, adding %d exceeds %d",
			ErrQueueFull, s.dest.Name, s.hi, res[1], total, s.dest.MaxBufferedBytes)
	}
	s.enqueued.Add(int64(n))
	s.met.enqueued.Add(float64(n))
	return nil
}
