#!/usr/bin/env bash
# Builds the stack's container images from Debian packages, without any registry:
#
#   1. a Debian bookworm root filesystem (debootstrap --variant=minbase, from this machine's apt mirror), cached as a
#      tarball outside the clone ($NEXUSTRADE_IMAGE_CACHE, default /var/cache/nexustrade);
#   2. `docker import` of it as nexustrade-offline/bookworm:<debian version>, and on it the base of Aspire's container
#      tunnel (nexustrade-offline/tunnel-base, tagged mcr.microsoft.com/azurelinux/base/core:3.0: DCP builds its proxy
#      image FROM that name and falls back to a local image of it when the pull fails, as it does offline);
#   3. one image per component of the catalogue that has one (scripts/catalog.sh offline-images: its name and Debian
#      package), from scripts/offline-images/<component>.Dockerfile, which installs the package in the upstream
#      image's layout; tagged nexustrade-offline/<component>:<upstream version>.
#
# Idempotent: an existing image is skipped (--force rebuilds the images, not the cached root filesystem). Prints the
# image overrides to use (NexusTrade:Images:<name>=image:tag) last. Needs root (debootstrap) and a Docker engine
# (DOCKER_HOST is honoured; scripts/container-engine.sh start provides one).
set -euo pipefail
cd "$(dirname "$0")/offline-images"

cache=${NEXUSTRADE_IMAGE_CACHE:-/var/cache/nexustrade}
rootfs_tar=$cache/bookworm-minbase.tar
suite=bookworm
prefix=nexustrade-offline
tunnel_base=mcr.microsoft.com/azurelinux/base/core:3.0
force=false
[ "${1:-}" = "--force" ] && force=true

# The components and their packages, from the component catalogue (no list here). The tunnel's base is built on its own below.
images=$(bash ../catalog.sh offline-images)

say() { echo "offline-images: $*" >&2; }
fail() { say "$*"; exit 1; }

if ! timeout 20 docker info >/dev/null 2>&1; then
  fail "no Docker engine answers${DOCKER_HOST:+ at DOCKER_HOST=$DOCKER_HOST}: start one (sudo scripts/container-engine.sh start installs docker.io and starts dockerd) and run this again."
fi

# The mirror this machine's apt uses for the suite (deb822 .sources or a one-line sources.list entry).
mirror() {
  local file url
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    url=$(awk -v suite="$suite" '
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { if (uri != "" && ok) exit; uri = ""; ok = 0; next }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
      END { if (uri != "" && ok) print uri }' "$file")
    [ -n "$url" ] && { echo "$url"; return 0; }
  done
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk -v suite="$suite" '$1 == "deb" && $3 == suite && !found { print $2; found = 1 }'
}

build_rootfs() {
  [ -s "$rootfs_tar" ] && { say "root filesystem cached: $rootfs_tar"; return 0; }
  [ "$(id -u)" -eq 0 ] || fail "building the root filesystem needs root (debootstrap): sudo $0"
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
  local url dir
  url=$(mirror)
  [ -n "$url" ] || fail "no apt source for $suite in /etc/apt/sources.list{,.d/}: cannot pick a mirror for debootstrap"
  mkdir -p "$cache"
  dir=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$dir"' EXIT
  say "debootstrap --variant=minbase $suite (about a minute with a nearby mirror)"
  debootstrap --variant=minbase "$suite" "$dir" "$url" >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 20 "$cache/debootstrap.log" >&2; fail "debootstrap failed (log: $cache/debootstrap.log)"; }

  # Package scripts must not start services; no docs, man pages or translations; no recommended packages.
  printf '#!/bin/sh\nexit 101\n' > "$dir/usr/sbin/policy-rc.d"
  chmod 755 "$dir/usr/sbin/policy-rc.d"
  cat > "$dir/etc/dpkg/dpkg.cfg.d/nexustrade-slim" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
EOF
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$dir/etc/apt/apt.conf.d/90nexustrade"
  # This machine's mirrors for the suite and its updates and security suites, so the images get the package versions
  # apt shows here; any other suite the host lists (backports of a newer release, say) is left out (apt-sources.sh).
  local source filtered
  for source in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$source" ] || continue
    filtered=$(bash ./apt-sources.sh "$suite" "$source")
    [ -n "$filtered" ] || continue
    rm -f "$dir/etc/apt/sources.list"
    printf '%s\n' "$filtered" > "$dir/etc/apt/sources.list.d/host-$(basename "$source")"
  done
  chroot "$dir" apt-get clean
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/log/*.log "$dir"/usr/share/doc/*/changelog*
  tar --numeric-owner -C "$dir" -cf "$rootfs_tar.tmp" .
  mv "$rootfs_tar.tmp" "$rootfs_tar"
  rm -rf "$dir"
  trap - EXIT
  say "root filesystem: $rootfs_tar ($(du -h "$rootfs_tar" | cut -f1))"
}

exists() { docker image inspect "$1" >/dev/null 2>&1; }

build_base() {
  local version
  version=$(tar -xOf "$rootfs_tar" ./etc/debian_version)
  base=$prefix/bookworm:$version
  if ! exists "$base"; then
    say "importing $base"
    docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' "$rootfs_tar" "$base" >/dev/null
  fi
}

# Aspire's container tunnel builds its proxy image FROM $tunnel_base; offline its pull fails and DCP uses this one.
build_tunnel_base() {
  local image=$prefix/tunnel-base:$base_version
  if ! exists "$image" || $force; then
    say "building $image (the container tunnel's base: bookworm with OpenSSL for dcptun_c)"
    build "$image" tunnel-base.Dockerfile
  fi
  docker tag "$image" "$tunnel_base"
}

# Host network for RUN steps: apt resolves and reaches the mirror exactly as this machine does.
build() {
  local image=$1 dockerfile=$2
  shift 2
  DOCKER_BUILDKIT=0 docker build --quiet --network host --build-arg "BASE=$base" "$@" -t "$image" -f "$dockerfile" . >/dev/null
}

# The candidate version apt would install, as the full Debian version and as the upstream part (the image tag).
debian_version() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }'; }
upstream_version() { local v=${1#*:}; v=${v%%+*}; echo "${v%%-*}"; }

build_rootfs
build_base
base_version=${base#*:}
build_tunnel_base
overrides=()
while read -r name package; do
  recipe=$name.Dockerfile
  [ -f "$recipe" ] || fail "the catalogue's $name has no recipe scripts/offline-images/$recipe"
  full=$(debian_version "$package")
  if [ -z "$full" ] || [ "$full" = "(none)" ]; then fail "apt knows no candidate for $package: run apt-get update"; fi
  image=$prefix/$name:$(upstream_version "$full")
  if exists "$image" && ! $force; then
    say "$image exists: skipped"
  else
    say "building $image from $package $full"
    build "$image" "$recipe" --build-arg "PACKAGE=$package" --build-arg "VERSION=$full" \
      --label "org.opencontainers.image.version=$full" --label "org.opencontainers.image.source=debian:$package"
  fi
  overrides+=("NexusTrade:Images:$name=$image")
done <<< "$images"

docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' "$prefix/*" >&2
printf '%s\n' "${overrides[@]}"
