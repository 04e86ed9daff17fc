#!/usr/bin/env bash
# The monitoring login for the cluster: writes DIR/password (the file given with --password-file, else a new random
# password) and DIR/web-config.yml (Prometheus's and Alertmanager's web configuration with the password's bcrypt hash,
# written by NexusTrade.Hosting's MonitoringLogin through the AppHost, the code the local stack uses), then prints the
# command that puts both into their Secret. DIR is best a directory of your own outside the repository (mktemp -d):
# delete it once the Secret is filled. Rotating the password is the same command with a new password: Prometheus and Alertmanager re-read
# both files at every request once the kubelet has updated the mount (about a minute); Grafana reads its copy at start
# (kubectl -n monitoring rollout restart deployment/grafana).
set -euo pipefail

usage() { echo "usage: scripts/monitoring-login.sh [--password-file FILE] DIR" >&2; exit 2; }
password_file=""
while [ $# -gt 0 ]; do
  case "$1" in
    --password-file) [ $# -ge 2 ] || usage; password_file=$2; shift 2 ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || usage
# Relative paths are the caller's, not the repository's.
dir=$(realpath -m "$1")
if [ -n "$password_file" ]; then password_file=$(realpath -m "$password_file"); fi
cd "$(dirname "$0")/.."

if [ -n "$password_file" ]; then
  [ -s "$password_file" ] || { echo "monitoring-login: $password_file is empty or missing" >&2; exit 1; }
  # Surrounding whitespace (a trailing newline) is dropped, as Prometheus and the tools drop it from a password_file.
  password=$(cat "$password_file")
else
  password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
fi
create=$(printf '%s' "$password" | bash scripts/catalog.sh monitoring-login "$dir")
echo "monitoring-login: wrote the password and its web configuration into $dir. Fill the Secret (then delete the files):"
echo "  $create | kubectl apply --server-side --field-manager=nexustrade-deploy -f -"
