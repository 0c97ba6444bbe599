/**
 * The shared quota as Lua scripts, run atomically by Redis on its own clock (TIME), so instances
 * with skewed clocks share one bucket. The arithmetic is local-quota.ts's: two token buckets
 * (refilled continuously, capped, debt allowed), the max-concurrent permits, the Retry-After pause
 * and the AIMD rate factor. Everything lives in one hash and three sorted sets under a hash-tagged
 * prefix (`predictd:{<quota key>}:…`), so a Redis Cluster keeps them on one slot.
 *
 * Hash fields: rl/ra request level and its refill time, tl/ta the same for tokens, paused (ms),
 * factor, fa (last climb), ld (last decrease), lt (last 429). Sorted sets: in-flight permits and
 * live instances, scored by the time they were last confirmed, and the request grants of the last
 * window (the sliding count of limit-plan.ts).
 */

/** Shared by every script: the clock, reading the state, the AIMD climb and the refills. */
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local f = redis.call('HMGET', KEYS[1], 'rl', 'ra', 'tl', 'ta', 'paused', 'factor', 'fa', 'ld', 'lt')
local s = {
  rl = tonumber(f[1]), ra = tonumber(f[2]) or now, tl = tonumber(f[3]), ta = tonumber(f[4]) or now,
  paused = tonumber(f[5]) or 0, factor = tonumber(f[6]) or 1, fa = tonumber(f[7]) or now,
  ld = tonumber(f[8]) or -1e15, lt = tonumber(f[9]) or -1e15,
}
local function refill(reqPerMs, reqCap, tokPerMs, tokCap)
  if reqCap > 0 then
    if s.rl == nil then s.rl = reqCap end
    if now > s.ra then s.rl = math.min(reqCap, s.rl + (now - s.ra) * reqPerMs * s.factor) end
    s.ra = math.max(s.ra, now)
  end
  if tokCap > 0 then
    if s.tl == nil then s.tl = tokCap end
    if now > s.ta then s.tl = math.min(tokCap, s.tl + (now - s.ta) * tokPerMs) end
    s.ta = math.max(s.ta, now)
  end
  if s.factor < 1 then
    local quiet = math.min(now - s.fa, now - s.lt - 1000)
    if quiet > 0 then s.factor = math.min(1, s.factor + 0.1 * quiet / 1000) end
  end
  s.fa = math.max(s.fa, now)
end
local function n(x)
  if x == nil then return '' end
  return string.format('%.17g', x)
end
local function save()
  redis.call('HSET', KEYS[1], 'rl', n(s.rl), 'ra', n(s.ra), 'tl', n(s.tl), 'ta', n(s.ta),
    'paused', n(s.paused), 'factor', n(s.factor), 'fa', n(s.fa), 'ld', n(s.ld), 'lt', n(s.lt))
  redis.call('PEXPIRE', KEYS[1], 3600000)
end
`;

/**
 * KEYS: state, in-flight, recent request grants. ARGV: reqPerMs, reqCap (0: no request limit),
 * tokPerMs, tokCap (0: no token limit), maxConcurrent (0: none), cost, permit id, lease ms, window
 * limit (0: none), window ms. Returns {wait ms ('0': granted, '-1': at max-concurrent), Redis now,
 * pausedUntil, factor}.
 */
export const TAKE_SCRIPT = `${PRELUDE}
local reqPerMs, reqCap, tokPerMs, tokCap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local max, cost = tonumber(ARGV[5]), tonumber(ARGV[6])
refill(reqPerMs, reqCap, tokPerMs, tokCap)
local function answer(wait)
  save()
  return {n(wait), n(now), n(s.paused), n(s.factor)}
end
if now < s.paused then return answer(s.paused - now) end
if max > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[8]))
  if redis.call('ZCARD', KEYS[2]) >= max then return answer(-1) end
end
local wait = 0
if reqCap > 0 then
  local missing = math.min(1, reqCap) - s.rl
  if missing > 1e-9 then wait = math.max(wait, missing / (reqPerMs * s.factor)) end
end
if tokCap > 0 then
  local need = cost
  if cost > tokCap then need = 0 end
  local missing = need - s.tl
  if missing > 1e-9 then wait = math.max(wait, missing / tokPerMs) end
end
local wl, wms = tonumber(ARGV[9]), tonumber(ARGV[10])
if wl > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - wms)
  local held = redis.call('ZCARD', KEYS[3])
  if held >= wl then
    local leaving = redis.call('ZRANGE', KEYS[3], held - wl, held - wl, 'WITHSCORES')
    wait = math.max(wait, tonumber(leaving[2]) + wms - now + 0.001)
  end
end
if wait > 0 then return answer(wait) end
if wl > 0 then
  redis.call('ZADD', KEYS[3], now, ARGV[7])
  redis.call('PEXPIRE', KEYS[3], 3600000)
end
if reqCap > 0 then s.rl = s.rl - 1 end
if tokCap > 0 then s.tl = s.tl - cost end
if max > 0 then
  redis.call('ZADD', KEYS[2], now, ARGV[7])
  redis.call('PEXPIRE', KEYS[2], 3600000)
end
return answer(0)
`;

/** KEYS: state, in-flight. ARGV: permit id, token delta (refund > 0, charge < 0), tokPerMs, tokCap (0: none). */
export const RELEASE_SCRIPT = `${PRELUDE}
redis.call('ZREM', KEYS[2], ARGV[1])
local delta, tokPerMs, tokCap = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if tokCap > 0 and delta ~= 0 then
  refill(0, 0, tokPerMs, tokCap)
  if delta > 0 then s.tl = math.min(tokCap, s.tl + delta) else s.tl = s.tl + delta end
  save()
end
return 'OK'
`;

/**
 * KEYS: state. ARGV: pause ms, granted at (Redis ms; '' when unknown), reqPerMs, reqCap, tokPerMs, tokCap.
 * The same AIMD rule as aimd-rate.ts. Returns {lowered '1'/'0', pausedUntil, factor, Redis now}.
 */
export const THROTTLE_SCRIPT = `${PRELUDE}
refill(tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]))
s.lt = now
local lowered = '0'
local granted = tonumber(ARGV[2])
local fresh = granted == nil or granted > s.ld
if tonumber(ARGV[4]) > 0 and fresh and now - s.ld >= 1000 then
  local beta = 0.9
  if now - s.ld < 10000 then beta = 0.75 end
  s.factor = math.max(0.05, s.factor * beta)
  s.ld = now
  lowered = '1'
end
s.paused = math.max(s.paused, now + math.min(math.max(0, tonumber(ARGV[1])), 600000))
save()
return {lowered, n(s.paused), n(s.factor), n(now)}
`;

/**
 * KEYS: instances, in-flight. ARGV: instance id, stale ms, then the ids of this instance's permits
 * still in flight (their leases renewed). Returns the number of live instances.
 */
export const HEARTBEAT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], 3600000)
for i = 3, #ARGV do redis.call('ZADD', KEYS[2], 'XX', now, ARGV[i]) end
return redis.call('ZCARD', KEYS[1])
`;

/** KEYS: instances. ARGV: instance id. An instance that stops leaves the count at once. */
export const LEAVE_SCRIPT = `
redis.call('ZREM', KEYS[1], ARGV[1])
return 'OK'
`;
