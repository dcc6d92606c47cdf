-- wrk script: case intake through the JSON API, as bench/src/bin/case-create.rs sends it
-- (高龄津贴, outcome accept, every material brought), each request with its own
-- Idempotency-Key. TOKEN env var: a front-desk API token (quanke api token add qiantai).
-- APPLICANTS env var: ID numbers of registered residents of that desk's community, comma
-- separated (common.sh `applicants`); the requests name them in turn, as a desk names the
-- people it serves, so each intake also reads the person and their open cases of the item.
local token = os.getenv("TOKEN")
local n = 0
local applicants = {}
for number in string.gmatch(os.getenv("APPLICANTS") or "", "[^,]+") do
  applicants[#applicants + 1] = number
end
assert(#applicants > 0, "set APPLICANTS to registered residents' ID numbers")

local function body(number)
  return '{"item_code":"MZ-GL80","answers":{"who":["self"]},' ..
    '"materials":{"id-card":"brought","hukou":"brought","card":"brought"},' ..
    '"applicant_id_number":"' .. number .. '","applicant_name":"压测居民",' ..
    '"applicant_phone":"13800000000","outcome":"accept"}'
end

function setup(thread)
  thread:set("id", n)
  n = n + 1
end

function init(args)
  counter = 0
  run = tostring(os.time())
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/cases", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "wrk-" .. run .. "-" .. id .. "-" .. counter,
  }, body(applicants[(id * 7919 + counter) % #applicants + 1]))
end

done = dofile(os.getenv("REPORT_LUA"))
