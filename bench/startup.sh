#!/usr/bin/env bash
# Start-up time of the README's run command, measured from outside as a person would see it:
#
#   bench/startup.sh warm    this checkout, already built: `dotnet run --project NexusTrade.AppHost`
#   bench/startup.sh fresh   a fresh `git clone` of this checkout's HEAD: the same command, restore and build included
#
# "Ready" = the API's /health answers 200 and every Prometheus target is up (every job the app model declares, each
# with its target file written), read from the state directory's target files and Prometheus's /api/v1/targets.
# The run gets its own state directory; on exit the script stops exactly the AppHost it started (SIGTERM, which
# stops every resource), and a fresh clone is removed. Prints one line: mode, seconds to ready and to the AppHost's
# "Distributed application started" (build and DCP before it; health checks and the first scrape after it), load.
set -euo pipefail

mode=${1:-warm}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d /tmp/nexustrade-startup.XXXXXX)
state="$work/state"
apphost_pid=""

cleanup() {
  if [ -n "$apphost_pid" ] && kill -0 "$apphost_pid" 2>/dev/null; then
    local child
    child=$(pgrep -P "$apphost_pid" -f NexusTrade.AppHost || true)
    kill -TERM "${child:-$apphost_pid}" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$apphost_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$apphost_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

case "$mode" in
  warm) checkout=$root ;;
  fresh) git clone -q "$root" "$work/clone"; checkout="$work/clone" ;;
  *) echo "usage: $0 [warm|fresh]" >&2; exit 2 ;;
esac

ready() {
  python3 - "$state/prometheus/targets" <<'PY'
import base64, glob, json, os, sys, urllib.request
targets = sys.argv[1]
def address(job):
    return json.load(open(f"{targets}/{job}.json"))[0]["targets"][0]
try:
    with urllib.request.urlopen(f"http://{address('api')}/health", timeout=2) as r:
        if r.status != 200: sys.exit(1)
    # Prometheus asks for the monitoring login: the password the AppHost wrote beside its web configuration.
    password = open(f"{targets}/../login/password").read()
    request = urllib.request.Request(f"http://{address('prometheus')}/api/v1/targets",
                                     headers={"Authorization": "Basic " + base64.b64encode(f"monitoring:{password}".encode()).decode()})
    with urllib.request.urlopen(request, timeout=2) as r:
        active = json.load(r)["data"]["activeTargets"]
    # Every job whose target file exists has targets, and every target is up.
    jobs = {os.path.basename(f)[:-len(".json")] for f in glob.glob(f"{targets}/*.json")}
    sys.exit(0 if jobs and jobs <= {t["labels"]["job"] for t in active} and all(t["health"] == "up" for t in active) else 1)
except Exception:
    sys.exit(1)
PY
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
start=$(now_ms)
(cd "$checkout" && exec dotnet run --project NexusTrade.AppHost -- --NexusTrade:StateDirectory="$state") > "$work/apphost.log" 2>&1 &
apphost_pid=$!
started_ms=""
until ready; do
  if [ -z "$started_ms" ] && grep -q "Distributed application started" "$work/apphost.log"; then started_ms=$(( $(now_ms) - start )); fi
  if ! kill -0 "$apphost_pid" 2>/dev/null; then echo "startup: the AppHost exited; its log:" >&2; cat "$work/apphost.log" >&2; exit 1; fi
  if [ $(( $(now_ms) - start )) -gt 300000 ]; then echo "startup: not ready after 300 s" >&2; tail -n 30 "$work/apphost.log" >&2; exit 1; fi
  sleep 0.5
done
elapsed=$(( $(now_ms) - start ))
seconds() { printf '%d.%01d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
printf 'startup %s: ready after %s s; the AppHost said "started" after %s s (load average %s)\n' \
  "$mode" "$(seconds "$elapsed")" "$(seconds "${started_ms:-0}")" "$(cut -d' ' -f1-3 /proc/loadavg)"
