# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # globals of run.sh (checked through run.sh)
# Sourced by run.sh: REST benchmarks (wrk against the cached quote route) and the /metrics scrape.

quote_path=/api/quotes/AAPL

warm_up() { # port: 10 s of the measured load, not measured (JIT tiering to tier 1, connection pools)
  wrk -t2 -c"$WRK_CONNECTIONS" -d10s "http://127.0.0.1:$1$quote_path" >/dev/null
}

run_wrk() { # label port pid run tsv
  local label=$1 port=$2 pid=$3 run=$4 tsv=$5 file rps p50 p99 requests ticks0 ticks1 cpu_us
  file="$out/wrk-$label-$run.txt"
  echo "# $(date -u +%FT%TZ) load average $(load_average)" >"$file"
  ticks0=$(cpu_ticks "$pid")
  wrk -t2 -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --latency "http://127.0.0.1:$port$quote_path" >>"$file"
  ticks1=$(cpu_ticks "$pid")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$file")
  requests=$(awk '/requests in/ { print $1 }' "$file")
  # Server CPU time per request (utime+stime over the run / requests): contention from other tenants disturbs it less than req/s.
  cpu_us=$(awk -v t=$((ticks1 - ticks0)) -v n="$requests" 'BEGIN { printf "%.1f", t * 10000 / n }')
  p50=$(awk '$1 == "50%" { print $2 }' "$file" | to_ms)
  p99=$(awk '$1 == "99%" { print $2 }' "$file" | to_ms)
  if grep -q 'Non-2xx' "$file"; then log "  WARNING: $(grep 'Non-2xx' "$file") in $file (rate limiter budget exhausted?)"; fi
  echo "$label $run $rps $p50 $p99 $cpu_us $(cut -d' ' -f1 /proc/loadavg)" >>"$tsv"
  log "  $label run $run: $rps req/s, p50 $p50 ms, p99 $p99 ms, server CPU $cpu_us us/request, load average $(load_average)"
}

# Rotates wrk runs over running instances ("label:port:pid" each; A, B, C, A, B, C, ...) after a 10 s warm-up each,
# AB_RUNS rounds, and logs each one's medians. The rows are in $out/ab-<name>.tsv for `compare` below.
rotate_wrk() { # name label:port:pid...
  local name=$1 tsv="$out/ab-$1.tsv" run instance label port pid col
  shift
  : >"$tsv"
  log "  warm-up 10 s each (JIT tiering, connection pools)"
  for instance in "$@"; do
    IFS=: read -r label port pid <<<"$instance"
    warm_up "$port"
  done
  for run in $(seq 1 "$AB_RUNS"); do
    for instance in "$@"; do
      IFS=: read -r label port pid <<<"$instance"
      run_wrk "$label" "$port" "$pid" "$run" "$tsv"
    done
  done
  for instance in "$@"; do
    IFS=: read -r label port pid <<<"$instance"
    local -a m=()
    for col in 3 4 5 6; do m+=("$(awk -v l="$label" -v c="$col" '$1 == l { print $c }' "$tsv" | median)"); done
    log "RESULT $name $label: median ${m[0]} req/s, p50 ${m[1]} ms, p99 ${m[2]} ms, server CPU ${m[3]} us/request"
  done
}

# B against A from rotate_wrk's rows: the ratios of the median req/s, the median of the per-round ratios (less
# sensitive to load drifting over the runs), CPU per request (median of the per-round ratios) and the median p99.
compare() { # name label_a label_b
  local tsv="$out/ab-$1.tsv" la=$2 lb=$3
  ab_rps_ratio=$(paste <(awk -v l="$la" '$1 == l { print $3 }' "$tsv" | median) <(awk -v l="$lb" '$1 == l { print $3 }' "$tsv" | median) | awk '{ printf "%.3f", $2 / $1 }')
  ab_pair_ratio=$(awk -v a="$la" -v b="$lb" '$1 == a { x[$2] = $3 } $1 == b { y[$2] = $3 } END { for (r in x) if (x[r] > 0) print y[r] / x[r] }' "$tsv" | median)
  ab_cpu_ratio=$(awk -v a="$la" -v b="$lb" '$1 == a { x[$2] = $6 } $1 == b { y[$2] = $6 } END { for (r in x) if (x[r] > 0) print y[r] / x[r] }' "$tsv" | median)
  ab_p99_ratio=$(paste <(awk -v l="$la" '$1 == l { print $5 }' "$tsv" | median) <(awk -v l="$lb" '$1 == l { print $5 }' "$tsv" | median) | awk '{ printf "%.3f", $2 / $1 }')
  log "RESULT $1 $lb/$la: req/s ratio of medians $ab_rps_ratio, median of pair ratios $(printf '%.3f' "$ab_pair_ratio"), CPU per request (median of pair ratios) $(printf '%.3f' "$ab_cpu_ratio"), p99 ratio of medians $ab_p99_ratio; load average $(load_average)"
}

# Alternates two instances (A, B, A, B, ...) and compares B with A.
ab_compare() { # name label_a port_a pid_a label_b port_b pid_b
  rotate_wrk "$1" "$2:$3:$4" "$5:$6:$7"
  compare "$1" "$2" "$5"
}

# ---------------------------------------------------------------- telemetry cost: on vs OTEL_SDK_DISABLED=true
bench_rest() {
  log "(a) telemetry cost: GET $quote_path, wrk -t2 -c32 -d$WRK_DURATION --latency, telemetry off vs on, alternating, $AB_RUNS runs each; rate limiter enabled, ${rate_limit_env[*]}"
  start_api telemetry-on on
  local on_port=$api_port on_pid=$api_pid
  start_api telemetry-off off
  local off_port=$api_port off_pid=$api_pid
  # The switch must really turn the SDK off: /metrics then exports nothing.
  local on_bytes off_bytes
  on_bytes=$(curl -fsS "http://127.0.0.1:$on_port/metrics" | wc -c)
  off_bytes=$(curl -sS "http://127.0.0.1:$off_port/metrics" | wc -c)
  log "  /metrics size: telemetry on $on_bytes bytes, telemetry off (OTEL_SDK_DISABLED=true) $off_bytes bytes"
  [ "$off_bytes" -eq 0 ] || log "  WARNING: telemetry-off instance still exports metrics"
  ab_compare rest off "$off_port" "$off_pid" on "$on_port" "$on_pid"
  local cost
  cost=$(awk -v r="$ab_cpu_ratio" 'BEGIN { printf "%.1f", (r - 1) * 100 }')
  log "RESULT rest telemetry CPU cost per request ${cost} % (on/off CPU per request $(printf '%.3f' "$ab_cpu_ratio"); target <= 3 %: $(awk -v c="$cost" 'BEGIN { print (c <= 3) ? "PASS" : "FAIL" }')); req/s on/off $ab_rps_ratio"
  stop_pid "$off_pid"
  scrape_port=$on_port # the telemetry-on instance serves the scrape benchmark
}

# ---------------------------------------------------------------- cached reads: old build (API_BIN) vs this one
bench_cache_ab() {
  [ -n "${API_BIN:-}" ] || { log "cache-ab needs API_BIN=<output folder of the old build>"; return 2; }
  log "(e) cached reads: GET $quote_path, old build $API_BIN vs this build $api_bin, telemetry on, alternating, $AB_RUNS runs each"
  api_run_bin=$API_BIN start_api old on
  local old_port=$api_port old_pid=$api_pid
  api_run_bin=$root/NexusTrade.Api/bin/Release/net10.0 start_api new on
  local new_port=$api_port new_pid=$api_pid
  ab_compare cache old "$old_port" "$old_pid" new "$new_port" "$new_pid"
  log "RESULT cache-ab new/old req/s $ab_rps_ratio (pairs $(printf '%.3f' "$ab_pair_ratio"); target >= 2: $(awk -v r="$ab_rps_ratio" 'BEGIN { print (r >= 2) ? "PASS" : "FAIL" }')), p99 new/old $ab_p99_ratio (target <= 1: $(awk -v r="$ab_p99_ratio" 'BEGIN { print (r <= 1) ? "PASS" : "FAIL" }')), CPU per request new/old $(printf '%.3f' "$ab_cpu_ratio")"
  curl -fsS "http://127.0.0.1:$new_port/metrics" | grep -E '^nexustrade_cache_lookups' >"$out/cache-lookups-new.txt" || true
  stop_apis
}

# ---------------------------------------------------------------- /metrics scrape
scrape_port=""
bench_scrape() {
  [ -n "$scrape_port" ] || {
    start_api scrape on
    scrape_port=$api_port
  }
  log "(b) /metrics scrape: traffic over many routes/status codes (and provider faults) first, then $SCRAPE_COUNT scrapes spaced 350 ms"
  run_bench "$out/scrape.txt" scrape --url "http://127.0.0.1:$scrape_port/metrics" --count "$SCRAPE_COUNT" \
    --feeds "http://127.0.0.1:$feed1_port,http://127.0.0.1:$feed2_port"
  log "$(grep '^RESULT' "$out/scrape.txt")"
}
