-- wrk `done` hook shared by bench/cases/intake.lua and bare.lua: one "summary" line with the
-- rate, the percentiles, the maximum and how many answers took over one second (wrk keeps a
-- count per microsecond up to its --timeout, so they can be summed).
return function(summary, latency, requests)
  local over = 0
  for us = 1000001, #latency do
    over = over + latency[us]
  end
  local e = summary.errors
  io.write(string.format(
    "summary requests=%d rate=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.1f over_1s=%d " ..
    "status_errors=%d socket_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, over,
    e.status, e.connect + e.read + e.write + e.timeout))
end
