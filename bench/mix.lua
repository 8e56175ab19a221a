-- wrk script of bench/load.sh and bench/faults.sh: GET MIX_PATH (default /api/produits), and every
-- MIX_ORDER_EVERY-th request of each connection's thread a POST /api/commandes of 1 unit of a product
-- picked at random in MIX_PRODUCTS (comma-separated ids), as the bearer of MIX_TOKEN.
-- Counts responses by status; with MIX_IDS_FILE, writes the id of every order acknowledged (201)
-- there, one per line. With MIX_LOGINS=1 every request is instead a POST /api/auth/login with a new
-- random email (bench/flood.sh: an unknown account still costs the API one argon2id verification).
-- done() prints key=value lines: status_<code>=<n>, orders_sent=<n>.
local every = tonumber(os.getenv("MIX_ORDER_EVERY") or "0")
local token = os.getenv("MIX_TOKEN") or ""
local path = os.getenv("MIX_PATH") or "/api/produits"
local ids_file = os.getenv("MIX_IDS_FILE")
if ids_file == "" then ids_file = nil end
local product_list = os.getenv("MIX_PRODUCTS") or ""
local logins = os.getenv("MIX_LOGINS") == "1"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("seed", #threads)
end

function init(args)
  products = {}
  for id in string.gmatch(product_list, "%d+") do table.insert(products, tonumber(id)) end
  if every > 0 and #products == 0 then error("MIX_PRODUCTS is empty") end
  math.randomseed(seed * 7919 + os.time())
  list_request = wrk.format("GET", path)
  json_headers = {["Content-Type"] = "application/json"}
  order_headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
  statuses = {}
  acked = {}
  n = 0
  orders_sent = 0
end

function request()
  n = n + 1
  if logins then
    local body = string.format(
      '{"email":"flood-%d-%d-%d@example.com","password":"pas le bon mot de passe"}',
      seed, n, math.random(1000000000))
    return wrk.format("POST", "/api/auth/login", json_headers, body)
  end
  if every > 0 and n % every == 0 then
    orders_sent = orders_sent + 1
    local body = string.format('{"lignes":[{"produit_id":%d,"quantite":1}]}',
                               products[math.random(#products)])
    return wrk.format("POST", "/api/commandes", order_headers, body)
  end
  return list_request
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 and ids_file then
    local id = string.match(body, '^{%s*"id"%s*:%s*(%d+)')
    if id then table.insert(acked, id) end
  end
end

function done(summary, latency, requests)
  local total, sent, all_ids = {}, 0, {}
  for _, t in ipairs(threads) do
    for code, count in pairs(t:get("statuses")) do total[code] = (total[code] or 0) + count end
    sent = sent + t:get("orders_sent")
    for _, id in ipairs(t:get("acked")) do table.insert(all_ids, id) end
  end
  local codes = {}
  for code in pairs(total) do table.insert(codes, code) end
  table.sort(codes)
  for _, code in ipairs(codes) do io.write(string.format("status_%d=%d\n", code, total[code])) end
  io.write(string.format("orders_sent=%d\n", sent))
  if ids_file then
    local f = assert(io.open(ids_file, "w"))
    for _, id in ipairs(all_ids) do f:write(id, "\n") end
    f:close()
  end
end
