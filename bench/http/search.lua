-- wrk script: GET /api/v1/catalogue/search with resident-style queries taken in turn from a
-- file of URL-encoded queries (one per line), QUERIES env var.
local queries = {}
local n = 0

function setup(thread)
  thread:set("id", n)
  n = n + 1
end

function init(args)
  for line in io.lines(os.getenv("QUERIES")) do
    queries[#queries + 1] = line
  end
  counter = id
end

function request()
  counter = counter + 1
  local q = queries[(counter % #queries) + 1]
  return wrk.format("GET", "/api/v1/catalogue/search?limit=10&q=" .. q)
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, errors %d (status %d, timeout %d)\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.errors.status, summary.errors.timeout))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("p%s %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
