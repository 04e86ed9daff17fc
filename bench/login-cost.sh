#!/usr/bin/env bash
# What the monitoring login costs (issue 25): Debian's Prometheus and Alertmanager, each started three times on
# loopback: without a web configuration, with the repository's at bcrypt's default cost 10, and with the repository's
# as shipped (MonitoringLogin.BcryptCost; both written by scripts/catalog.sh monitoring-login), measured with wrk in
# rounds that rotate the order:
#   query   Prometheus GET /api/v1/query?query=up            (Grafana's and people's reads)
#   scrape  Prometheus GET /metrics                          (what Prometheus pays to scrape itself and its twin)
#   alerts  Alertmanager GET /api/v2/alerts                  (Grafana's Alertmanager datasource, people)
#   wrong   Prometheus GET /api/v1/query, each request with another wrong password: every one pays bcrypt (the
#           servers cache the outcome per user, hash and password, so one password repeated would not), and the
#           logged-in query while such a flood runs; with the CPU the server spends on the flood
# Prints one line per round and a summary of medians: req/s and p99 of each, and as a share of without the login.
#
#   bench/login-cost.sh [ROUNDS]     (3; WRK_DURATION=10s, WRK_CONNECTIONS=8): about 2 minutes a round
# Stops exactly the processes it started (by PID) on exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-3}
duration=${WRK_DURATION:-10s}
connections=${WRK_CONNECTIONS:-8}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$work/input"
bash "$root/scripts/catalog.sh" monitoring-login "$work/cost10" --cost 10 <"$work/input" >/dev/null
bash "$root/scripts/catalog.sh" monitoring-login "$work/shipped" <"$work/input" >/dev/null
# shellcheck disable=SC2016 # a literal $ in the pattern
shipped_cost=$(sed -n 's/^  monitoring: \$2[aby]\$\([0-9]*\)\$.*/\1/p' "$work/shipped/web-config.yml")
password=$(cat "$work/shipped/password")
login="Authorization: Basic $(printf 'monitoring:%s' "$password" | base64 -w0)"
# wrk script: a new wrong password on every request (base64 by hand: wrk's Lua has none).
cat >"$work/wrong.lua" <<'LUA'
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(s)
  return ((s:gsub(".", function(c)
    local bits, byte = "", c:byte()
    for i = 8, 1, -1 do bits = bits .. (byte % 2 ^ i - byte % 2 ^ (i - 1) > 0 and "1" or "0") end
    return bits
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(bits)
    if #bits < 6 then return "" end
    local n = 0
    for i = 1, 6 do n = n + (bits:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return alphabet:sub(n + 1, n + 1)
  end) .. ({ "", "==", "=" })[#s % 3 + 1])
end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", nil, { ["Authorization"] = "Basic " .. base64("monitoring:wrong-" .. counter .. "-" .. math.random(1000000000)) })
end
LUA

start_prometheus() { # name port [web-config]
  mkdir -p "$work/$1"
  printf 'global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: self\n    static_configs: [{targets: ["127.0.0.1:%s"]}]\n' "$2" >"$work/$1/prometheus.yml"
  if [ -n "${3:-}" ]; then printf '    basic_auth: {username: monitoring, password_file: %s}\n' "$work/shipped/password" >>"$work/$1/prometheus.yml"; fi
  prometheus --config.file="$work/$1/prometheus.yml" --storage.tsdb.path="$work/$1/data" --web.listen-address="127.0.0.1:$2" \
    ${3:+--web.config.file=$3} >"$work/$1.log" 2>&1 &
  pids+=("$!")
}
start_alertmanager() { # name port [web-config]
  mkdir -p "$work/$1"
  printf 'route: {receiver: none}\nreceivers: [{name: none}]\n' >"$work/$1/alertmanager.yml"
  prometheus-alertmanager --config.file="$work/$1/alertmanager.yml" --storage.path="$work/$1/data" --cluster.listen-address= \
    --web.listen-address="127.0.0.1:$2" ${3:+--web.config.file=$3} >"$work/$1.log" 2>&1 &
  pids+=("$!")
}
wait_ready() { # port [header]
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null ${2:+-H "$2"} "http://127.0.0.1:$1/-/ready" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "login-cost: 127.0.0.1:$1 never became ready" >&2; exit 1
}

# Variants: open (no web configuration), cost10, shipped. Ports by variant.
declare -A prom alert prom_pid
for variant in open cost10 shipped; do
  prom[$variant]=$(free_port); alert[$variant]=$(free_port)
  config=""; [ "$variant" = open ] || config="$work/$variant/web-config.yml"
  start_prometheus "prometheus-$variant" "${prom[$variant]}" "$config"
  prom_pid[$variant]=${pids[-1]}
  start_alertmanager "alertmanager-$variant" "${alert[$variant]}" "$config"
done
for variant in open cost10 shipped; do
  header=""; [ "$variant" = open ] || header=$login
  wait_ready "${prom[$variant]}" "$header"; wait_ready "${alert[$variant]}" "$header"
done
# The login servers refuse what the open one serves: the comparison is of a login that works.
for variant in cost10 shipped; do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${prom[$variant]}/api/v1/query?query=up")" = 401 ] || { echo "login-cost: no 401 without the login" >&2; exit 1; }
done
sleep 6 # one scrape each, so that up has a sample

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

wrk_run() { # url [header|script.lua] -> "req/s p99_ms"
  local extra=()
  case "${2:-}" in "") ;; *.lua) extra=(-s "$2") ;; *) extra=(-H "$2") ;; esac
  wrk -t1 -c"$connections" -d"$duration" --latency "${extra[@]}" "$1" | awk '
    /Requests\/sec/ {rps = $2}
    /^ +99%/ {v = $2; if (v ~ /us$/) {sub(/us/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms/, "", v)} else if (v ~ /s$/) {sub(/s/, "", v); v *= 1000}; p99 = v}
    END {printf "%.0f %.2f\n", rps, p99}'
}

echo "login-cost: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) before; wrk -t1 -c$connections -d$duration, $rounds rounds; shipped bcrypt cost $shipped_cost"
results=$work/results
: >"$results"
orders=("open cost10 shipped" "shipped open cost10" "cost10 shipped open")
for round in $(seq 1 "$rounds"); do
  for case in query scrape alerts; do
    for variant in ${orders[$(( (round - 1) % 3 ))]}; do
      header=""; [ "$variant" = open ] || header=$login
      case $case in
        query) url="http://127.0.0.1:${prom[$variant]}/api/v1/query?query=up" ;;
        scrape) url="http://127.0.0.1:${prom[$variant]}/metrics" ;;
        alerts) url="http://127.0.0.1:${alert[$variant]}/api/v2/alerts" ;;
      esac
      echo "$case $variant $round $(wrk_run "$url" "$header")" | tee -a "$results"
    done
  done
  for variant in cost10 shipped; do
    url="http://127.0.0.1:${prom[$variant]}/api/v1/query?query=up"
    # With the CPU the server spent meanwhile (utime + stime of its process, in cores over the run).
    before=$(cpu_ticks "${prom_pid[$variant]}"); started=$(date +%s%N)
    wrong_run=$(wrk_run "$url" "$work/wrong.lua")
    cores=$(awk -v t=$(( $(cpu_ticks "${prom_pid[$variant]}") - before )) -v hz="$(getconf CLK_TCK)" -v ns=$(( $(date +%s%N) - started )) 'BEGIN {printf "%.2f", t / hz / (ns / 1e9)}')
    echo "wrong $variant $round $wrong_run $cores" | tee -a "$results"
    # The logged-in query while such a flood runs beside it (the same server, the same seconds).
    wrk -t1 -c"$connections" -d"$duration" -s "$work/wrong.lua" "$url" >/dev/null &
    flood=$!
    flooded=$(wrk_run "$url" "$login")
    wait "$flood" || true
    echo "flooded $variant $round $flooded" | tee -a "$results"
  done
done
echo "login-cost: load $(cut -d' ' -f1-3 /proc/loadavg) after"
python3 - "$results" "$shipped_cost" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def med(case, variant, column):
    return statistics.median(float(r[column]) for r in rows if r[0] == case and r[1] == variant)
print("summary: medians; req/s and p99 ms; x = share of the open server's")
for case in ("query", "scrape", "alerts"):
    open_rps, open_p99 = med(case, "open", 3), med(case, "open", 4)
    line = f"summary {case:7s} open {open_rps:7.0f} req/s p99 {open_p99:6.2f}"
    for variant in ("cost10", "shipped"):
        rps, p99 = med(case, variant, 3), med(case, variant, 4)
        line += f" | {variant} {rps:7.0f} (x{rps / open_rps:.3f}) p99 {p99:6.2f} (x{p99 / open_p99:.2f})"
    print(line)
line = "summary wrong   a new wrong password each:"
for variant in ("cost10", "shipped"):
    rps, cores = med("wrong", variant, 3), med("wrong", variant, 5)
    line += f" | {variant} {rps:7.0f} req/s p99 {med('wrong', variant, 4):8.2f}, server {cores:.2f} cores = {cores / rps * 1000:.2f} ms CPU per attempt"
print(line)
line = "summary flooded logged-in query during that flood:"
for variant in ("cost10", "shipped"):
    line += f" | {variant} {med('flooded', variant, 3):7.0f} req/s p99 {med('flooded', variant, 4):8.2f}"
print(line)
PY
