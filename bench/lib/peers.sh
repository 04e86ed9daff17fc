# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # globals of run.sh (checked through run.sh)
# Sourced by run.sh: the cached quote route against the machine's ceiling (bare Kestrel serving the API's own answer,
# `nexustrade-bench ceiling`) and against the Node.js peer (bench/node-peer: Express, ioredis, prom-client), each side
# with its telemetry on and off, all five rotated in one run on the same Redis, simulators and cores.

node_peer_dir=$here/node-peer
instance="" # label:port:pid of the last process started here

start_node_peer() { # label prom-client(on|off)
  local port ttl_ms
  port=$(free_port)
  # The API's cache TTL (Quotes:CacheTtl in its appsettings.json), so that both sides cache for the same time.
  ttl_ms=$(python3 -c 'import json, sys; h, m, s = json.load(open(sys.argv[1]))["Quotes"]["CacheTtl"].split(":"); print(round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000))' "$root/NexusTrade.Api/appsettings.json")
  (cd "$node_peer_dir" && exec env NODE_ENV=production "PORT=$port" "REDIS_PORT=$redis_port" "REDIS_PASSWORD=$redis_password" \
    "PROVIDER_URL=http://127.0.0.1:$feed1_port" "PROVIDER_API_KEY=$feed_key" "CACHE_TTL_MS=$ttl_ms" "PROM_CLIENT=$2" node server.js) >"$out/$1.log" 2>&1 &
  pids+=("$!")
  instance="$1:$port:$!"
  wait_http "http://127.0.0.1:$port/alive" 30
  log "node peer '$1' (node $(node --version), prom-client $2) pid $! on :$port"
}

start_ceiling() { # label api-port
  local port
  port=$(free_port)
  "$bench_bin" ceiling --body-from "http://127.0.0.1:$2$quote_path" --port "$port" >"$out/$1.log" 2>&1 &
  pids+=("$!")
  instance="$1:$port:$!"
  wait_http "http://127.0.0.1:$port$quote_path" 30
  log "ceiling '$1' (bare Kestrel, $(head -1 "$out/$1.log")) pid $!"
}

verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == ">=") ? v >= t : v <= t; print ok ? "PASS" : "FAIL" }'; } # value op target

bench_peers() {
  if [ ! -d "$node_peer_dir/node_modules" ]; then
    npm ci --prefix "$node_peer_dir" --no-audit --no-fund >"$out/npm.log" 2>&1 || { log "npm ci in $node_peer_dir failed ($out/npm.log)"; return 1; }
  fi
  log "(g) the cached route, GET $quote_path, against the ceiling and the Node.js peer: wrk -t2 -c$WRK_CONNECTIONS -d$WRK_DURATION --latency, five servers rotated, $AB_RUNS rounds; rate limiter in production shape (${rate_limit_env[*]})"
  start_api api-on on
  local api_on="api-on:$api_port:$api_pid" body_port=$api_port
  start_api api-off off
  local api_off="api-off:$api_port:$api_pid"
  start_node_peer node-on on
  local node_on=$instance
  start_node_peer node-off off
  local node_off=$instance
  start_ceiling ceiling "$body_port"
  local ceiling=$instance
  local -a before=()
  if [ -n "${BEFORE_BIN:-}" ]; then # an older API build beside this one, in the same rotation: before/after of a change
    api_run_bin=$BEFORE_BIN start_api before-on on
    before+=("before-on:$api_port:$api_pid")
    api_run_bin=$BEFORE_BIN start_api before-off off
    before+=("before-off:$api_port:$api_pid")
  fi
  rotate_wrk peers "$ceiling" "$api_on" "$api_off" "$node_on" "$node_off" "${before[@]+"${before[@]}"}"

  compare peers api-off api-on
  local api_keeps=$ab_rps_ratio api_keeps_pairs=$ab_pair_ratio api_cpu=$ab_cpu_ratio
  compare peers node-off node-on
  local node_keeps=$ab_rps_ratio node_keeps_pairs=$ab_pair_ratio
  compare peers node-on api-on
  local vs_node=$ab_rps_ratio vs_node_pairs=$ab_pair_ratio vs_node_p99=$ab_p99_ratio
  compare peers ceiling api-on
  local vs_ceiling=$ab_rps_ratio vs_ceiling_pairs=$ab_pair_ratio vs_ceiling_p99=$ab_p99_ratio
  if [ -n "${BEFORE_BIN:-}" ]; then
    compare peers before-off before-on
    log "RESULT peers before ($BEFORE_BIN): telemetry keeps $ab_rps_ratio of req/s (pairs $(printf '%.3f' "$ab_pair_ratio")), CPU per request on/off $(printf '%.3f' "$ab_cpu_ratio")"
    compare peers before-on api-on
    compare peers node-on before-on
  fi
  log "RESULT peers targets: telemetry keeps $api_keeps of req/s (pairs $(printf '%.3f' "$api_keeps_pairs"); >= 0.97: $(verdict "$api_keeps" '>=' 0.97); >= the peer's $node_keeps (pairs $(printf '%.3f' "$node_keeps_pairs")): $(verdict "$api_keeps" '>=' "$node_keeps")), CPU per request on/off $(printf '%.3f' "$api_cpu") (<= 1.03: $(verdict "$api_cpu" '<=' 1.03)); api-on/node-on $vs_node x (pairs $(printf '%.2f' "$vs_node_pairs"); >= 8: $(verdict "$vs_node" '>=' 8)), p99 ratio $vs_node_p99 (<= 1: $(verdict "$vs_node_p99" '<=' 1)); api-on/ceiling $vs_ceiling (pairs $(printf '%.3f' "$vs_ceiling_pairs"); >= 0.8: $(verdict "$vs_ceiling" '>=' 0.8)), p99 ratio $vs_ceiling_p99"
  stop_apis
}
