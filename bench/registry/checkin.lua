-- wrk script: POST /api/v1/checkin with chip ID card QR texts of existing people, read from the
-- file QR_FILE (one QR text per line), in turn. Environment: TOKEN, QR_FILE.
-- Requests are formatted once in init(): the load generator shares the server's cores, so each
-- request it builds per call is CPU taken from the server. For the same reason there is no
-- response() callback (it makes wrk hand every answer to Lua): wrk itself counts answers that
-- are not 2xx ("Non-2xx or 3xx responses"), which run.sh reports.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  headers = {["Content-Type"] = "application/json",
             ["Authorization"] = "Bearer " .. os.getenv("TOKEN")}
  requests = {}
  for line in io.lines(os.getenv("QR_FILE")) do
    requests[#requests + 1] = wrk.format("POST", "/api/v1/checkin", headers,
                                         '{"qr":"' .. line .. '"}')
  end
  n = id * 7919
end

function request()
  n = n + 1
  return requests[(n % #requests) + 1]
end
