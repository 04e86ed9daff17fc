#!/usr/bin/env bash
# Installs what host mode needs on Debian/Ubuntu: the Debian package of each component that has one (Redis,
# Prometheus with promtool, Alertmanager with amtool, the exporters). With --test, also what the tests use (Debian's
# chromium, shellcheck, wrk). --all installs every package of the list, present or not. Idempotent: installs only what
# is missing. The list is the component catalogue (scripts/catalog.sh host-packages), which the AppHost checks too.
# The .NET 10 SDK must be installed; run this as the user who builds (apt-get runs through sudo). Grafana has no
# Debian package: install it from grafana.com and put `grafana` on PATH, or run the stack with Docker.
set -euo pipefail

list=$(bash "$(dirname "$0")/catalog.sh" host-packages)
mode="${1:-}"
case "$mode" in --test|--all|"") ;; *) echo "usage: $0 [--test|--all]" >&2; exit 2 ;; esac

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

# run_packages: the packages whose services are disabled; checked: the binaries that must be on PATH at the end;
# unpackaged: binaries host mode runs only where someone installed them (no Debian package: Grafana).
run_packages=() checked=() missing=() unpackaged=()
declare -A listed=()
want() { [ -n "${listed[$1]:-}" ] || { listed[$1]=1; missing+=("$1"); }; }
while read -r binary package purpose _; do
  if [ "$package" = "-" ]; then unpackaged+=("$binary"); continue; fi
  case "$purpose" in
    run) [ -n "${listed[run:$package]:-}" ] || { listed[run:$package]=1; run_packages+=("$package"); } ;;
    test) [ "$mode" = "" ] && continue ;;
  esac
  checked+=("$binary")
  if [ "$mode" = "--all" ] || ! command -v "$binary" >/dev/null 2>&1; then want "$package"; fi
done <<< "$list"

if [ "${#missing[@]}" -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  $sudo apt-get update -qq
  # The packages' own services are not wanted: the AppHost runs every component itself, on dynamic loopback ports.
  $sudo env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  for service in "${run_packages[@]}"; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
      $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true
    fi
  done
fi

for binary in "${checked[@]}"; do
  command -v "$binary" >/dev/null || { echo "bootstrap: $binary is still missing" >&2; exit 1; }
done
echo "bootstrap: host-mode packages are installed (${run_packages[*]})."
for binary in "${unpackaged[@]}"; do
  command -v "$binary" >/dev/null || echo "bootstrap: no '$binary' on PATH (it has no Debian package): the AppHost skips it in host mode (see README)."
done
