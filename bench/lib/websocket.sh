# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # globals of run.sh (checked through run.sh)
# Sourced by run.sh: WebSocket fan-out (1,000 clients, fast pushes) and scale (10,000 clients, default settings).

# Memory limit of the API pod (NexusTrade.AppHost/Components/Api.cs ResourceBudget) that the scale run is held to.
api_memory_limit_mib=512

ws_after_close() { # port
  sleep 3
  log "  after close: $(curl -fsS "http://127.0.0.1:$1/metrics" | grep -E '^(nexustrade_websocket_connections|nexustrade_websocket_subscriptions|kestrel_active_connections)' | tr '\n' ' ')"
}

bench_websocket() {
  stop_apis # the fan-out instance gets the CPU to itself
  log "(c) WebSocket fan-out $WS_CLIENTS clients x $WS_SYMBOLS symbols (pool 200), QuoteStream__PushInterval=00:00:00.100, Quotes__CacheTtl=00:00:00.100"
  start_api fanout on QuoteStream__PushInterval=00:00:00.100 Quotes__CacheTtl=00:00:00.100
  run_bench "$out/websocket.txt" websocket --url "ws://127.0.0.1:$api_port/ws/quotes" --clients "$WS_CLIENTS" --symbols "$WS_SYMBOLS" \
    --duration "$WS_DURATION" --api-pid "$api_pid" || log "  websocket bench exited non-zero"
  ws_after_close "$api_port"
  local result
  result=$(grep '^RESULT' "$out/websocket.txt")
  log "$result"
  log "$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END { printf "RESULT websocket targets: msgs/s %s (>= 100000: %s), p99 lag %s ms (< 50: %s), client CPU %s cores, API CPU %s cores",
      v["msgs_per_s"], (v["msgs_per_s"] >= 100000 ? "PASS" : "FAIL"), v["lag_p99_ms"], (v["lag_p99_ms"] < 50 ? "PASS" : "FAIL"), v["client_cpu_cores"], v["api_cpu_cores"] }' <<<"$result")"
  stop_apis
}

bench_websocket_scale() {
  stop_apis
  log "(f) WebSocket scale: $WS_SCALE_CLIENTS clients x $WS_SYMBOLS symbols (pool 200), default API settings (push 500 ms, cache TTL 2 s) but the connection cap; limit $api_memory_limit_mib MiB"
  # The cap is raised past the client count on purpose: this run measures what 10,000 clients cost, which is what
  # the default cap (QuoteStream:MaxConnections, derived from these figures) must keep the pod below.
  start_api scale on "QuoteStream__MaxConnections=$((WS_SCALE_CLIENTS + 100))"
  local peak_file="$work/peak-rss" sampler
  # VmHWM (peak RSS) would include start-up; sample VmRSS every 0.5 s instead, in the background, until the run ends.
  (while kill -0 "$api_pid" 2>/dev/null; do rss_mib "$api_pid"; echo; sleep 0.5; done) >"$peak_file" 2>/dev/null &
  sampler=$!
  pids+=("$sampler")
  run_bench "$out/websocket-scale.txt" websocket --url "ws://127.0.0.1:$api_port/ws/quotes" --clients "$WS_SCALE_CLIENTS" --symbols "$WS_SYMBOLS" \
    --duration "$WS_DURATION" --api-pid "$api_pid" --connect-concurrency 100 || log "  websocket-scale bench exited non-zero"
  stop_pid "$sampler"
  local peak result
  peak=$(sort -g "$peak_file" | tail -1)
  grep -E '^(nexustrade_websocket|dotnet_gc_heap_size|dotnet_gc_last|dotnet_process_memory)' <(curl -fsS "http://127.0.0.1:$api_port/metrics") >"$out/websocket-scale-metrics-after.txt" || true
  ws_after_close "$api_port"
  result=$(grep '^RESULT' "$out/websocket-scale.txt")
  log "$result"
  log "$(awk -v peak="$peak" -v limit="$api_memory_limit_mib" -v want="$WS_SCALE_CLIENTS" '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END { printf "RESULT websocket-scale targets: clients %s of %s (%s), peak VmRSS %s MiB (< %s: %s), per client %s KiB (<= 32: %s), p99 lag %s ms (< 100: %s), %s msgs/s, client CPU %s cores",
      v["clients"], want, (v["clients"] == want && v["disconnects"] == 0 ? "PASS" : "FAIL"), peak, limit, (peak < limit ? "PASS" : "FAIL"),
      v["rss_per_conn_kib"], (v["rss_per_conn_kib"] <= 32 ? "PASS" : "FAIL"), v["lag_p99_ms"], (v["lag_p99_ms"] < 100 ? "PASS" : "FAIL"), v["msgs_per_s"], v["client_cpu_cores"] }' <<<"$result")"
  stop_apis
}
