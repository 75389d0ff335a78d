-- wrk script: blocking v1.0 JSON-RPC SendMessage (echo), one unique messageId per request.
--
--   wrk -t1 -c64 -d10s --latency -s bench/send_message.lua http://127.0.0.1:PORT/ -- [text]
--
-- Every answer is checked: an HTTP status other than 200, or a body without a completed task,
-- counts as "bad" (a JSON-RPC error also comes with HTTP 200, so wrk's own non-2xx count is not
-- enough). done() prints one line `BENCH_JSON {...}` that bench/run.py parses.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  text = args[1] or "hello"
  counter = 0
  bad = 0
  first_bad = ""
  headers = {
    ["Content-Type"] = "application/json",
    ["A2A-Version"] = "1.0",
  }
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"jsonrpc":"2.0","id":%d,"method":"SendMessage","params":{"message":' ..
    '{"role":"ROLE_USER","messageId":"bench-%d-%d","parts":[{"text":"%s"}]}}}',
    counter, id, counter, text)
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, "TASK_STATE_COMPLETED", 1, true) then
    bad = bad + 1
    if first_bad == "" then
      first_bad = string.sub(status .. " " .. body, 1, 200)
    end
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  local sample = ""
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    if sample == "" then
      sample = thread:get("first_bad")
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"bad":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d},' ..
    '"first_bad":"%s"}\n',
    summary.requests, summary.duration, summary.bytes, total_bad,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max,
    (string.gsub(sample, '[%c"\\]', "?"))))
end
