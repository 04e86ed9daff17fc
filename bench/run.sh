#!/usr/bin/env bash
# NexusTrade benchmarks on this machine, loopback only.
#
#   bench/run.sh            (a) REST telemetry on/off A/B, (b) /metrics scrape, (c) WebSocket fan-out
#   bench/run.sh rest|scrape|websocket   one of them
#   bench/run.sh soak       the 10-minute soak under cycling faults (separately: it takes 11+ minutes)
#
# Builds Release, starts redis-server (temp dir, free port, random password), two MarketFeed simulators and the API
# on free 127.0.0.1 ports, runs the load, and on exit stops exactly the processes it started (by PID).
# Raw outputs go to $BENCH_OUT (default bench/results/<UTC timestamp>-<mode>/); summary.txt holds the numbers.
# Knobs (environment): AB_RUNS (5), WRK_DURATION (15s), SCRAPE_COUNT (200), WS_CLIENTS (1000), WS_SYMBOLS (20),
# WS_DURATION (30s), SOAK_DURATION (10m), SOAK_PHASE (45s), API_BIN (another API build), GCDUMP (path of dotnet-gcdump).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
mode=${1:-all}
case "$mode" in all | rest | scrape | websocket | soak) ;; *)
  echo "usage: $0 [all|rest|scrape|websocket|soak]" >&2
  exit 2
  ;;
esac

AB_RUNS=${AB_RUNS:-5}
WRK_DURATION=${WRK_DURATION:-15s}
SCRAPE_COUNT=${SCRAPE_COUNT:-200}
WS_CLIENTS=${WS_CLIENTS:-1000}
WS_SYMBOLS=${WS_SYMBOLS:-20}
WS_DURATION=${WS_DURATION:-30s}
SOAK_DURATION=${SOAK_DURATION:-10m}
SOAK_PHASE=${SOAK_PHASE:-45s}

out=${BENCH_OUT:-$here/results/$(date -u +%Y%m%d-%H%M%S)-$mode}
mkdir -p "$out"
summary="$out/summary.txt"
work=$(mktemp -d /tmp/nexustrade-bench.XXXXXX)

api_bin=${API_BIN:-"$root/NexusTrade.Api/bin/Release/net10.0"} # API_BIN: another build of the API, for A/B of a change
feed_bin="$root/NexusTrade.MarketFeed/bin/Release/net10.0"
bench_bin="$root/bench/NexusTrade.Bench/bin/Release/net10.0/nexustrade-bench"

# ---------------------------------------------------------------- process tracking and cleanup
pids=()
redis_pid=""

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$summary"; }

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
    [ "$i" -eq 100 ] && kill -KILL "$pid" 2>/dev/null
  done
  wait "$pid" 2>/dev/null || true
  local kept=() p
  for p in "${pids[@]}"; do [ "$p" != "$pid" ] && kept+=("$p"); done
  pids=("${kept[@]+"${kept[@]}"}")
}

cleanup() {
  local status=$? pid
  trap - EXIT INT TERM
  # A soak may have stopped Redis: resume it so that it can exit.
  [ -n "$redis_pid" ] && kill -CONT "$redis_pid" 2>/dev/null
  for pid in "${pids[@]+"${pids[@]}"}"; do stop_pid "$pid"; done
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- helpers
taken_ports=" "
free_port() {
  # A port nobody listens on, below the ephemeral range (32768+) so that client sockets cannot take it meanwhile.
  local port
  while true; do
    port=$((20000 + RANDOM % 12000))
    case "$taken_ports" in *" $port "*) continue ;; esac
    if [ -z "$(ss -Htan "sport = :$port")" ]; then
      taken_ports+="$port "
      echo "$port"
      return
    fi
  done
}

wait_http() { # url seconds
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "timed out waiting for $url" >&2
      return 1
    fi
    sleep 0.3
  done
}

# Runs the bench client in the background (so that cleanup can stop it by PID), its output on screen and in a file.
run_bench() { # output-file args...
  local file=$1 pid status=0
  shift
  "$bench_bin" "$@" > >(tee "$file") &
  pid=$!
  pids+=("$pid")
  wait "$pid" || status=$?
  local kept=() p
  for p in "${pids[@]}"; do [ "$p" != "$pid" ] && kept+=("$p"); done
  pids=("${kept[@]+"${kept[@]}"}")
  sleep 0.2 # let tee finish writing
  return "$status"
}

secret() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# wrk latency to milliseconds: 812.00us, 1.23ms, 1.02s
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f\n", v }'; }

machine_note() { echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' /etc/os-release), load average $(cut -d' ' -f1-3 /proc/loadavg)"; }

# ---------------------------------------------------------------- build and stack
build() {
  log "building Release (API, MarketFeed, bench)"
  (cd "$root" &&
    dotnet build -c Release NexusTrade.Api/NexusTrade.Api.csproj -nologo -v q &&
    dotnet build -c Release NexusTrade.MarketFeed/NexusTrade.MarketFeed.csproj -nologo -v q &&
    dotnet build -c Release bench/NexusTrade.Bench/NexusTrade.Bench.csproj -nologo -v q) >"$out/build.log" 2>&1 ||
    {
      tail -30 "$out/build.log" >&2
      return 1
    }
}

redis_port="" redis_password="" feed_key="" feed1_port="" feed2_port=""
start_backends() {
  redis_port=$(free_port)
  redis_password=$(secret)
  mkdir -p "$work/redis"
  redis-server --bind 127.0.0.1 --port "$redis_port" --requirepass "$redis_password" --dir "$work/redis" \
    --save '' --appendonly no --daemonize no --logfile "$out/redis.log" &
  redis_pid=$!
  pids+=("$redis_pid")

  feed_key=$(secret)
  feed1_port=$(free_port)
  feed2_port=$(free_port)
  local port
  for port in "$feed1_port" "$feed2_port"; do
    (cd "$feed_bin" && MarketFeed__ApiKey=$feed_key ASPNETCORE_ENVIRONMENT=Production exec ./NexusTrade.MarketFeed --urls "http://127.0.0.1:$port") \
      >"$out/feed-$port.log" 2>&1 &
    pids+=("$!")
  done
  local deadline=$((SECONDS + 20))
  until REDISCLI_AUTH=$redis_password redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "redis did not start" >&2; return 1; }
    sleep 0.2
  done
  wait_http "http://127.0.0.1:$feed1_port/alive" 60
  wait_http "http://127.0.0.1:$feed2_port/alive" 60
  log "redis pid $redis_pid on :$redis_port, feeds on :$feed1_port and :$feed2_port"
}

api_pid="" api_port=""
api_pids=()
stop_apis() {
  local pid
  for pid in "${api_pids[@]+"${api_pids[@]}"}"; do stop_pid "$pid"; done
  api_pids=()
  scrape_port=""
}

start_api() { # name telemetry(on|off) [NAME=VALUE ...]
  local name=$1 telemetry=$2
  shift 2
  api_port=$(free_port)
  local -a env=(
    ASPNETCORE_ENVIRONMENT=Production
    "ConnectionStrings__redis=127.0.0.1:$redis_port,password=$redis_password"
    MarketData__Providers__0__Name=marketfeed-primary "MarketData__Providers__0__BaseUrl=http://127.0.0.1:$feed1_port" "MarketData__Providers__0__ApiKey=$feed_key"
    MarketData__Providers__1__Name=marketfeed-secondary "MarketData__Providers__1__BaseUrl=http://127.0.0.1:$feed2_port" "MarketData__Providers__1__ApiKey=$feed_key"
    "$@"
  )
  [ "$telemetry" = off ] && env+=(OTEL_SDK_DISABLED=true)
  (cd "$api_bin" && exec env "${env[@]}" ./NexusTrade.Api --urls "http://127.0.0.1:$api_port") >"$out/api-$name.log" 2>&1 &
  api_pid=$!
  pids+=("$api_pid")
  api_pids+=("$api_pid")
  wait_http "http://127.0.0.1:$api_port/alive" 60
  log "api '$name' (telemetry $telemetry${*:+, $*}) pid $api_pid on :$api_port"
}

# ---------------------------------------------------------------- (a) REST: telemetry on vs off, alternating
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; } # utime + stime of a PID, in 1/100 s

run_wrk() { # label port pid run
  local label=$1 port=$2 pid=$3 run=$4 file rps p50 p99 requests ticks0 ticks1 cpu_us
  file="$out/wrk-$label-$run.txt"
  echo "# $(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)" >"$file"
  ticks0=$(cpu_ticks "$pid")
  wrk -t2 -c32 -d"$WRK_DURATION" --latency "http://127.0.0.1:$port/api/quotes/AAPL" >>"$file"
  ticks1=$(cpu_ticks "$pid")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$file")
  requests=$(awk '/requests in/ { print $1 }' "$file")
  # API CPU time per request: a second view beside req/s (contention from other tenants inflates it too).
  cpu_us=$(awk -v t=$((ticks1 - ticks0)) -v n="$requests" 'BEGIN { printf "%.1f", t * 10000 / n }')
  p50=$(awk '$1 == "50%" { print $2 }' "$file" | to_ms)
  p99=$(awk '$1 == "99%" { print $2 }' "$file" | to_ms)
  if grep -q 'Non-2xx' "$file"; then log "  WARNING: $(grep 'Non-2xx' "$file") in $file"; fi
  echo "$label $run $rps $p50 $p99 $cpu_us" >>"$out/ab.tsv"
  log "  $label run $run: $rps req/s, p50 $p50 ms, p99 $p99 ms, API CPU $cpu_us us/request, load average $(cut -d' ' -f1 /proc/loadavg)"
}

bench_rest() {
  log "(a) GET /api/quotes/AAPL, wrk -t2 -c32 -d$WRK_DURATION --latency, telemetry on vs off, alternating, $AB_RUNS runs each"
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
  curl -fsS "http://127.0.0.1:$off_port/api/quotes/AAPL" >/dev/null
  : >"$out/ab.tsv"
  log "  warm-up 10 s each (JIT tiering, connection pools)"
  wrk -t2 -c32 -d10s "http://127.0.0.1:$on_port/api/quotes/AAPL" >/dev/null
  wrk -t2 -c32 -d10s "http://127.0.0.1:$off_port/api/quotes/AAPL" >/dev/null
  local run
  for run in $(seq 1 "$AB_RUNS"); do
    run_wrk on "$on_port" "$on_pid" "$run"
    run_wrk off "$off_port" "$off_pid" "$run"
  done
  local m_on m_off p50_on p50_off p99_on p99_off ratio pair_ratio cpu_on cpu_off
  m_on=$(awk '$1 == "on" { print $3 }' "$out/ab.tsv" | median)
  m_off=$(awk '$1 == "off" { print $3 }' "$out/ab.tsv" | median)
  p50_on=$(awk '$1 == "on" { print $4 }' "$out/ab.tsv" | median)
  p50_off=$(awk '$1 == "off" { print $4 }' "$out/ab.tsv" | median)
  p99_on=$(awk '$1 == "on" { print $5 }' "$out/ab.tsv" | median)
  p99_off=$(awk '$1 == "off" { print $5 }' "$out/ab.tsv" | median)
  cpu_on=$(awk '$1 == "on" { print $6 }' "$out/ab.tsv" | median)
  cpu_off=$(awk '$1 == "off" { print $6 }' "$out/ab.tsv" | median)
  ratio=$(awk -v a="$m_on" -v b="$m_off" 'BEGIN { printf "%.3f", a / b }')
  # Ratio of each adjacent pair (run i on / run i off), then their median: less affected by machine load drifting over the runs.
  pair_ratio=$(awk '$1 == "on" { on[$2] = $3 } $1 == "off" { off[$2] = $3 } END { for (r in on) if (off[r] > 0) print on[r] / off[r] }' "$out/ab.tsv" | median)
  log "RESULT rest telemetry_on: median $m_on req/s, p50 $p50_on ms, p99 $p99_on ms, API CPU $cpu_on us/request"
  log "RESULT rest telemetry_off: median $m_off req/s, p50 $p50_off ms, p99 $p99_off ms, API CPU $cpu_off us/request"
  log "RESULT rest CPU per request off/on $(awk -v a="$cpu_off" -v b="$cpu_on" 'BEGIN { printf "%.3f", a / b }') (the throughput ratio if CPU were the only limit)"
  log "RESULT rest ratio on/off of medians $ratio, median of pair ratios $(printf '%.3f' "$pair_ratio") (target >= 0.97: $(awk -v r="$ratio" 'BEGIN { print (r >= 0.97) ? "PASS" : "FAIL" }'))"
  # Leave the telemetry-on instance for the scrape benchmark.
  stop_pid "$off_pid"
  scrape_port=$on_port
}

# ---------------------------------------------------------------- (b) scrape
scrape_port=""
bench_scrape() {
  [ -n "$scrape_port" ] || {
    start_api scrape on
    scrape_port=$api_port
  }
  log "(b) /metrics scrape: traffic over many routes/status codes (and provider faults) first, then $SCRAPE_COUNT scrapes spaced 350 ms (past the exporter's 300 ms cache)"
  run_bench "$out/scrape.txt" scrape --url "http://127.0.0.1:$scrape_port/metrics" --count "$SCRAPE_COUNT" \
    --feeds "http://127.0.0.1:$feed1_port,http://127.0.0.1:$feed2_port"
  log "$(grep '^RESULT' "$out/scrape.txt")"
}

# ---------------------------------------------------------------- (c) WebSocket fan-out
bench_websocket() {
  stop_apis # the fan-out instance gets the CPU to itself
  log "(c) WebSocket fan-out $WS_CLIENTS clients x $WS_SYMBOLS symbols (pool 200), QuoteStream__PushInterval=00:00:00.100, Quotes__CacheTtl=00:00:00.100"
  start_api fanout on QuoteStream__PushInterval=00:00:00.100 Quotes__CacheTtl=00:00:00.100 QuoteStream__MaxConnections=5000
  run_bench "$out/websocket.txt" websocket --url "ws://127.0.0.1:$api_port/ws/quotes" --clients "$WS_CLIENTS" --symbols "$WS_SYMBOLS" \
    --duration "$WS_DURATION" --api-pid "$api_pid" || log "  websocket bench exited non-zero"
  sleep 3
  log "  after close: $(curl -fsS "http://127.0.0.1:$api_port/metrics" | grep -E '^(nexustrade_websocket_connections|kestrel_active_connections)' | tr '\n' ' ')"
  local result
  result=$(grep '^RESULT' "$out/websocket.txt")
  log "$result"
  log "$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END { printf "RESULT websocket targets: msgs/s %s (>= 50000: %s), p99 lag %s ms (< 50: %s)",
      v["msgs_per_s"], (v["msgs_per_s"] >= 50000 ? "PASS" : "FAIL"), v["lag_p99_ms"], (v["lag_p99_ms"] < 50 ? "PASS" : "FAIL") }' <<<"$result")"
}

# ---------------------------------------------------------------- (d) soak
bench_soak() {
  log "(d) soak $SOAK_DURATION, fault phases of $SOAK_PHASE, default API settings"
  start_api soak on
  run_bench "$out/soak.txt" soak --api "http://127.0.0.1:$api_port" --feeds "http://127.0.0.1:$feed1_port,http://127.0.0.1:$feed2_port" \
    --redis-pid "$redis_pid" --api-pid "$api_pid" --duration "$SOAK_DURATION" --phase "$SOAK_PHASE" || log "  soak missed a target (exit code non-zero)"
  if kill -0 "$api_pid" 2>/dev/null; then log "  API process still running after the soak"; else log "  WARNING: API process is gone"; fi
  # Leak or just heap not yet collected? A gcdump induces a full (gen2, compacting) GC, then lists what is live.
  local gcdump=${GCDUMP:-$(command -v dotnet-gcdump || true)}
  if [ -n "$gcdump" ] && kill -0 "$api_pid" 2>/dev/null; then
    "$gcdump" collect -p "$api_pid" -o "$work/api-after-soak.gcdump" >/dev/null 2>&1 &&
      "$gcdump" report "$work/api-after-soak.gcdump" >"$out/gcdump-after-soak.txt" 2>&1 &&
      log "  after a full GC (dotnet-gcdump): live managed heap $(awk '/GC Heap bytes/ { gsub(",", "", $1); printf "%.1f MiB", $1 / 1048576 }' "$out/gcdump-after-soak.txt") (top types in gcdump-after-soak.txt), VmRSS $(awk '/VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$api_pid/status")"
  else
    log "  (install dotnet-gcdump or set GCDUMP to measure the live heap after a full GC)"
  fi
  log "$(grep '^RESULT' "$out/soak.txt" || echo 'RESULT soak missing')"
}

# ---------------------------------------------------------------- main
log "NexusTrade bench '$mode' $(date -u +%FT%TZ); $(machine_note)"
log "outputs in $out"
build
start_backends
case "$mode" in
  all)
    bench_rest
    bench_scrape
    bench_websocket
    ;;
  rest) bench_rest ;;
  scrape) bench_scrape ;;
  websocket) bench_websocket ;;
  soak) bench_soak ;;
esac
log "done; $(machine_note)"
