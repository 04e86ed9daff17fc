# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # globals of run.sh (checked through run.sh)
# Sourced by run.sh: (h) where the API's CPU goes on the cached route, telemetry on and off. Each instance in turn
# gets the same wrk load while `perf record` samples it (cpu-clock, call graphs through the JIT's frame pointers);
# the runtime names its JIT-compiled frames in /tmp/perf-<pid>.map (DOTNET_PerfMapEnabled=1), which perf reads when the
# code is not double-mapped (DOTNET_EnableWriteXorExecute=0: with W^X on, perf sees only "memfd:doublemapper").

bench_profile() {
  command -v perf >/dev/null || { log "perf not found (Debian: apt-get install linux-perf)"; return 1; }
  log "(h) profile: GET $quote_path, wrk -t2 -c$WRK_CONNECTIONS -d$WRK_DURATION, telemetry on then off, perf record -e cpu-clock -F 999 -g on the API"
  local telemetry perf_pid seconds=${WRK_DURATION%s}
  for telemetry in on off; do
    start_api "profile-$telemetry" "$telemetry" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
    log "  warm-up 10 s (JIT tiering: the hot methods are re-compiled at tier 1 and named in the perf map)"
    warm_up "$api_port"
    perf record -q -e cpu-clock -F 999 -g -p "$api_pid" -o "$work/perf-$telemetry.data" -- sleep "$seconds" 2>"$out/perf-$telemetry.log" &
    perf_pid=$!
    pids+=("$perf_pid")
    run_wrk "profile-$telemetry" "$api_port" "$api_pid" 1 "$out/profile.tsv"
    wait "$perf_pid" || true
    forget_pid "$perf_pid"
    # perf script resolves the JIT frames while the map file exists, so before the API stops.
    perf script -i "$work/perf-$telemetry.data" 2>/dev/null | python3 "$here/lib/perf-shares.py" - 40 >"$out/profile-$telemetry.txt"
    log "  telemetry $telemetry: $(grep -m1 '^samples' "$out/profile-$telemetry.txt"); telemetry's share: $(awk '$1 == "component" && $NF == "telemetry" { s = $2 } END { print s + 0 " %" }' "$out/profile-$telemetry.txt")"
    local pid=$api_pid
    stop_apis
    rm -f "/tmp/perf-$pid.map" "/tmp/perfinfo-$pid.map"
  done
  log "RESULT profile: $(awk '{ printf "%s %s req/s, %s us CPU/request; ", $1, $3, $6 }' "$out/profile.tsv")shares in profile-on.txt and profile-off.txt"
}
