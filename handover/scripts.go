package handover

import "github.com/redis/go-redis/v9"

// Stream entries (entry.go) carry the PDU in p, or several in P, and m: "o:n" for p,
// "o:n:k:s" for P (byte offset within the stream's life, number of the first PDU, PDU
// count, PDU bytes; one field so the sender parses less). An entry's bytes are len(p),
// or s: the PDUs without P's framing. Offsets and numbers let Lua compute undelivered
// bytes and depth in PDUs from two entries, with no counters that could drift. They
// restart at 0 when the stream is empty, which keeps differences within one stream correct.

// luaField finds a field in an XRANGE entry's flat field list.
const luaField = `
local function field(fs, name)
  for i = 1, #fs, 2 do if fs[i] == name then return fs[i + 1] end end
  return nil
end
-- meta: offset, first PDU number, PDU count, bytes
local function meta(fs)
  local m = field(fs, 'm')
  local o, n, k, s = string.match(m, '^(%d+):(%d+):(%d+):(%d+)$')
  if o then return tonumber(o), tonumber(n), tonumber(k), tonumber(s) end
  o, n = string.match(m, '^(%d+):(%d+)$')
  return tonumber(o), tonumber(n), 1, string.len(field(fs, 'p') or '')
end
-- last_end: the byte offset after the stream's last entry and its last PDU's number
local function last_end(stream)
  local l = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
  if #l == 0 then return nil, nil end
  local o, n, k, s = meta(l[1][2])
  return o + s, n + k - 1
end
`

// enqueueScript appends entries to KEYS[1] unless the undelivered bytes (entries after
// the cursor KEYS[2]) would exceed ARGV[1]; ARGV[2], when not empty, is the data key that
// sealed them, whose last entry id goes into KEYS[3]. ARGV[3..] are triples: an entry's
// PDU count, its bytes and its content (p for one PDU, P for more; see entry.go). One
// XADD per entry, not per PDU. Returns {0, pending} or {-1, pending}.
const enqueueLua = (luaField + `
local o, n = 0, 0
local e, ln = last_end(KEYS[1])
if e then o = e; n = ln + 1 end
local add = 0
for i = 4, #ARGV, 3 do add = add + tonumber(ARGV[i]) end
local pending = 0
local sent = redis.call('GET', KEYS[2]) or '0-0'
local first = redis.call('XRANGE', KEYS[1], '(' .. sent, '+', 'COUNT', 1)
if #first > 0 then pending = o - (meta(first[1][2])) end
local max = tonumber(ARGV[1])
if max > 0 and pending + add > max then return {-1, pending} end
local last
for i = 3, #ARGV, 3 do
  local k, s = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  if k == 1 then
    last = redis.call('XADD', KEYS[1], '*', 'p', ARGV[i + 2], 'm', string.format('%d:%d', o, n))
  else
    last = redis.call('XADD', KEYS[1], '*', 'P', ARGV[i + 2], 'm', string.format('%d:%d:%d:%d', o, n, k, s))
  end
  o = o + s
  n = n + k
end
if ARGV[2] ~= '' and last then redis.call('HSET', KEYS[3], ARGV[2], last) end
return {0, pending + add}
`)

// ackLua records the last written id and trims before the resend window, but only while
// the caller holds the lease (a stale sender must not move the cursor); an expired lease
// nobody took is taken back. The MINID entry's first ARGV[5] PDUs, when more than 0, are
// older than the window (a multi-PDU entry kept whole): recorded in KEYS[4] so a replay
// skips them. KEYS: lease, sent, stream, skip. ARGV: owner, last id, MINID or "", lease
// ttl ms, PDUs to skip.
const ackLua = (`
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return -1 end
if not cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4]) end
redis.call('SET', KEYS[2], ARGV[2])
if ARGV[3] ~= '' then
  if tonumber(ARGV[5]) > 0 then redis.call('SET', KEYS[4], ARGV[3] .. ' ' .. ARGV[5]) else redis.call('DEL', KEYS[4]) end
  return redis.call('XTRIM', KEYS[3], 'MINID', ARGV[3])
end
return 0
`)

// confirmLua trims entries up to the confirmed id, keeping the newest entries that hold
// the last N PDUs; a multi-PDU entry is kept whole, and how many of its first PDUs are
// older than the window goes into the skip key, so a replay sends exactly the last N.
// KEYS: lease, stream, skip. ARGV: owner, confirmed id, N, id after the confirmed one.
const confirmLua = (luaField + `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local n = tonumber(ARGV[3])
if n == 0 then
  redis.call('DEL', KEYS[3])
  return redis.call('XTRIM', KEYS[2], 'MINID', ARGV[4])
end
local r = redis.call('XREVRANGE', KEYS[2], ARGV[2], '-', 'COUNT', n + 1)
local held = 0
for _, en in ipairs(r) do
  local _, _, k = meta(en[2])
  held = held + k
  if held >= n then
    if held > n then redis.call('SET', KEYS[3], en[1] .. ' ' .. (held - n)) else redis.call('DEL', KEYS[3]) end
    return redis.call('XTRIM', KEYS[2], 'MINID', en[1])
  end
end
return 0
`)

// confirmBytesLua trims entries up to the confirmed id, keeping those wholly inside the
// last N bytes up to and including it (offsets in field m make this a walk back without
// summing). KEYS: lease, stream. ARGV: owner, confirmed id, N bytes, id after the confirmed one.
const confirmBytesLua = (luaField + `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local n = tonumber(ARGV[3])
local c = redis.call('XREVRANGE', KEYS[2], ARGV[2], '-', 'COUNT', 1)
if #c == 0 then return 0 end
local co, _, _, cs = meta(c[1][2])
local e = co + cs
local keep = ARGV[4]
local cursor = ARGV[2]
while true do
  local r = redis.call('XREVRANGE', KEYS[2], cursor, '-', 'COUNT', 256)
  for _, en in ipairs(r) do
    -- a lone PDU is kept wholly inside the window; a multi-PDU entry while any part is
    -- inside (more is resent, never less)
    local o, _, k, sz = meta(en[2])
    if (k == 1 and e - o > n) or (k > 1 and e - o - sz >= n) then return redis.call('XTRIM', KEYS[2], 'MINID', keep) end
    keep = en[1]
  end
  if #r < 256 then return 0 end
  cursor = '(' .. r[#r][1]
end
`)

// purgeScript applies the age and size caps to undelivered entries (at most ARGV[4] per
// call), trims written entries past the age, and reports depth.
// KEYS: lease, sent, stream. ARGV: owner, max age ms (0 none), max bytes (0 none), limit.
// Returns {status, PDUs dropped by age, PDUs dropped by size, window entries aged out, more, depth in PDUs, pending bytes}.
const purgeLua = (luaField + `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {-1, 0, 0, 0, 0, 0, 0} end
local sent = redis.call('GET', KEYS[2]) or '0-0'
local maxAge, maxBytes, limit = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local byAge, bySize, window, more = 0, 0, 0, 0
if maxAge > 0 then
  local t = redis.call('TIME')
  local cut = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - maxAge
  if cut > 0 then
    local minid = string.format('%d-0', cut)
    local old = redis.call('XRANGE', KEYS[3], '(' .. sent, '(' .. minid, 'COUNT', limit)
    if #old > 0 then
      local ids = {}
      for i, en in ipairs(old) do
        ids[i] = en[1]
        local _, _, k = meta(en[2])
        byAge = byAge + k
      end
      redis.call('XDEL', KEYS[3], unpack(ids))
    end
    if #old < limit then window = redis.call('XTRIM', KEYS[3], 'MINID', minid) else more = 1 end
  end
end
local e, ln = last_end(KEYS[3])
if maxBytes > 0 and more == 0 and e then
  local pend = redis.call('XRANGE', KEYS[3], '(' .. sent, '+', 'COUNT', limit)
  local ids = {}
  for _, en in ipairs(pend) do
    -- a PDU partly beyond the cap goes; a multi-PDU entry only when wholly beyond it,
    -- so no PDU that fits is dropped (the cap may be passed by less than one entry)
    local o, _, k, sz = meta(en[2])
    if (k == 1 and e - o > maxBytes) or (k > 1 and e - o - sz >= maxBytes) then
      ids[#ids + 1] = en[1]; bySize = bySize + k
    else break end
  end
  if #ids > 0 then redis.call('XDEL', KEYS[3], unpack(ids)) end
  if #ids == limit then more = 1 end
end
local depth, pendingBytes = 0, 0
local first = redis.call('XRANGE', KEYS[3], '(' .. sent, '+', 'COUNT', 1)
if #first > 0 and e then
  local fo, fn = meta(first[1][2])
  depth = ln - fn + 1
  pendingBytes = e - fo
end
return {0, byAge, bySize, window, more, depth, pendingBytes}
`)

// acquireLua takes the lease when free or already ours and (re)sets its TTL; it also
// renews, so a renewal that came late still holds if nobody else took the lease.
// KEYS: lease. ARGV: owner, ttl ms. Returns 1 held, 0 held by another instance.
const acquireLua = (`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]); return 1 end
if cur then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`)

// releaseScript deletes the lease only for its owner. KEYS: lease. ARGV: owner.
const releaseLua = (`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// scripts holds the loaded Lua scripts (per Handover: no package state).
type scripts struct {
	enqueue, ack, confirm, confirmBytes, purge, acquire, release, shred *redis.Script
}

func newScripts() scripts {
	return scripts{
		enqueue:      redis.NewScript(enqueueLua),
		ack:          redis.NewScript(ackLua),
		confirm:      redis.NewScript(confirmLua),
		confirmBytes: redis.NewScript(confirmBytesLua),
		purge:        redis.NewScript(purgeLua),
		acquire:      redis.NewScript(acquireLua),
		release:      redis.NewScript(releaseLua),
		shred:        redis.NewScript(shredLua),
	}
}
