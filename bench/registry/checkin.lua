-- wrk script: POST /api/v1/checkin with chip ID card QR texts of existing people, read from the
-- file QR_FILE (one QR text per line), in turn. Environment: TOKEN, QR_FILE.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  headers = {["Content-Type"] = "application/json",
             ["Authorization"] = "Bearer " .. os.getenv("TOKEN")}
  bodies = {}
  for line in io.lines(os.getenv("QR_FILE")) do
    bodies[#bodies + 1] = '{"qr":"' .. line .. '"}'
  end
  n = id * 7919
end

function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/checkin", headers, bodies[(n % #bodies) + 1])
end

function response(status, headers, body)
  if status ~= 200 then
    errors = (errors or 0) + 1
    if errors <= 3 then io.stderr:write("unexpected " .. status .. ": " .. string.sub(body, 1, 300) .. "\n") end
  end
end
