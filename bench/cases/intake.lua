-- wrk script: case intake through the JSON API, as bench/src/bin/case-create.rs sends it
-- (高龄津贴, outcome accept, every material brought), each request with its own
-- Idempotency-Key. TOKEN env var: a front-desk API token (quanke api token add qiantai).
local token = os.getenv("TOKEN")
local n = 0
local body = '{"item_code":"MZ-GL80","answers":{"who":["self"]},' ..
  '"materials":{"id-card":"brought","hukou":"brought","card":"brought"},' ..
  '"applicant_id_number":"330105196001010026","applicant_name":"压测居民",' ..
  '"applicant_phone":"13800000000","outcome":"accept"}'

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
  }, body)
end

done = dofile(os.getenv("REPORT_LUA"))
