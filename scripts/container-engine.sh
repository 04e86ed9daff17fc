#!/usr/bin/env bash
# The container engine for the container-mode tests (Category=ContainerMode), offline:
#
#   scripts/container-engine.sh start   installs docker.io if missing, starts dockerd if no engine answers, builds the
#                                       offline images (scripts/build-offline-images.sh); prints the DOCKER_HOST line
#   scripts/container-engine.sh env     prints the environment for the engine (eval "$(scripts/container-engine.sh env)"):
#                                       DOCKER_HOST and, when the client has no buildx plugin, a `docker` first on PATH
#                                       that builds with Debian's 20.10 client and BuildKit (Aspire's DCP builds its
#                                       container-tunnel image with `--progress` and `COPY --chmod`: BuildKit only)
#   scripts/container-engine.sh stop    stops the dockerd this script started (by the PID it recorded), nothing else
#
# A dockerd started here listens on its own socket (NEXUSTRADE_DOCKER_SOCKET), not on /var/run/docker.sock: a plain
# `docker info` keeps failing, so NexusTrade:Runtime=auto (host-mode tests, other checkouts on this machine) is not
# switched to container mode by it. Only processes given DOCKER_HOST use it. Needs root to install and start.
set -euo pipefail
cd "$(dirname "$0")/.."

run_dir=${NEXUSTRADE_DOCKER_RUN_DIR:-/run/nexustrade-docker}
socket=${NEXUSTRADE_DOCKER_SOCKET:-$run_dir/docker.sock}
pid_file=$run_dir/dockerd.pid
log_file=${NEXUSTRADE_DOCKER_LOG:-/var/log/nexustrade-dockerd.log}

say() { echo "container-engine: $*" >&2; }

answers() { timeout 10 docker info >/dev/null 2>&1; }

# The engine to use: DOCKER_HOST if it answers, else the default socket if it answers, else ours if it answers.
engine_host() {
  if [ -n "${DOCKER_HOST:-}" ] && answers; then echo "$DOCKER_HOST"; return 0; fi
  if DOCKER_HOST="" answers; then echo ""; return 0; fi
  if [ -S "$socket" ] && DOCKER_HOST="unix://$socket" answers; then echo "unix://$socket"; return 0; fi
  return 1
}

print_env() {
  local host
  if ! host=$(engine_host); then say "no container engine answers: run scripts/container-engine.sh start"; return 1; fi
  if [ -n "$host" ]; then echo "export DOCKER_HOST=$host"; else echo "unset DOCKER_HOST"; fi
  if [ -x /usr/bin/docker ] && ! docker buildx version >/dev/null 2>&1; then
    write_build_shim
    echo "export PATH=$run_dir/bin:\$PATH"
  fi
}

# A `docker` first on PATH that runs `docker build` with Debian's 20.10 client and its daemon's built-in BuildKit,
# and every other command with the client that comes after it on PATH (DCP needs a newer one: `--format json`).
write_build_shim() {
  local client
  client=$(PATH=${PATH//$run_dir\/bin:/} command -v docker)
  mkdir -p "$run_dir/bin"
  # shellcheck disable=SC2016 # $1 and $@ are the shim's own
  printf '%s\n' '#!/bin/sh' \
    "# Written by scripts/container-engine.sh: docker build with BuildKit (Debian's docker.io), the rest with $client." \
    'if [ "$1" = build ]; then DOCKER_BUILDKIT=1 exec /usr/bin/docker "$@"; fi' \
    "exec $client \"\$@\"" > "$run_dir/bin/docker.tmp"
  chmod 755 "$run_dir/bin/docker.tmp"
  mv "$run_dir/bin/docker.tmp" "$run_dir/bin/docker"
}

install_engine() {
  command -v dockerd >/dev/null && [ -x /usr/bin/docker ] && return 0
  say "installing docker.io (Debian's engine: dockerd, containerd, runc and the docker 20.10 client)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null || {
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null
  }
}

start_engine() {
  if host=$(engine_host); then say "an engine answers already (${host:-default socket}): using it"; return 0; fi
  [ "$(id -u)" -eq 0 ] || { say "no engine answers and starting dockerd needs root: sudo $0 start"; return 1; }
  install_engine
  mkdir -p "$run_dir"
  say "starting dockerd on unix://$socket (log: $log_file)"
  # --pidfile and --exec-root of its own: a second daemon beside a system one must not share them.
  nohup dockerd --host "unix://$socket" --pidfile "$run_dir/dockerd.self.pid" --exec-root "$run_dir/exec" \
    >>"$log_file" 2>&1 </dev/null &
  echo $! > "$pid_file"
  for _ in $(seq 1 60); do
    if DOCKER_HOST="unix://$socket" answers; then say "dockerd $(cat "$pid_file") answers"; return 0; fi
    kill -0 "$(cat "$pid_file")" 2>/dev/null || break
    sleep 1
  done
  say "dockerd did not answer within 60 s; last lines of $log_file:"
  tail -n 20 "$log_file" >&2
  return 1
}

stop_engine() {
  if [ ! -f "$pid_file" ]; then say "no dockerd was started by this script ($pid_file is missing): nothing to stop"; return 0; fi
  local pid
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null && grep -q dockerd "/proc/$pid/cmdline" 2>/dev/null; then
    say "stopping dockerd $pid"
    kill -TERM "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && { say "dockerd $pid did not stop within 30 s"; return 1; }
  fi
  rm -f "$pid_file"
}

case "${1:-}" in
  start)
    start_engine
    eval "$(print_env)"
    bash scripts/build-offline-images.sh
    print_env
    ;;
  env) print_env ;;
  stop) stop_engine ;;
  *) echo "usage: $0 start|env|stop" >&2; exit 2 ;;
esac
