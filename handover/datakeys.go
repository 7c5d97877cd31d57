package handover

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/seal"
)

// Data keys (see README.md, "Data keys and crypto-shredding"): each stream seals its
// entries under a key of its own per time window. The key's material is wrapped under the
// keyring and kept in the stream's dk hash; the last entry id sealed with it in the dkl
// hash. Once no entry of the stream needs a key (delivered and trimmed, or aged out) and
// its window has closed, the lease holder deletes both: copies of the entries (AOF, RDB,
// replicas, backups) can then never be opened, keyring or not.

// Unreadable-entry reasons in unreadable_total{reason}.
const (
	ReasonTampered     = "tampered"      // fails authentication: flipped bits, truncated
	ReasonKeyDestroyed = "key_destroyed" // its data key was shredded
	ReasonClear        = "clear"         // written before sealing was on
)

// errKeyDestroyed means an entry's data key no longer exists.
var errKeyDestroyed = errors.New("data key destroyed")

// dataKeys is one stream's data keys as this process knows them.
type dataKeys struct {
	s     *stream
	aad   []byte // the stream key: an entry cannot be moved to another stream
	mu    sync.Mutex
	cur   *seal.Key
	end   time.Time
	cache map[string]*seal.Key
}

func newDataKeys(s *stream) *dataKeys {
	return &dataKeys{s: s, aad: []byte(s.keys.stream), cache: map[string]*seal.Key{}}
}

// keyID names a key by its window's end (hex unix ms, which the shred script reads) and
// eight random hex digits (instances sealing the same stream make keys of their own).
func keyID(end time.Time) (string, error) {
	var r [4]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", fmt.Errorf("data key id: %w", err)
	}
	return strconv.FormatInt(end.UnixMilli(), 16) + "-" + hex.EncodeToString(r[:]), nil
}

// wrapAAD binds a wrapped key to its stream and id.
func (dk *dataKeys) wrapAAD(id string) []byte { return []byte(dk.s.keys.stream + "|" + id) }

// current returns the key to seal with now, making (and storing, wrapped) a new one when
// the window has passed.
func (dk *dataKeys) current(ctx context.Context) (*seal.Key, error) {
	now := time.Now()
	dk.mu.Lock()
	defer dk.mu.Unlock()
	if dk.cur != nil && now.Before(dk.end) {
		return dk.cur, nil
	}
	w := dk.s.h.cfg.DataKeyWindow
	end := now.Truncate(w).Add(w)
	id, err := keyID(end)
	if err != nil {
		return nil, err
	}
	k, raw, err := seal.GenerateKey(id)
	if err != nil {
		return nil, err
	}
	wrapped, err := dk.s.h.cfg.Keyring.SealBinary(nil, raw, dk.wrapAAD(id))
	clear(raw)
	if err != nil {
		return nil, fmt.Errorf("wrap data key: %w", err)
	}
	if err := dk.s.h.rdb.HSet(ctx, dk.s.keys.dk, id, wrapped).Err(); err != nil {
		return nil, fmt.Errorf("%w: store data key of %s %s: %w", ErrRedis, dk.s.dest.Name, dk.s.hi, err)
	}
	// Keys of windows long closed are no longer needed for sealing or, mostly, opening.
	for cid := range dk.cache {
		if e, ok := keyEnd(cid); ok && e.Before(now.Add(-3*w)) {
			delete(dk.cache, cid)
		}
	}
	dk.cur, dk.end, dk.cache[id] = k, end, k
	return k, nil
}

// rotate ends the current window now (a warrant ended): new entries get a new key and
// the old one is shredded as soon as its entries are gone.
func (dk *dataKeys) rotate(ctx context.Context) error {
	dk.mu.Lock()
	cur := dk.cur
	dk.cur = nil
	dk.mu.Unlock()
	if cur == nil {
		return nil
	}
	err := dk.s.h.rdb.HSet(ctx, dk.s.keys.dkl, "e:"+cur.ID(), time.Now().UnixMilli()).Err()
	if err != nil {
		return fmt.Errorf("%w: close data key window of %s %s: %w", ErrRedis, dk.s.dest.Name, dk.s.hi, err)
	}
	return nil
}

// keyEnd reads the window end from a key id.
func keyEnd(id string) (time.Time, bool) {
	h, _, ok := strings.Cut(id, "-")
	ms, err := strconv.ParseInt(h, 16, 64)
	if !ok || err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

// key returns the key named id: cached, or unwrapped from Redis.
func (dk *dataKeys) key(ctx context.Context, id string) (*seal.Key, error) {
	dk.mu.Lock()
	k, ok := dk.cache[id]
	dk.mu.Unlock()
	if ok {
		return k, nil
	}
	wrapped, err := dk.s.h.rdb.HGet(ctx, dk.s.keys.dk, id).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, errKeyDestroyed
	}
	if err != nil {
		return nil, fmt.Errorf("%w: read data key: %w", ErrRedis, err)
	}
	raw, err := dk.s.h.cfg.Keyring.OpenBinary(nil, wrapped, dk.wrapAAD(id))
	if err != nil {
		return nil, fmt.Errorf("unwrap data key: %w", err)
	}
	k, err = seal.NewKey(id, raw)
	clear(raw)
	if err != nil {
		return nil, err
	}
	dk.mu.Lock()
	dk.cache[id] = k
	dk.mu.Unlock()
	return k, nil
}

// open returns the PDU of a stream entry, appended to dst. The error says why an entry
// cannot be delivered; its reason is one of the Reason* values.
func (dk *dataKeys) open(ctx context.Context, dst []byte, p string) ([]byte, string, error) {
	b := []byte(p)
	id, err := seal.KeyID(b)
	switch {
	case errors.Is(err, seal.ErrNotSealed):
		return nil, ReasonClear, err
	case err != nil:
		return nil, ReasonTampered, err
	}
	k, err := dk.key(ctx, id)
	if errors.Is(err, errKeyDestroyed) {
		return nil, ReasonKeyDestroyed, err
	}
	if err != nil {
		return nil, ReasonTampered, err
	}
	pt, err := k.Open(dst, b, dk.aad)
	if err != nil {
		return nil, ReasonTampered, err
	}
	return pt, "", nil
}

// forget drops shredded keys from the cache.
func (dk *dataKeys) forget(ids []string) {
	dk.mu.Lock()
	defer dk.mu.Unlock()
	for _, id := range ids {
		delete(dk.cache, id)
		if dk.cur != nil && dk.cur.ID() == id {
			dk.cur = nil
		}
	}
}

// shredLua deletes the data keys no entry of the stream needs: window closed (by time or
// by rotate) more than a grace period ago, and the stream's first entry after the last
// one sealed with the key (or no entry at all). KEYS: lease, stream, dk, dkl.
// ARGV: owner, now ms, grace ms. Returns the deleted key ids.
const shredLua = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {} end
local function sid(s)
  local a, b = string.match(s, '^(%d+)-(%d+)$')
  return tonumber(a), tonumber(b)
end
local fms, fseq
local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
if #first > 0 then fms, fseq = sid(first[1][1]) end
local now, grace = tonumber(ARGV[2]), tonumber(ARGV[3])
local gone = {}
for _, id in ipairs(redis.call('HKEYS', KEYS[3])) do
  local e = tonumber(redis.call('HGET', KEYS[4], 'e:' .. id) or '')
  if not e then e = tonumber(string.match(id, '^(%x+)-') or '', 16) end
  if e and e + grace < now then
    local l = redis.call('HGET', KEYS[4], id)
    local dead = (not l) or (not fms)
    if not dead then
      local lms, lseq = sid(l)
      dead = lms ~= nil and (fms > lms or (fms == lms and fseq > lseq))
    end
    if dead then
      redis.call('HDEL', KEYS[3], id)
      redis.call('HDEL', KEYS[4], id, 'e:' .. id)
      gone[#gone + 1] = id
    end
  end
end
return gone
`

// shredGrace is how long after its window closed a key may still be sealing: an enqueue
// that took the key just before the end reaches Redis within EnqueueTimeout.
func (s *stream) shredGrace() time.Duration { return 2*s.h.cfg.EnqueueTimeout + time.Second }

// shred destroys the data keys nothing needs any more (lease holder only).
func (s *stream) shred(ctx context.Context) {
	if s.dk == nil {
		return
	}
	ids, err := s.h.scripts.shred.Run(ctx, s.h.rdb, []string{s.keys.lease, s.keys.stream, s.keys.dk, s.keys.dkl},
		s.h.owner, time.Now().UnixMilli(), s.shredGrace().Milliseconds()).StringSlice()
	if err != nil {
		if ctx.Err() == nil && !errors.Is(err, redis.Nil) {
			s.log.Warn().Err(err).Msg("shred data keys: redis unavailable")
		}
		return
	}
	if len(ids) == 0 {
		return
	}
	s.dk.forget(ids)
	s.met.shredded.Add(float64(len(ids)))
	s.log.Info().Int("keys", len(ids)).Msg("data keys destroyed: their entries were delivered and trimmed, or aged out")
}

// RotateDataKeys closes the current data-key window of every stream of dest (called
// when a warrant delivering there ends), so that its data becomes unreadable as soon as
// it is delivered and trimmed rather than when the window would have ended.
func (h *Handover) RotateDataKeys(ctx context.Context, dest string) error {
	var errs []error
	for n, s := range h.streams {
		if n.dest == dest && s.dk != nil {
			errs = append(errs, s.dk.rotate(ctx))
		}
	}
	return errors.Join(errs...)
}
