# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # globals of run.sh (checked through run.sh)
# Sourced by run.sh: the soak under cycling faults.

bench_soak() {
  log "(d) soak $SOAK_DURATION, fault phases of $SOAK_PHASE, default API settings (rate limiter in production shape)"
  start_api soak on
  run_bench "$out/soak.txt" soak --api "http://127.0.0.1:$api_port" --feeds "http://127.0.0.1:$feed1_port,http://127.0.0.1:$feed2_port" \
    --redis-pid "$redis_pid" --api-pid "$api_pid" --duration "$SOAK_DURATION" --phase "$SOAK_PHASE" || log "  soak missed a target (exit code non-zero)"
  if kill -0 "$api_pid" 2>/dev/null; then log "  API process still running after the soak"; else log "  WARNING: API process is gone"; fi
  # Leak or just heap not yet collected? A gcdump induces a full (gen2, compacting) GC, then lists what is live.
  local gcdump=${GCDUMP:-$(command -v dotnet-gcdump || true)}
  if [ -n "$gcdump" ] && kill -0 "$api_pid" 2>/dev/null; then
    "$gcdump" collect -p "$api_pid" -o "$work/api-after-soak.gcdump" >/dev/null 2>&1 &&
      "$gcdump" report "$work/api-after-soak.gcdump" >"$out/gcdump-after-soak.txt" 2>&1 &&
      log "  after a full GC (dotnet-gcdump): live managed heap $(awk '/GC Heap bytes/ { gsub(",", "", $1); printf "%.1f MiB", $1 / 1048576 }' "$out/gcdump-after-soak.txt") (top types in gcdump-after-soak.txt), VmRSS $(rss_mib "$api_pid") MiB"
  else
    log "  (install dotnet-gcdump or set GCDUMP to measure the live heap after a full GC)"
  fi
  log "$(grep '^RESULT' "$out/soak.txt" || echo 'RESULT soak missing')"
}
