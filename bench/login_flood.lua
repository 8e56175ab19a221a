-- wrk script of bench/flood.sh: POST /api/auth/login with a new random email on every request
-- (an unknown account: the API still spends one argon2id verification on it, as on a real one).
-- done() prints key=value lines: status_<code>=<n>.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("seed", #threads)
end

function init(args)
  math.randomseed(seed * 104729 + os.time())
  headers = {["Content-Type"] = "application/json"}
  statuses = {}
  n = 0
end

function request()
  n = n + 1
  local body = string.format(
    '{"email":"flood-%d-%d-%d@example.com","password":"pas le bon mot de passe"}',
    seed, n, math.random(1000000000))
  return wrk.format("POST", "/api/auth/login", headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, count in pairs(t:get("statuses")) do total[code] = (total[code] or 0) + count end
  end
  local codes = {}
  for code in pairs(total) do table.insert(codes, code) end
  table.sort(codes)
  for _, code in ipairs(codes) do io.write(string.format("status_%d=%d\n", code, total[code])) end
end
