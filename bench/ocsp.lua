-- wrk script for bench/ocspbench: POSTs OCSP requests, rotating through the
-- hex-encoded bodies in the file named by OCSP_BODIES (one a line), each thread
-- starting at a random place.
local bodies = {}
local n = 0
local idx = 0
local headers = {["Content-Type"] = "application/ocsp-request"}

function init(args)
  local f = assert(io.open(os.getenv("OCSP_BODIES"), "r"))
  for line in f:lines() do
    n = n + 1
    bodies[n] = (line:gsub("..", function(cc) return string.char(tonumber(cc, 16)) end))
  end
  f:close()
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
  idx = math.random(n)
end

function request()
  idx = idx % n + 1
  return wrk.format("POST", nil, headers, bodies[idx])
end
