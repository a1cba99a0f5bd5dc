package sessionstore

// Lua scripts make each multi-key change atomic. Every script that writes a
// session first checks it still exists: GoFrame writes sessions back after
// the response, and a slow request must never resurrect a session that a
// concurrent logout or revoke deleted. Every key comes in KEYS, built by
// keys.go, all with one user's hash tag.

// KEYS: session, user index. ARGV: uid, now ms, absolute expiry ms, ip, ua,
// data json, idle ms, handle, index ttl ms, index prune bound ('(' and the
// oldest creation ms still alive).
const luaCreate = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'uid', ARGV[1], 'created', ARGV[2], 'seen', ARGV[2],
  'abs', ARGV[3], 'ip', ARGV[4], 'ua', ARGV[5], 'data', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[10])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[8])
redis.call('PEXPIRE', KEYS[2], ARGV[9])
return 1
`

// KEYS: session. ARGV: now ms, idle ms, write data? ('1'/'0'), data json.
// Slides the idle timeout, never past the absolute expiry.
const luaTouch = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local abs = tonumber(redis.call('HGET', KEYS[1], 'abs'))
if not abs then redis.call('DEL', KEYS[1]) return 0 end
local ttl = math.min(tonumber(ARGV[2]), abs - tonumber(ARGV[1]))
if ttl <= 0 then redis.call('DEL', KEYS[1]) return 0 end
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'data', ARGV[4]) end
redis.call('HSET', KEYS[1], 'seen', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`

// KEYS: session, its user's index. ARGV: handle, uid. Deletes the session
// and its entry in the index if the session still belongs to uid (the
// caller read the uid from it just before).
const luaDestroy = `
if redis.call('HGET', KEYS[1], 'uid') ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])
`

// KEYS: user index, then the sessions to delete. ARGV: handle to keep (empty
// for none), then the handles of those sessions. The caller read the
// handles from the index just before; if the index now holds a handle it
// was not given (a login in between), nothing is deleted and -1 tells it to
// read again, so all of a user's sessions go at once or none does.
const luaDestroyAll = `
local given = {}
for i = 2, #ARGV do given[ARGV[i]] = true end
for _, h in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if h ~= ARGV[1] and not given[h] then return -1 end
end
local n = 0
for i = 2, #KEYS do
  n = n + redis.call('DEL', KEYS[i])
  redis.call('ZREM', KEYS[1], ARGV[i])
end
return n
`

// KEYS: user index, session. ARGV: handle. Revokes one session only if it
// belongs to this user's index.
const luaRevoke = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('DEL', KEYS[2])
`

// KEYS: user index, then the sessions its handles name. ARGV: now ms, then
// those handles. Returns the live ones as flat arrays and drops index
// entries whose session is gone (a handle is never reused, so a missing
// session never comes back).
const luaList = `
local out = {}
for i = 2, #KEYS do
  local v = redis.call('HMGET', KEYS[i], 'created', 'seen', 'ip', 'ua', 'abs')
  if not v[1] or not v[5] or tonumber(v[5]) <= tonumber(ARGV[1]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
  else
    table.insert(out, {ARGV[i], v[1], v[2] or v[1], v[3] or '', v[4] or ''})
  end
end
return out
`
