#!/usr/bin/env bash
# The test command: installs what is missing (scripts/bootstrap.sh --test), builds the solution, runs every test
# (unit, promtool/amtool, dashboards, manifests, and the tests that start the real stack: Category=Stack), prints
# "N passed, N failed", and fails if a test left a stack process running. Extra arguments go to `dotnet test`:
# `scripts/test.sh --filter "Category!=Stack"` runs only the fast tests (no stack, about a minute).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
bash scripts/bootstrap.sh --test || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
# The operator-mode schema check (OperatorSchemaTests) validates with the npm package pinned in its package-lock.json.
schema=NexusTrade.Tests/Kubernetes/schema
if [ ! -d "$schema/node_modules" ]; then
  npm ci --prefix "$schema" --no-audit --no-fund >/dev/null || { echo "test: npm ci --prefix $schema failed" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi

repo=$(pwd -P)
# The binaries a stack runs: those of the component catalogue (host mode, the browser test), DCP and the .NET projects.
stack_binaries=$(bash scripts/catalog.sh host-packages | awk '$3 == "run" || $3 == "test" { printf "%s|", $1 }')
stack_processes() {
  # PIDs of stack processes started from this checkout or a test stack's state directory (never killed here: only
  # reported if a test leaves one behind). Other checkouts' processes, e.g. a benchmark, are not ours.
  ps -eo pid=,args= | awk -v binaries="(${stack_binaries}/dcp\$|NexusTrade\\.[A-Za-z]+)" '$2 ~ binaries {print $1}' |
    while read -r pid; do
      where="$(readlink "/proc/$pid/cwd" 2>/dev/null) $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)"
      case "$where" in *"$repo"*|*nexustrade-tests-*) echo "$pid" ;; esac
    done | sort
}

before=$(stack_processes)
results_dir=$(mktemp -d)
trap 'rm -rf "$results_dir"' EXIT

# Phases, one stack at a time beside the shared host-mode ones: (1) everything but the HA and container-mode stacks,
# (2) Category=HighAvailability, (3) Category=ContainerMode, only with NEXUSTRADE_CONTAINER_TESTS=1 (.ci/run starts
# an engine for it: scripts/container-engine.sh). A --filter given here is combined with the phase's own.
user_filter="" args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) user_filter=$2; shift 2 ;;
    --filter=*) user_filter=${1#--filter=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
phase_filter() { if [ -n "$user_filter" ]; then echo "($user_filter)&($1)"; else echo "$1"; fi; }

status=0
run_tests() { # name filter [--no-build]
  dotnet test NexusTrade.sln --configuration Release --logger "trx;LogFileName=$1.trx" --results-directory "$results_dir" \
    --filter "$(phase_filter "$2")" "${@:3}" "${args[@]+"${args[@]}"}" || status=1
}
run_tests main "Category!=HighAvailability&Category!=ContainerMode"
run_tests high-availability "Category=HighAvailability" --no-build
if [ "${NEXUSTRADE_CONTAINER_TESTS:-}" = 1 ]; then
  ( eval "$(bash scripts/container-engine.sh env)" && run_tests container-mode "Category=ContainerMode" --no-build; exit "$status" ) || status=1
fi

# DCP tears down its helpers (monitor-process, monitor-container) asynchronously: wait up to 30 s for them.
for _ in $(seq 1 30); do
  leftover=$(comm -13 <(echo "$before") <(stack_processes) | tr '\n' ' ')
  [ -z "${leftover// /}" ] && break
  sleep 1
done

read -r passed failed skipped < <(python3 - "$results_dir" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}ResultSummary/{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
print(passed, failed, skipped)
PY
)

if [ -n "${leftover// /}" ]; then
  echo "Tests left stack processes running (PIDs: $leftover):" >&2
  for pid in $leftover; do ps -o pid=,args= -p "$pid" >&2 || true; done
  failed=$((failed + 1))
  status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1  # the run itself failed (build error, crash) without a failed test to show for it
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
