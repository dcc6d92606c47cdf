-- wrk script: the bare insert app (bench/src/bin/bare-insert.rs), the same body size as intake.
local body = '{"item_code":"MZ-GL80","answers":{"who":["self"]},' ..
  '"materials":{"id-card":"brought","hukou":"brought","card":"brought"},' ..
  '"applicant_id_number":"330105196001010026","applicant_name":"压测居民",' ..
  '"applicant_phone":"13800000000","outcome":"accept"}'

function request()
  return wrk.format("POST", "/items", { ["Content-Type"] = "application/json" }, body)
end

done = dofile(os.getenv("REPORT_LUA"))
