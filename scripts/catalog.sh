#!/usr/bin/env bash
# The component catalogue for the scripts, from the AppHost's component files (one typed description each; see
# NexusTrade.AppHost/Infrastructure/ComponentCatalog.cs), so that no script keeps a list of its own:
#   catalog.sh host-packages   "binary package purpose" a line (run, tool or test; package '-' where none exists)
#   catalog.sh offline-images  "name package" of each component with an offline image
# Builds the AppHost first when its sources changed (Release, as the test command does; quiet unless it fails).
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet=$(command -v dotnet) || { echo "catalog: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
# Under sudo (scripts/container-engine.sh start), the build runs as the user who called sudo, who owns the build output.
builder=()
if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then builder=(sudo -u "$SUDO_USER" -H); fi
dll=NexusTrade.AppHost/bin/Release/net10.0/NexusTrade.AppHost.dll
# Built already and no source newer than the build (bootstrap, the offline images and the test command each ask):
# no second build.
if [ -f "$dll" ] && [ -z "$(find NexusTrade.AppHost NexusTrade.Hosting NexusTrade.Kubernetes \( -path '*/bin' -o -path '*/obj' \) -prune \
    -o -type f \( -name '*.cs' -o -name '*.csproj' \) -newer "$dll" -print -quit)" ]; then
  exec "$dotnet" "$dll" catalog "$@"
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "${builder[@]}" env DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 "$dotnet" build NexusTrade.AppHost/NexusTrade.AppHost.csproj --configuration Release \
    -v q -nologo >"$log" 2>&1; then
  cat "$log" >&2
  echo "catalog: building NexusTrade.AppHost failed" >&2
  exit 1
fi
exec "$dotnet" "$dll" catalog "$@"
