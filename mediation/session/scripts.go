package session

import "github.com/redis/go-redis/v9"

// stepLua numbers one record.
//
// KEYS: 1 CIN counter, 2 session hash, 3 idle zset, 4 journal hash.
// ARGV: 1 journal id, 2 now (ms), 3 session TTL (ms), 4 kind (i|c), 5 boundary (0..3),
// 6 event key, 7 correlation key, 8 activity refresh interval (ms), 9 record blob,
// 10 explicit close blob, 11 generic close blob, 12 retry flag ("1" on a retry),
// 13.. LIIDs.
//
// Session fields: cin; t (last activity, ms); b (an IRI was sent: the next Open/Continue
// is iRI-Continue); n (event counter); e:<event key>; i:<liid> and c:<liid> (IRI/CC PDUs so
// far = next sequence number); z (explicit close IRI); g (generic close IRI).
//
// Lua costs about as much per redis.call as the command itself, so a busy sequence costs
// three: one HMGET reads everything, one HSET writes everything back (the script is
// atomic, so read-modify-write is safe), one HSET journals. The idle zset score and the
// session TTL are refreshed only when older than the refresh interval; the field t is
// exact and the idle close trusts it, not the score.
//
// The reply, also the first line of the journal entry, is
// "cin iRIType eventId now liid=seq …" (iRIType 0 for CC).
const stepLua = `
if ARGV[12] == '1' then
  local prev = redis.call('HGET', KEYS[4], ARGV[1])
  if prev then
    return string.sub(prev, 1, string.find(prev, '\n', 1, true) - 1)
  end
end
local kind = ARGV[4]
local iri = kind == 'i'
local bnd = ARGV[5]
local ekey = ARGV[6]
local n = #ARGV - 12
local parts
local function own()
  parts = {redis.call('INCR', KEYS[1]), iri and '4' or '0', ekey ~= '' and '1' or '0', ARGV[2]}
  for i = 1, n do parts[4 + i] = ARGV[12 + i] .. '=0' end
end
if bnd == '0' then
  own()
else
  local f = {'cin', 'b', 't', 'n', 'e:' .. ekey}
  for i = 1, n do f[5 + i] = kind .. ':' .. ARGV[12 + i] end
  local cur = redis.call('HMGET', KEYS[2], unpack(f))
  local open = cur[1]
  if iri and bnd == '3' and not open then
    own()
  else
    local set = {'t', ARGV[2]}
    local cin = open
    if not open then
      cin = redis.call('INCR', KEYS[1])
      set[#set + 1] = 'cin'; set[#set + 1] = cin
    end
    local itype = '0'
    if iri then
      if bnd == '3' then itype = '2'
      elseif cur[2] then itype = '3'
      else itype = '1'; set[#set + 1] = 'b'; set[#set + 1] = '1' end
    end
    local ev = '0'
    if ekey ~= '' then
      ev = cur[5]
      if not ev then
        ev = (tonumber(cur[4]) or 0) + 1
        set[#set + 1] = 'n'; set[#set + 1] = ev
        set[#set + 1] = f[5]; set[#set + 1] = ev
      end
    end
    parts = {cin, itype, ev, ARGV[2]}
    for i = 1, n do
      local seq = cur[5 + i] or '0'
      parts[4 + i] = ARGV[12 + i] .. '=' .. seq
      set[#set + 1] = f[5 + i]; set[#set + 1] = seq + 1
    end
    if iri and bnd == '3' then
      redis.call('DEL', KEYS[2])
      redis.call('ZREM', KEYS[3], ARGV[7])
    else
      if ARGV[10] ~= '' then set[#set + 1] = 'z'; set[#set + 1] = ARGV[10] end
      if ARGV[11] ~= '' then set[#set + 1] = 'g'; set[#set + 1] = ARGV[11] end
      redis.call('HSET', KEYS[2], unpack(set))
      if not open or not cur[3] or ARGV[2] - cur[3] >= tonumber(ARGV[8]) then
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        redis.call('ZADD', KEYS[3], ARGV[2], ARGV[7])
      end
    end
  end
end
local res = table.concat(parts, ' ')
redis.call('HSET', KEYS[4], ARGV[1], res .. '\n' .. ARGV[9])
return res
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
local parts = {}
for i = 1, #h, 2 do
  local f = h[i]
  if f == 'cin' then cin = h[i + 1]
  elseif f == 'z' then z = h[i + 1]
  elseif f == 'g' then g = h[i + 1]
  elseif string.sub(f, 1, 2) == 'i:' then parts[#parts + 1] = string.sub(f, 3) .. '=' .. h[i + 1]
  end
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
