-- wrk script: each thread sends its share of pre-built HTTP requests (one file, each request preceded by a line
-- with its length in bytes), in order, starting over when its share runs out; done() prints one WRK line.
-- wrk -t THREADS -s replay.lua URL -- FILE THREADS
local counter = 0

function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end

function init(args)
  requests = {}
  local threads = tonumber(args[2])
  local f = assert(io.open(args[1], "rb"))
  local data = f:read("*a")
  f:close()
  local pos, index = 1, 0
  while pos <= #data do
    local newline = data:find("\n", pos, true)
    local length = tonumber(data:sub(pos, newline - 1))
    if index % threads == offset then
      requests[#requests + 1] = data:sub(newline + 1, newline + length)
    end
    index = index + 1
    pos = newline + length + 1
  end
  next_request = 0
end

function request()
  next_request = next_request + 1
  return requests[(next_request - 1) % #requests + 1]
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("WRK requests=%d duration_us=%d status_errors=%d socket_errors=%d p50_us=%d p99_us=%d\n",
      summary.requests, summary.duration, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
      latency:percentile(50), latency:percentile(99)))
end
