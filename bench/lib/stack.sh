# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # globals of run.sh (checked through run.sh)
# Sourced by run.sh: process tracking and cleanup, small helpers, the Release build, and the processes under test
# (Redis, two MarketFeed simulators, API instances) on free 127.0.0.1 ports. Every process started here is recorded
# by PID in `pids`; cleanup stops exactly those.

pids=()
redis_pid=""
all_cpus="0-$(($(nproc) - 1))" # taskset's list of every CPU: the placement when API_CPUS / CLIENT_CPUS are not given

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$summary"; }

forget_pid() {
  local kept=() p
  for p in "${pids[@]}"; do [ "$p" != "$1" ] && kept+=("$p"); done
  pids=("${kept[@]+"${kept[@]}"}")
}

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
    [ "$i" -eq 100 ] && kill -KILL "$pid" 2>/dev/null
  done
  wait "$pid" 2>/dev/null || true
  forget_pid "$pid"
}

cleanup() {
  local status=$? pid
  trap - EXIT INT TERM
  # Every process must be stopped whatever fails here: under errexit the failed `kill -CONT` of a Redis that never
  # started ended this handler and left the simulators running.
  set +e
  # A soak may have stopped Redis: resume it so that it can exit.
  [ -n "$redis_pid" ] && kill -CONT "$redis_pid" 2>/dev/null
  for pid in "${pids[@]+"${pids[@]}"}"; do stop_pid "$pid"; done
  rm -rf "$work"
  exit "$status"
}

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
  # On CLIENT_CPUS (a taskset list) when given, so that the client can be kept off the API's CPUs (API_CPUS), and at
  # CLIENT_NICE (0 by default; 19: the client gets a core only when the API does not want it).
  (exec nice -n "${CLIENT_NICE:-0}" taskset -c "${CLIENT_CPUS:-$all_cpus}" "$bench_bin" "$@") > >(tee "$file") &
  pid=$!
  pids+=("$pid")
  wait "$pid" || status=$?
  forget_pid "$pid"
  sleep 0.2 # let tee finish writing
  return "$status"
}

secret() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# wrk latency to milliseconds: 812.00us, 1.23ms, 1.02s
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f\n", v }'; }

words() { read -r -a "$1" <<<"$2"; } # array-name string: NAME=VALUE settings given as one string (API_ENV, FEED_ENV)

load_average() { cut -d' ' -f1-3 /proc/loadavg; }

machine_note() { echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' /etc/os-release), load average $(load_average)"; }

rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; } # utime + stime of a PID, in 1/100 s

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
  local -a feed_env
  words feed_env "${FEED_ENV:-}"
  for port in "$feed1_port" "$feed2_port"; do
    (cd "$feed_bin" && exec env "MarketFeed__ApiKey=$feed_key" ASPNETCORE_ENVIRONMENT=Production "${feed_env[@]+"${feed_env[@]}"}" \
      ./NexusTrade.MarketFeed --urls "http://127.0.0.1:$port") \
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
  log "redis pid $redis_pid on :$redis_port, feeds on :$feed1_port and :$feed2_port${FEED_ENV:+ ($FEED_ENV)}"
}

api_pid="" api_port=""
api_pids=()
stop_apis() {
  local pid
  for pid in "${api_pids[@]+"${api_pids[@]}"}"; do stop_pid "$pid"; done
  api_pids=()
  scrape_port=""
}

# The rate limiter in its production shape: enabled (the default), with a per-client budget that one load generator
# on one address does not exhaust (the options' maximum, 100,000 permits/s and burst; wrk reaches well under that).
# The same option names exist in the build before the L1 cache (cache-ab's old build).
rate_limit_env=(RateLimiting__Enabled=true RateLimiting__PermitsPerSecond=100000 RateLimiting__Burst=100000)

start_api() { # name telemetry(on|off) [NAME=VALUE ...]; API_ENV adds settings to every instance (last: it overrides a mode's own); bin from $api_run_bin
  local name=$1 telemetry=$2 bin=${api_run_bin:-$api_bin}
  shift 2
  api_port=$(free_port)
  local -a extra
  words extra "${API_ENV:-}"
  local -a env=(
    ASPNETCORE_ENVIRONMENT=Production
    "ConnectionStrings__redis=127.0.0.1:$redis_port,password=$redis_password"
    MarketData__Providers__0__Name=marketfeed-primary "MarketData__Providers__0__BaseUrl=http://127.0.0.1:$feed1_port" "MarketData__Providers__0__ApiKey=$feed_key"
    MarketData__Providers__1__Name=marketfeed-secondary "MarketData__Providers__1__BaseUrl=http://127.0.0.1:$feed2_port" "MarketData__Providers__1__ApiKey=$feed_key"
    "${rate_limit_env[@]}" "$@" "${extra[@]+"${extra[@]}"}"
  )
  [ "$telemetry" = off ] && env+=(OTEL_SDK_DISABLED=true)
  (cd "$bin" && exec env "${env[@]}" taskset -c "${API_CPUS:-$all_cpus}" ./NexusTrade.Api --urls "http://127.0.0.1:$api_port") >"$out/api-$name.log" 2>&1 &
  api_pid=$!
  pids+=("$api_pid")
  api_pids+=("$api_pid")
  wait_http "http://127.0.0.1:$api_port/alive" 60
  log "api '$name' ($bin; telemetry $telemetry${API_ENV:+, $API_ENV}${*:+, $*}${API_CPUS:+, CPUs $API_CPUS}) pid $api_pid on :$api_port, VmRSS $(rss_mib "$api_pid") MiB"
}
