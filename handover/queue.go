package handover

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/seal"
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
		eb    *enqueueBuf
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
		eb := h.getBuf()
		args, total, err := s.enqueueArgs(ctx, b.PDUs, eb)
		if err != nil {
			h.putBuf(eb)
			errs[i] = err
			continue
		}
		jobs = append(jobs, job{i: i, s: s, args: args, total: total, eb: eb})
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
		errs[j.i] = j.s.enqueueResult(res, err, len(batches[j.i].PDUs), j.total)
		h.putBuf(j.eb)
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
	eb := s.h.getBuf()
	defer s.h.putBuf(eb)
	args, total, err := s.enqueueArgs(ctx, pdus, eb)
	if err != nil {
		return err
	}
	res, err := s.h.scripts.enqueue.Run(ctx, s.h.rdb, []string{s.keys.stream, s.keys.sent, s.keys.dkl}, args...).Int64Slice()
	return s.enqueueResult(res, err, len(pdus), total)
}

// enqueueBuf holds one enqueue call's arguments and the memory behind them; reused
// through Handover.bufs once the call has returned.
type enqueueBuf struct {
	args  []any
	buf   []byte // packed or sealed entries
	plain []byte // packing scratch before sealing
	vals  []bytesArg
	sizes []int
	// counts holds each entry's PDU count, pointed to by the script arguments.
	counts []int
}

func (h *Handover) getBuf() *enqueueBuf {
	if eb, ok := h.bufs.Get().(*enqueueBuf); ok {
		return eb
	}
	return &enqueueBuf{}
}

// putBuf returns eb for reuse; a buffer grown by a huge batch is left to the collector.
func (h *Handover) putBuf(eb *enqueueBuf) {
	if eb == nil || cap(eb.buf) > 1<<20 || cap(eb.plain) > 1<<20 {
		return
	}
	clear(eb.args) // drop references to the caller's PDUs
	clear(eb.vals)
	h.bufs.Put(eb)
}

// enqueueArgs checks pdus and builds the enqueue script's arguments in eb: the byte cap,
// the data key id ("" in clear), then per stream entry its PDU count, bytes and content
// (see entry.go): a lone PDU as it is, a run packed; each sealed as one message when a
// keyring is set. The arguments point into eb and pdus until the call returns.
func (s *stream) enqueueArgs(ctx context.Context, pdus [][]byte, eb *enqueueBuf) ([]any, int64, error) {
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
	nEntries, size := 0, 0
	var k *seal.Key
	if s.dk != nil {
		var err error
		if k, err = s.dk.current(ctx); err != nil {
			return nil, 0, err
		}
	}
	// One buffer holds every packed or sealed entry; a lone clear PDU is passed as it is.
	_ = chunks(pdus, func(run [][]byte) error {
		nEntries++
		if len(run) > 1 {
			size += packedLen(run)
		} else if k != nil {
			size += len(run[0])
		}
		if k != nil {
			size += k.Overhead()
		}
		return nil
	})
	args := append(eb.args[:0], &s.dest.MaxBufferedBytes, "")
	if k != nil {
		args[1] = k.ID()
	}
	buf := slices.Grow(eb.buf[:0], size)
	// vals, sizes and counts must not move once pointed to: sized before the first append.
	vals := slices.Grow(eb.vals[:0], nEntries)
	sizes := slices.Grow(eb.sizes[:0], nEntries)
	counts := slices.Grow(eb.counts[:0], nEntries)
	plain := eb.plain
	err := chunks(pdus, func(run [][]byte) error {
		var v []byte
		switch {
		case k == nil && len(run) == 1:
			v = run[0]
		case k == nil:
			n := len(buf)
			buf = appendPacked(buf, run)
			v = buf[n:len(buf):len(buf)]
		default:
			pt := run[0]
			if len(run) > 1 {
				plain = appendPacked(plain[:0], run)
				pt = plain
			}
			n := len(buf)
			var err error
			if buf, err = k.Seal(buf, pt, s.dk.aad); err != nil {
				return err
			}
			v = buf[n:len(buf):len(buf)]
		}
		size := len(v) // a lone PDU counts as stored (sealed: with its overhead), a run as its PDUs
		if len(run) > 1 {
			size = 0
			for _, p := range run {
				size += len(p)
			}
		}
		vals = append(vals, v)
		sizes = append(sizes, size)
		counts = append(counts, len(run))
		// Pointers: no allocation per entry.
		args = append(args, &counts[len(counts)-1], &sizes[len(sizes)-1], &vals[len(vals)-1])
		return nil
	})
	eb.args, eb.buf, eb.plain, eb.vals, eb.sizes, eb.counts = args, buf, plain, vals, sizes, counts
	if err != nil {
		return nil, 0, err
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
