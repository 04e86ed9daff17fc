#!/usr/bin/env bash
# NexusTrade benchmarks on this machine, loopback only.
#
#   bench/run.sh                   rest, scrape, websocket (about 6 minutes)
#   bench/run.sh rest              telemetry cost: CPU per request, telemetry on vs OTEL_SDK_DISABLED=true, alternating
#   bench/run.sh cache-ab          cached reads: API_BIN (an older build's output folder) vs this build, alternating
#   bench/run.sh scrape            /metrics render time and size
#   bench/run.sh websocket         fan-out: 1,000 clients x 20 symbols, pushes every 100 ms
#   bench/run.sh websocket-scale   10,000 clients x 20 symbols at default settings: memory per client, peak RSS, lag
#   bench/run.sh soak              the soak under cycling faults (SOAK_DURATION, default 30m)
#   bench/run.sh peers             the cached route against bare Kestrel (the ceiling) and the Node.js peer, telemetry on/off
#   bench/run.sh profile           where the API's CPU goes on the cached route, telemetry on and off (perf samples)
#
# Builds Release, starts redis-server (temp dir, free port, random password), two MarketFeed simulators and the API
# on free 127.0.0.1 ports, runs the load, and on exit stops exactly the processes it started (by PID).
# Raw outputs go to $BENCH_OUT (default bench/results/<UTC timestamp>-<mode>/); summary.txt holds the numbers.
# Knobs (environment): API_CPUS, CLIENT_CPUS (taskset lists for the API and the load client), CLIENT_NICE (the load client's nice value), BEFORE_BIN (peers: an older API build rotated beside this one), AB_RUNS (5; peers 3), WRK_DURATION (15s), WRK_CONNECTIONS (32; peers 64), SCRAPE_COUNT (200), WS_CLIENTS (1000), WS_SCALE_CLIENTS
# (10000), WS_SYMBOLS (20), WS_DURATION (30s), SOAK_DURATION (30m), SOAK_PHASE (45s), FEED_ENV (the simulators'
# NAME=VALUE settings, default MarketFeed__Volatility=5; empty for the simulator's defaults), API_BIN (another API build:
# the old side of cache-ab, the instance under test elsewhere), API_ENV (extra NAME=VALUE settings for every API
# instance, to A/B one setting), GCDUMP (path of dotnet-gcdump).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
mode=${1:-all}
case "$mode" in all | rest | cache-ab | scrape | websocket | websocket-scale | soak | peers | profile) ;; *)
  echo "usage: $0 [all|rest|cache-ab|scrape|websocket|websocket-scale|soak|peers|profile]" >&2
  exit 2
  ;;
esac

# peers rotates five servers: three rounds at 64 connections (the issue's figures), the A/B modes five at 32.
if [ "$mode" = peers ]; then AB_RUNS=${AB_RUNS:-3} WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}; fi
AB_RUNS=${AB_RUNS:-5}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_DURATION=${WRK_DURATION:-15s}
SCRAPE_COUNT=${SCRAPE_COUNT:-200}
WS_CLIENTS=${WS_CLIENTS:-1000}
WS_SCALE_CLIENTS=${WS_SCALE_CLIENTS:-10000}
WS_SYMBOLS=${WS_SYMBOLS:-20}
WS_DURATION=${WS_DURATION:-30s}
SOAK_DURATION=${SOAK_DURATION:-30m}
SOAK_PHASE=${SOAK_PHASE:-45s}
# The simulators' settings. Prices are rounded to cents and an update is pushed only when one changed: at the
# simulator's default volatility (0.4) a price moves on about a third of the fan-out's 100 ms pushes, so the fan-out
# offered 64,000 msgs/s in all and could not show 100,000; at 5 nearly every push changes every symbol.
FEED_ENV=${FEED_ENV-MarketFeed__Volatility=5}

out=${BENCH_OUT:-$here/results/$(date -u +%Y%m%d-%H%M%S)-$mode}
mkdir -p "$out"
out=$(cd "$out" && pwd) # absolute: Redis and the API write their logs here from other working directories
summary="$out/summary.txt"
work=$(mktemp -d /tmp/nexustrade-bench.XXXXXX)

api_bin="$root/NexusTrade.Api/bin/Release/net10.0"
feed_bin="$root/NexusTrade.MarketFeed/bin/Release/net10.0"
bench_bin="$root/bench/NexusTrade.Bench/bin/Release/net10.0/nexustrade-bench"
# cache-ab compares API_BIN with this build; every other mode runs API_BIN when given (A/B of a change by hand).
[ "$mode" != cache-ab ] && [ -n "${API_BIN:-}" ] && api_bin=$API_BIN

# shellcheck source=lib/stack.sh
. "$here/lib/stack.sh"
# shellcheck source=lib/rest.sh
. "$here/lib/rest.sh"
# shellcheck source=lib/websocket.sh
. "$here/lib/websocket.sh"
# shellcheck source=lib/soak.sh
. "$here/lib/soak.sh"
# shellcheck source=lib/peers.sh
. "$here/lib/peers.sh"
# shellcheck source=lib/profile.sh
. "$here/lib/profile.sh"

trap cleanup EXIT
trap 'exit 130' INT TERM

# 10,000 WebSockets need as many descriptors in the client and in the API (both inherit this shell's limit).
ulimit -n "$(ulimit -Hn)"

log "NexusTrade bench '$mode' $(date -u +%FT%TZ); $(machine_note); open files limit $(ulimit -n)"
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
  cache-ab) bench_cache_ab ;;
  scrape) bench_scrape ;;
  websocket) bench_websocket ;;
  websocket-scale) bench_websocket_scale ;;
  soak) bench_soak ;;
  peers) bench_peers ;;
  profile) bench_profile ;;
esac
log "done; $(machine_note)"
