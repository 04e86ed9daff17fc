#!/usr/bin/env bash
# Installs what host mode needs on Debian/Ubuntu: Redis, Prometheus (+promtool), Alertmanager (+amtool) and the
# node, Redis and blackbox exporters. With --test, also what the tests use: Debian's chromium (the dashboard browser
# test), the shellcheck linter and wrk. Idempotent: installs only what is missing. The .NET 10 SDK must be installed.
# Grafana has no Debian package: install it from grafana.com and put `grafana` on PATH, or run the stack with Docker.
set -euo pipefail

packages=(redis-server prometheus prometheus-alertmanager prometheus-node-exporter prometheus-redis-exporter prometheus-blackbox-exporter)
test_tools=(chromium:chromium shellcheck:shellcheck wrk:wrk)
with_tests=false
case "${1:-}" in --test) with_tests=true ;; --all) ;; "") ;; *) echo "usage: $0 [--test|--all]" >&2; exit 2 ;; esac

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
for binary_package in redis-server:redis-server prometheus:prometheus promtool:prometheus \
                      prometheus-alertmanager:prometheus-alertmanager amtool:prometheus-alertmanager \
                      prometheus-node-exporter:prometheus-node-exporter prometheus-redis-exporter:prometheus-redis-exporter \
                      prometheus-blackbox-exporter:prometheus-blackbox-exporter; do
  command -v "${binary_package%%:*}" >/dev/null 2>&1 || missing+=("${binary_package##*:}")
done

if $with_tests; then
  for binary_package in "${test_tools[@]}"; do
    command -v "${binary_package%%:*}" >/dev/null 2>&1 || missing+=("${binary_package##*:}")
  done
fi

if [ "${#missing[@]}" -gt 0 ] || [ "${1:-}" = "--all" ]; then
  [ "${1:-}" = "--all" ] && missing=("${packages[@]}" chromium shellcheck wrk)
  echo "bootstrap: installing ${missing[*]}"
  $sudo apt-get update -qq
  # The packages' own services are not wanted: the AppHost runs every component itself, on dynamic loopback ports.
  $sudo env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  for service in redis-server prometheus prometheus-alertmanager prometheus-node-exporter prometheus-redis-exporter prometheus-blackbox-exporter; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
      $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true
    fi
  done
fi

for binary in redis-server prometheus promtool prometheus-alertmanager amtool prometheus-node-exporter prometheus-redis-exporter \
              prometheus-blackbox-exporter; do
  command -v "$binary" >/dev/null || { echo "bootstrap: $binary is still missing" >&2; exit 1; }
done
echo "bootstrap: host-mode packages are installed ($(prometheus --version 2>&1 | head -n1 | cut -d' ' -f1-3))."
command -v grafana >/dev/null || echo "bootstrap: no 'grafana' on PATH: the AppHost will skip Grafana in host mode (see README)."
