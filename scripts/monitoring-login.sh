#!/usr/bin/env bash
# The monitoring login for the cluster: writes DIR/password (the file given with --password-file, else a new random
# password) and DIR/web-config.yml (Prometheus's and Alertmanager's web configuration with the password's bcrypt hash,
# written by the AppHost's MonitoringLogin, the code the local stack uses), then prints the command that puts both into
# their Secret. Rotating the password is the same command with a new password: Prometheus and Alertmanager re-read
# both files at every request once the kubelet has updated the mount (about a minute); Grafana reads its copy at start
# (kubectl -n monitoring rollout restart deployment/grafana).
set -euo pipefail
cd "$(dirname "$0")/.."

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

if [ -n "$password_file" ]; then
  [ -s "$password_file" ] || { echo "monitoring-login: $password_file is empty or missing" >&2; exit 1; }
  # As given, without a trailing newline: Prometheus drops one from a password_file, bcrypt would not.
  password=$(cat "$password_file")
else
  password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
fi
create=$(printf '%s' "$password" | bash scripts/catalog.sh monitoring-login "$1")
echo "monitoring-login: wrote the password and its web configuration into $1. Fill the Secret (and delete the files):"
echo "  $create | kubectl apply --server-side --field-manager=nexustrade-deploy -f -"
