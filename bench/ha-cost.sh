#!/usr/bin/env bash
# What HA mode costs on this machine, default mode beside it, measured from outside:
#
#   bench/ha-cost.sh [default|ha]...    (both, default first, when no argument is given)
#
# Each mode runs the built AppHost (build it first: dotnet build NexusTrade.sln) in host mode on a state directory of
# its own, with dynamic ports (the dashboard on free ports too: no launch-profile port is taken), until ready: every
# API replica's /health answers 200 and every Prometheus replica has every target of its target files up. Then,
# after a 30 s settle, it sums the memory of the AppHost's processes: the AppHost, its dashboard, DCP and its helpers
# and every resource (RSS, which counts shared pages once per process, and PSS, which shares them out). On exit it
# stops exactly the AppHost it started (SIGTERM). Prints one line per mode.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
apphost_pid=""
work=""

cleanup() {
  if [ -n "$apphost_pid" ] && kill -0 "$apphost_pid" 2>/dev/null; then
    kill -TERM "$apphost_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$apphost_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$apphost_pid" 2>/dev/null || true
  fi
  apphost_pid=""
  [ -n "$work" ] && rm -rf "$work"
  work=""
}
trap cleanup EXIT

assembly=""
for configuration in Release Debug; do
  candidate="$root/NexusTrade.AppHost/bin/$configuration/net10.0/NexusTrade.AppHost.dll"
  if [ -f "$candidate" ]; then assembly=$candidate; break; fi
done
[ -n "$assembly" ] || { echo "ha-cost: build first (dotnet build NexusTrade.sln)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

ready() { # state directory
  python3 - "$1" <<'PY'
import base64, glob, json, os, sys, urllib.request
state = sys.argv[1]
def addresses(prometheus, job):
    return json.load(open(f"{state}/{prometheus}/targets/{job}.json"))[0]["targets"]
try:
    replicas = sorted(os.path.basename(d) for d in glob.glob(f"{state}/prometheus*") if os.path.isdir(f"{d}/targets"))
    if not replicas: sys.exit(1)
    for api in addresses(replicas[0], "api"):
        with urllib.request.urlopen(f"http://{api}/health", timeout=2) as r:
            if r.status != 200: sys.exit(1)
    for prometheus in replicas:
        expected = sum(len(addresses(prometheus, os.path.basename(f)[:-5])) for f in glob.glob(f"{state}/{prometheus}/targets/*.json"))
        # Prometheus asks for the monitoring login: the password the AppHost wrote beside its web configuration.
        password = open(f"{state}/{prometheus}/login/password").read()
        request = urllib.request.Request(f"http://{addresses(prometheus, 'prometheus')[0]}/api/v1/targets",
                                         headers={"Authorization": "Basic " + base64.b64encode(f"monitoring:{password}".encode()).decode()})
        with urllib.request.urlopen(request, timeout=2) as r:
            up = [t for t in json.load(r)["data"]["activeTargets"] if t["health"] == "up"]
        if len(up) < expected: sys.exit(1)
    sys.exit(0)
except Exception:
    sys.exit(1)
PY
}

tree() { # root PID: it and its descendants
  ps -eo pid=,ppid= | awk -v root="$1" '{parent[$1] = $2} END {
    keep[root] = 1
    do { grown = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; grown = 1 } } while (grown)
    for (p in keep) print p }'
}

memory() { # root PID -> "processes rss_mib pss_mib"
  local pids p
  # DCP runs detached (not a child of the AppHost) and watches it with --monitor <AppHost PID>.
  pids=$( { tree "$1"; for p in $(pgrep -f -- "--monitor $1( |$)" || true); do tree "$p"; done; } | sort -u)
  for p in $pids; do
    awk '/^Rss:/ {r = $2} /^Pss:/ {s = $2} END {if (r != "") print r, s}' "/proc/$p/smaps_rollup" 2>/dev/null || true
  done | awk '{n++; r += $1; s += $2} END {printf "%d %.0f %.0f\n", n, r / 1024, s / 1024}'
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

measure() { # mode
  local ha=false
  [ "$1" = ha ] && ha=true
  work=$(mktemp -d /tmp/nexustrade-ha-cost.XXXXXX)
  local start elapsed
  start=$(now_ms)
  ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
    ASPNETCORE_URLS="http://127.0.0.1:$(free_port)" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$(free_port)" \
    ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://127.0.0.1:$(free_port)" \
    dotnet "$assembly" --NexusTrade:Runtime=host --NexusTrade:HighAvailability=$ha --NexusTrade:StateDirectory="$work/state" \
      --DcpPublisher:RandomizePorts=true > "$work/apphost.log" 2>&1 &
  apphost_pid=$!
  until ready "$work/state"; do
    if ! kill -0 "$apphost_pid" 2>/dev/null; then echo "ha-cost: the AppHost exited; its log:" >&2; cat "$work/apphost.log" >&2; exit 1; fi
    if [ $(( $(now_ms) - start )) -gt 300000 ]; then echo "ha-cost: not ready after 300 s" >&2; tail -n 30 "$work/apphost.log" >&2; exit 1; fi
    sleep 0.5
  done
  elapsed=$(( $(now_ms) - start ))
  sleep 30
  read -r processes rss pss < <(memory "$apphost_pid")
  printf 'ha-cost %-7s: ready after %d.%01d s; %d processes, RSS %d MiB, PSS %d MiB (load average %s)\n' "$1" \
    $((elapsed / 1000)) $((elapsed % 1000 / 100)) "$processes" "$rss" "$pss" "$(cut -d' ' -f1-3 /proc/loadavg)"
  cleanup
}

modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(default ha)
for mode in "${modes[@]}"; do measure "$mode"; done
