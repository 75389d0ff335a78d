"""Lua scripts of the Redis task store: each one is a single atomic step on the server.

Why compare-and-set rather than the state machine in Lua: the transition rules live in one
place, :mod:`reference_agent.state_machine`, and the store runs them in Python on the task it
read (artifact merging and history too). :data:`APPLY` then commits only if the task's ``seq``
is still the one that was read; otherwise the store re-reads and re-checks. Two instances
racing (cancel on B while A completes) therefore serialise: the loser re-validates against the
winner's terminal state and gets ``TerminalStateError``, exactly as in one process. It costs one
read and one script call per step, with no WATCH connection pinned per transaction.

Key layout (``P`` is the configured prefix; ``id`` a task id)::

    P:task:id      hash   d (task JSON), seq, ts, st (state), c (context id), sc (scope), pn,
                          own (the instance running it, while SUBMITTED/WORKING)
    P:events:id    stream one entry per event, id 0-<seq>, field e (event JSON)
    P:push:id      hash   config id -> registration JSON
    P:pushord:id   zset   config id scored by creation order (replacing keeps the position)
    P:idx:<scope>  zset   all score 0, member "<status timestamp>\\0<task id>" (lex order)
    P:live         set    ids of non-terminal tasks
    P:ended        zset   "<index key>\\n<member>" scored by expiry (ms): lets the index drop
                          tasks whose keys Redis expired
    P:runs:inst    set    ids of the tasks instance ``inst`` runs (execution leases, see
                          :mod:`._redis_leases` for these and the lease keys)
"""

from __future__ import annotations

__all__ = ["APPLY", "CREATE", "SET_PUSH", "SWEEP"]

# KEYS: task, events, push, pushord, idx, live, ended, runs set of this instance
# ARGV: id, expected seq, task JSON, new ts, new state, terminal (0/1), ttl ms, old member,
#       new member, runner (this instance's id if the task is left SUBMITTED/WORKING, else ''),
#       runs key prefix, n events, event JSON...
# Returns {-1} missing, {-2} seq changed (retry), else {seq, registration JSON...}.
APPLY = """
local cur = redis.call('HGET', KEYS[1], 'seq')
if not cur then return {-1} end
if cur ~= ARGV[2] then return {-2} end
local seq = tonumber(cur)
local n = tonumber(ARGV[12])
for i = 1, n do
  seq = seq + 1
  redis.call('XADD', KEYS[2], '0-' .. seq, 'e', ARGV[12 + i])
end
-- Execution lease bookkeeping: whoever leaves the task running runs it; nobody runs it after.
local own = redis.call('HGET', KEYS[1], 'own')
if ARGV[10] ~= '' then
  if own ~= ARGV[10] then
    if own then redis.call('SREM', ARGV[11] .. own, ARGV[1]) end
    redis.call('HSET', KEYS[1], 'own', ARGV[10])
    redis.call('SADD', KEYS[8], ARGV[1])
  end
elseif own then
  redis.call('SREM', ARGV[11] .. own, ARGV[1])
  redis.call('HDEL', KEYS[1], 'own')
end
redis.call('HSET', KEYS[1], 'seq', seq, 'd', ARGV[3], 'ts', ARGV[4], 'st', ARGV[5])
if ARGV[8] ~= ARGV[9] then
  redis.call('ZREM', KEYS[5], ARGV[8])
  redis.call('ZADD', KEYS[5], 0, ARGV[9])
end
if ARGV[6] == '1' then
  local ttl = tonumber(ARGV[7])
  redis.call('SREM', KEYS[6], ARGV[1])
  for k = 1, 4 do redis.call('PEXPIRE', KEYS[k], ttl) end
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZADD', KEYS[7], now + ttl, KEYS[5] .. '\\n' .. ARGV[9])
end
local out = {seq}
local ids = redis.call('ZRANGE', KEYS[4], 0, -1)
if #ids > 0 then
  local regs = redis.call('HMGET', KEYS[3], unpack(ids))
  for i = 1, #regs do if regs[i] then out[#out + 1] = regs[i] end end
end
return out
"""

# KEYS: task, idx, live, ended, events, runs set of this instance
# ARGV: id, task JSON, ts, state, context id, scope, member, terminal (0/1), ttl ms, max live,
#       runner (this instance's id if the task is SUBMITTED/WORKING, else ''), n events,
#       event JSON... (a task created with its first events already applied)
# Returns 1 created, 0 id exists, -1 too many live tasks.
CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[8] == '0' and redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[10]) then return -1 end
local n = tonumber(ARGV[12])
for i = 1, n do redis.call('XADD', KEYS[5], '0-' .. i, 'e', ARGV[12 + i]) end
redis.call('HSET', KEYS[1], 'd', ARGV[2], 'seq', n, 'ts', ARGV[3], 'st', ARGV[4],
  'c', ARGV[5], 'sc', ARGV[6], 'pn', 0)
if ARGV[11] ~= '' then
  redis.call('HSET', KEYS[1], 'own', ARGV[11])
  redis.call('SADD', KEYS[6], ARGV[1])
end
redis.call('ZADD', KEYS[2], 0, ARGV[7])
if ARGV[8] == '1' then
  local ttl = tonumber(ARGV[9])
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[5], ttl)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZADD', KEYS[4], now + ttl, KEYS[2] .. '\\n' .. ARGV[7])
else
  redis.call('SADD', KEYS[3], ARGV[1])
end
return 1
"""

# KEYS: task, push, pushord
# ARGV: config id, registration JSON, max configs
# Returns 1 stored, -1 task missing, -2 at the cap.
SET_PUSH = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
  if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) then return -2 end
  local n = redis.call('HINCRBY', KEYS[1], 'pn', 1)
  redis.call('ZADD', KEYS[3], n, ARGV[1])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return 1
"""

# KEYS: ended.  ARGV: max entries.  Drops index members of tasks whose TTL has passed.
SWEEP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, entry in ipairs(gone) do
  local nl = string.find(entry, '\\n', 1, true)
  redis.call('ZREM', string.sub(entry, 1, nl - 1), string.sub(entry, nl + 1))
  redis.call('ZREM', KEYS[1], entry)
end
return #gone
"""
