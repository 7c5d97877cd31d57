package handover

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/backoff"
)

// maxBlock bounds one blocking XREAD, and so how late the fetcher notices the session end.
const maxBlock = 250 * time.Millisecond

// fetched is one step of the fetcher: a batch, the news that it caught up, or a Redis error.
type fetched struct {
	msgs     []redis.XMessage
	sent     streamID // the recorded cursor, in the first message of a session
	skip     skipMark // with it: PDUs of the first kept entry older than the resend window
	first    bool
	caughtUp bool // the stream held no more than this batch
	err      error
}

// fetch reads the stream from its start (the resend window, then the undelivered PDUs) and
// follows it, one bounded batch at a time; the channel holds one batch, so at most two are
// in memory while the socket is slow. It overlaps Redis reads with socket writes.
func (ss *session) fetch(ctx context.Context, out chan<- fetched) {
	s := ss.s
	bo := backoff.New(s.dest.Backoff)
	send := func(f fetched) bool {
		select {
		case out <- f:
			return true
		case <-ctx.Done():
			return false
		}
	}
	fail := func(err error) bool {
		if !send(fetched{err: err}) {
			return false
		}
		return backoff.Sleep(ctx, bo.Next())
	}
	var sent streamID
	var skip skipMark
	for {
		vs, err := s.h.rdb.MGet(ctx, s.keys.sent, s.keys.skip).Result()
		if err == nil && len(vs) != 2 {
			err = fmt.Errorf("MGET: %d values for 2 keys", len(vs))
		}
		if err == nil {
			if v, ok := vs[0].(string); ok {
				sent, err = parseStreamID(v)
			}
		}
		if err == nil {
			if v, ok := vs[1].(string); ok {
				if skip, err = parseSkipMark(v); err != nil {
					// Not ours: replaying a few PDUs more is harmless, stalling is not.
					s.log.Error().Err(err).Str("key", s.keys.skip).Msg("unreadable skip mark ignored")
					skip, err = skipMark{}, nil
				}
			}
		}
		if err == nil {
			break
		}
		if ctx.Err() != nil || !fail(fmt.Errorf("read cursor %s: %w", s.keys.sent, err)) {
			return
		}
	}
	if !send(fetched{sent: sent, skip: skip, first: true}) {
		return
	}
	cursor := "0-0"
	batch := s.h.cfg.BatchSize
	for ctx.Err() == nil {
		res, err := s.h.rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{s.keys.stream, cursor}, Count: int64(batch), Block: maxBlock,
		}).Result()
		switch {
		case errors.Is(err, redis.Nil) || (err == nil && (len(res) == 0 || len(res[0].Messages) == 0)):
			if !send(fetched{caughtUp: true}) {
				return
			}
		case err != nil:
			if ctx.Err() != nil || !fail(fmt.Errorf("read %s: %w", s.keys.stream, err)) {
				return
			}
		default:
			bo.Reset()
			msgs := res[0].Messages
			cursor = msgs[len(msgs)-1].ID
			if !send(fetched{msgs: msgs, caughtUp: len(msgs) < batch}) {
				return
			}
		}
	}
}
