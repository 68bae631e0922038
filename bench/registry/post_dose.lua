-- wrk script: POST /api/v1/doses (one dose per request) or, with BATCH=N, POST
-- /api/v1/doses/batch with N doses per request; every dose a different valid one.
-- Person ids FIRST..FIRST+PEOPLE-1 (people without doses, `demo seed --without-doses`); dose k of a
-- wrk thread goes to person (thread + k * THREADS) mod PEOPLE and, once every person has one,
-- dose 2 on a later date, and so on. Environment: TOKEN (bearer), FIRST, PEOPLE, THREADS (wrk -t),
-- BATCH, FACILITY.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  first = tonumber(os.getenv("FIRST") or "2")
  people = tonumber(os.getenv("PEOPLE") or "100000")
  stride = tonumber(os.getenv("THREADS") or "2")
  batch = tonumber(os.getenv("BATCH") or "0")
  facility = os.getenv("FACILITY") or "HN-BACHMAI"
  headers = {["Content-Type"] = "application/json",
             ["Authorization"] = "Bearer " .. os.getenv("TOKEN")}
  n = 0
  dates = {}
end

local function next_dose(vaccine)
  local k = id + n * stride
  n = n + 1
  local person = first + (k % people)
  local dose = 1 + math.floor(k / people)
  -- 2021-01-04 plus 120 days per dose number: every interval is above every product minimum.
  -- (formatted once per dose number: the load generator shares the server's cores)
  local at = dates[dose]
  if at == nil then
    at = os.date("!%Y-%m-%dT02:00:00Z", (18631 + (dose - 1) * 120) * 86400)
    dates[dose] = at
  end
  return string.format(
    '{"person_id":%d,"vaccine":"%s","dose_number":%d,"administered_at":"%s",' ..
    '"facility_code":"%s","lot":"FF2587"}',
    person, vaccine, dose, at, facility)
end

function request()
  if batch == 0 then
    return wrk.format("POST", "/api/v1/doses", headers, next_dose("COMIRNATY"))
  end
  local items = {}
  for i = 1, batch do items[i] = next_dose("SPIKEVAX") end
  return wrk.format("POST", "/api/v1/doses/batch", headers,
                    '{"items":[' .. table.concat(items, ",") .. ']}')
end

function response(status, headers, body)
  local ok = (batch == 0 and status == 201) or
             (batch > 0 and status == 200 and string.find(body, '"failed":0,', 1, true))
  if not ok then
    errors = (errors or 0) + 1
    if errors <= 3 then io.stderr:write("unexpected " .. status .. ": " .. string.sub(body, 1, 300) .. "\n") end
  end
end
