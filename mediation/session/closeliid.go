package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// closeLIIDLua ends one LIID's part in an open sequence when its warrant's window
// closes (deactivated over X1, or its EndTime passed): it journals a synthesized
// iRI-End for that LIID alone and marks it closed (in field x, see stepLua; x:<liid> in a
// sequence opened before x), so the sequence's idle
// close no longer names it; its counters are kept (the End consumed one IRI number), so
// a re-activated LIID goes on numbering instead of reusing a (LIID, CIN, seq). The
// sequence stays open for its other LIIDs.
//
// KEYS: 1 session hash, 2 journal hash.
// ARGV: 1 journal id, 2 LIID, 3 now (ms), 4 journal TTL (ms).
//
// Reply: false when the LIID had no IRI in the sequence, else "header\nblob" as journaled.
const closeLIIDLua = `
local prev = redis.call('HGET', KEYS[2], ARGV[1])
if prev then return prev end
local cur = redis.call('HMGET', KEYS[1], 'cin', 'z', 'g', 'i:' .. ARGV[2], 'x', 'x:' .. ARGV[2])
if not cur[1] or cur[6] then return false end
local xs = cur[5]
if xs and string.find(xs, ' ' .. ARGV[2] .. ' ', 1, true) then return false end
local blob = cur[2] or cur[3]
if not cur[4] or not blob then return false end
local entry = cur[1] .. ' 2 0 ' .. ARGV[3] .. ' ' .. ARGV[2] .. '=' .. cur[4] .. '\n' .. blob
if xs then
  redis.call('HSET', KEYS[1], 'i:' .. ARGV[2], cur[4] + 1, 'x', xs .. ARGV[2] .. ' ')
else -- a sequence opened before the closed-LIID field x
  redis.call('HSET', KEYS[1], 'i:' .. ARGV[2], cur[4] + 1, 'x:' .. ARGV[2], '1')
end
redis.call('HSET', KEYS[2], ARGV[1], entry)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return entry
`

var closeLIIDScript = redis.NewScript(closeLIIDLua)

// OpenCorrelationKeys lists the correlation keys of ne's open sequences.
func (s *Store) OpenCorrelationKeys(ctx context.Context, ne string) ([]string, error) {
	keys, err := s.rdb.ZRange(ctx, s.idleKey(ne), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("session: open sequences: %w", err)
	}
	return keys, nil
}

// CloseLIID ends liid's part in the open sequence (ne, correlationKey) and journals its
// synthesized iRI-End under id. ok is false when there was nothing to deliver (the
// sequence is gone, another instance closed it first, or it carried no IRI for liid).
func (s *Store) CloseLIID(ctx context.Context, ne, correlationKey, liid, id string, nowMs int64) (e Entry, ok bool, err error) {
	if !ValidNE(ne) {
		return Entry{}, false, ErrBadNE
	}
	keys := []string{s.sessionKey(ne, correlationKey), s.journalKey(ne)}
	v, err := closeLIIDScript.Run(ctx, s.rdb, keys, id, liid, nowMs, s.cfg.JournalTTL.Milliseconds()).Text()
	if errors.Is(err, redis.Nil) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("session: close LIID: %w", err)
	}
	e, err = parseEntry(ne, id, v)
	return e, err == nil, err
}
