package session

import "github.com/redis/go-redis/v9"

// stepLua numbers a batch of records of one network element, in order.
//
// KEYS: 1 CIN counter, 2 idle zset, 3 journal hash, 3+i session hash of record i.
// ARGV: 1 now (ms), 2 session TTL (ms), 3 activity refresh interval (ms), 4 retry flag
// ("1" on a retry), 5 claim TTL (ms), then per record: journal id, kind (i|c), boundary (0..4: record.Boundary), event key,
// correlation key, record blob, explicit close blob, generic close blob, LIID count,
// LIIDs, claim, skip.
//
// Skip (Step.Skip): a record with skip > 0 is a gap marker: its LIIDs' counters of its
// kind advance by skip in the open sequence (a new CIN is opened silently when none is
// open), the reply carries the first skipped numbers, nothing else changes and nothing
// is journaled.
//
// Claim (see claim.go): a non-empty claim is SET NX with the claim TTL under
// KEYS[1]..":c:"..claim (same hash slot) before anything else; when another instance
// holds it already the record is not numbered nor journaled and its reply is "dup".
//
// Boundaries: 0 Standalone (iRI-Report, own CIN), 1 Open and 2 Continue (iRI-Begin, or
// iRI-Continue once an IRI began the sequence), 3 Close (iRI-End; iRI-Report in its own
// CIN when nothing is open), 4 Report (iRI-Report in the open sequence's CIN, in its own
// CIN when nothing is open; it does not set b, so a later Open is still iRI-Begin). CC
// is numbered in the sequence for 1..4 and opens it silently when nothing is open.
//
// Session fields: cin; t (last activity, ms); b (an Open/Continue IRI was sent: the next
// Open/Continue is iRI-Continue); n (event counter); e:<event key>; i:<liid> and c:<liid> (IRI/CC PDUs so
// far = next sequence number); z (explicit close IRI); g (generic close IRI);
// x (" liid liid ": the LIIDs whose window closed: each already had its iRI-End, counters
// are kept so a re-activated LIID never reuses a number; written with cin, " " when none,
// so it sits early in the hash and one lookup that finds it replaces one that misses
// per LIID; a sequence opened before x kept x:<liid> fields instead, converted by its
// first record after the upgrade); s:<event key> (CIN of a standalone event with content) and s:<event key>:<i|c>:<liid>
// (its sequence numbers), so that a standalone IRI and its CC share one CIN.
//
// Lua costs about as much per redis.call as the command itself, so a busy sequence costs
// two per record: one HMGET reads everything, one HSET writes everything back (the script
// is atomic, so read-modify-write is safe); the batch's journal entries go out in one
// HSET and its idle-score refreshes in one ZADD at the end. The idle zset score and the
// session TTL are refreshed only when older than the refresh interval; the field t is
// exact and the idle close trusts it, not the score. Records of one sequence in one batch
// see each other's effects: each iteration reads what the previous one wrote (a sequence
// closed in the batch drops its pending score refresh).
//
// CINs are communicationIdentityNumber, 32 bits: the counter wraps to 1 after 2^32-1.
//
// The reply has one string per record, also the first line of its journal entry:
// "cin iRIType eventId now liid=seq …" (iRIType 0 for CC).
const stepLua = `
-- globals read once into locals: the loop below runs per record
local call, concat, find, sub, unpack, tonumber = redis.call, table.concat, string.find, string.sub, unpack, tonumber
local KEYS, ARGV = KEYS, ARGV
local function newcin()
  local c = call('INCR', KEYS[1])
  if c > 4294967295 then
    call('SET', KEYS[1], 1)
    c = 1
  end
  return c
end
-- own is the reply parts of a record numbered in a CIN of its own (iRI-Report).
local function own(iri, ekey, n, l0)
  local parts = {newcin(), iri and '4' or '0', ekey ~= '' and '1' or '0', ARGV[1]}
  for i = 1, n do parts[4 + i] = ARGV[l0 + i] .. '=0' end
  return parts
end
-- upgrade turns a sequence opened before the closed-LIID field (its closed LIIDs were
-- x:<liid> fields) into one with x, once, and returns x.
local function upgrade(skey)
  local h = call('HGETALL', skey)
  local xs, old = ' ', {}
  for i = 1, #h, 2 do
    if sub(h[i], 1, 2) == 'x:' then
      old[#old + 1] = h[i]
      xs = xs .. sub(h[i], 3) .. ' '
    end
  end
  if #old > 0 then call('HDEL', skey, unpack(old)) end
  return xs
end
local now = ARGV[1]
local ttl, refresh = tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
local journal = {}
local idle = {}
local a = 6
local r = 0
while a <= #ARGV do
  r = r + 1
  local jid, kind, bnd, ekey, ck = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  local blob, zb, gb = ARGV[a + 5], ARGV[a + 6], ARGV[a + 7]
  local n = tonumber(ARGV[a + 8])
  local l0 = a + 8
  local claim = ARGV[a + 9 + n]
  local skip = tonumber(ARGV[a + 10 + n]) or 0
  a = a + 11 + n
  local skey = KEYS[3 + r]
  local res
  if ARGV[4] == '1' then
    local prev = call('HGET', KEYS[3], jid)
    if prev then res = sub(prev, 1, find(prev, '\n', 1, true) - 1) end
  end
  if not res and claim ~= '' and not call('SET', KEYS[1] .. ':c:' .. claim, jid, 'NX', 'PX', ARGV[5]) then
    res = 'dup'
  end
  if not res and skip > 0 then
    local f = {'cin'}
    for i = 1, n do f[1 + i] = kind .. ':' .. ARGV[l0 + i] end
    local cur = call('HMGET', skey, unpack(f))
    local cin = cur[1]
    local set = {'t', now}
    if not cin then
      cin = newcin()
      set[#set + 1] = 'cin'; set[#set + 1] = cin
      set[#set + 1] = 'x'; set[#set + 1] = ' '
    end
    local parts = {cin, '0', '0', now}
    for i = 1, n do
      local seq = cur[1 + i] or '0'
      parts[4 + i] = ARGV[l0 + i] .. '=' .. seq
      set[#set + 1] = f[1 + i]; set[#set + 1] = seq + skip
    end
    call('HSET', skey, unpack(set))
    call('PEXPIRE', skey, ARGV[2])
    idle[ck] = now
    res = concat(parts, ' ')
  elseif not res then
    local iri = kind == 'i'
    local parts
    if bnd == '0' and ekey ~= '' then
      -- A standalone event with content: its IRI (iRI-Report) and its CC share one CIN,
      -- remembered under s:<event key> in the session hash without opening a sequence.
      local sf = 's:' .. ekey
      local f = {sf}
      for i = 1, n do f[1 + i] = sf .. ':' .. kind .. ':' .. ARGV[l0 + i] end
      local cur = call('HMGET', skey, unpack(f))
      local cin = cur[1]
      local set = {}
      if not cin then
        cin = newcin()
        set[1] = sf; set[2] = cin
      end
      parts = {cin, iri and '4' or '0', '1', now}
      for i = 1, n do
        local seq = cur[1 + i] or '0'
        parts[4 + i] = ARGV[l0 + i] .. '=' .. seq
        set[#set + 1] = f[1 + i]; set[#set + 1] = seq + 1
      end
      call('HSET', skey, unpack(set))
      if call('PTTL', skey) < ttl then call('PEXPIRE', skey, ARGV[2]) end
    elseif bnd == '0' then
      parts = own(iri, ekey, n, l0)
    else
      local f = {'cin', 'b', 't', 'n', 'x', 'e:' .. ekey}
      for i = 1, n do f[6 + i] = kind .. ':' .. ARGV[l0 + i] end
      local cur = call('HMGET', skey, unpack(f))
      local open = cur[1]
      local xs, xset = cur[5], false
      if open and not xs then xs = upgrade(skey); xset = true end
      if xs and xs ~= ' ' then
        for i = 1, n do
          -- the LIID's window had closed in this sequence and it is back: its numbers go on
          local m = ' ' .. ARGV[l0 + i] .. ' '
          local at = find(xs, m, 1, true)
          if at then xs = sub(xs, 1, at) .. sub(xs, at + #m); xset = true end
        end
      end
      if iri and (bnd == '3' or bnd == '4') and not open then
        parts = own(iri, ekey, n, l0)
      else
        local set = {'t', now}
        local cin = open
        if not open then
          cin = newcin()
          set[#set + 1] = 'cin'; set[#set + 1] = cin
          xs, xset = ' ', true
        end
        if xset then set[#set + 1] = 'x'; set[#set + 1] = xs end
        local itype = '0'
        if iri then
          if bnd == '3' then itype = '2'
          elseif bnd == '4' then itype = '4'
          elseif cur[2] then itype = '3'
          else itype = '1'; set[#set + 1] = 'b'; set[#set + 1] = '1' end
        end
        local ev = '0'
        if ekey ~= '' then
          ev = cur[6]
          if not ev then
            ev = (tonumber(cur[4]) or 0) + 1
            set[#set + 1] = 'n'; set[#set + 1] = ev
            set[#set + 1] = f[6]; set[#set + 1] = ev
          end
        end
        parts = {cin, itype, ev, now}
        for i = 1, n do
          local seq = cur[6 + i] or '0'
          parts[4 + i] = ARGV[l0 + i] .. '=' .. seq
          set[#set + 1] = f[6 + i]; set[#set + 1] = seq + 1
        end
        if iri and bnd == '3' then
          call('DEL', skey)
          call('ZREM', KEYS[2], ck)
          idle[ck] = nil
        else
          if zb ~= '' then set[#set + 1] = 'z'; set[#set + 1] = zb end
          if gb ~= '' then set[#set + 1] = 'g'; set[#set + 1] = gb end
          call('HSET', skey, unpack(set))
          if not open or not cur[3] or now - cur[3] >= refresh then
            call('PEXPIRE', skey, ARGV[2])
            idle[ck] = now
          end
        end
      end
    end
    res = concat(parts, ' ')
    journal[#journal + 1] = jid
    journal[#journal + 1] = res .. '\n' .. blob
  end
  out[r] = res
end
if #journal > 0 then call('HSET', KEYS[3], unpack(journal)) end
local z = {}
for ck, t in pairs(idle) do
  z[#z + 1] = t
  z[#z + 1] = ck
end
if #z > 0 then call('ZADD', KEYS[2], unpack(z)) end
return out
`

// closeIdleLua closes one sequence if it is still idle, and journals its synthesized
// iRI-End for every LIID that had IRI in it.
//
// The score may lag the session's last activity (see stepLua); t decides, and a lagging
// score is corrected.
//
// KEYS: 1 idle zset, 2 session hash, 3 journal hash.
// ARGV: 1 journal id, 2 correlation key, 3 cutoff (ms), 4 now (ms), 5 journal TTL (ms).
//
// Reply: false when there was nothing to close, else "header\nblob" as journaled.
const closeIdleLua = `
local prev = redis.call('HGET', KEYS[3], ARGV[1])
if prev then return prev end
local score = redis.call('ZSCORE', KEYS[1], ARGV[2])
if not score or tonumber(score) > tonumber(ARGV[3]) then return false end
local t = redis.call('HGET', KEYS[2], 't')
if t and tonumber(t) > tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], t, ARGV[2])
  return false
end
redis.call('ZREM', KEYS[1], ARGV[2])
local h = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[2])
local cin, z, g
local seqs, closed = {}, {}
for i = 1, #h, 2 do
  local f = h[i]
  if f == 'cin' then cin = h[i + 1]
  elseif f == 'z' then z = h[i + 1]
  elseif f == 'g' then g = h[i + 1]
  elseif string.sub(f, 1, 2) == 'i:' then seqs[string.sub(f, 3)] = h[i + 1]
  elseif f == 'x' then
    for l in string.gmatch(h[i + 1], '%S+') do closed[l] = true end
  elseif string.sub(f, 1, 2) == 'x:' then closed[string.sub(f, 3)] = true -- before x
  end
end
local parts = {}
for liid, seq in pairs(seqs) do
  if not closed[liid] then parts[#parts + 1] = liid .. '=' .. seq end
end
local blob = z or g
if not cin or not blob or #parts == 0 then return false end
table.sort(parts)
local entry = cin .. ' 2 0 ' .. ARGV[4] .. ' ' .. table.concat(parts, ' ') .. '\n' .. blob
redis.call('HSET', KEYS[3], ARGV[1], entry)
redis.call('PEXPIRE', KEYS[3], ARGV[5])
return entry
`

type scripts struct {
	step, closeIdle *redis.Script
}

func newScripts() scripts {
	return scripts{step: redis.NewScript(stepLua), closeIdle: redis.NewScript(closeIdleLua)}
}
