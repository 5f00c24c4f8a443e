#!/usr/bin/env bash
# Base images built FROM scratch out of this host's own binaries (RECIPES-containers.md §2), because no image
# can be pulled here: local/nats:<version> (nats-server) and local/node-base:20 (node, its libraries, CA
# certificates, a non-root user 1000). Each is built only when missing. Needs DOCKER_HOST.
set -euo pipefail
W=${AGILEBOARD_IMAGE_WORK:-/tmp/agileboard-images}

copy_with_libs() { # copy_with_libs BINARY ROOTFS
  install -D -m 0755 "$(readlink -f "$1")" "$2$1"
  for lib in $(ldd "$1" | awk '$2=="=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
    mkdir -p "$2$(dirname "$lib")"
    cp -L "$lib" "$2$lib"
  done
}

NATS_VERSION=$(nats-server --version | sed -E 's/.*v([0-9.]+).*/\1/')
if ! docker image inspect "local/nats:$NATS_VERSION" >/dev/null 2>&1; then
  rm -rf "$W/nats" && mkdir -p "$W/nats/rootfs/tmp" && chmod 1777 "$W/nats/rootfs/tmp"
  copy_with_libs "$(command -v nats-server)" "$W/nats/rootfs"
  NATS_BIN=$(command -v nats-server)
  printf '%s\n' 'FROM scratch' 'COPY rootfs/ /' "ENTRYPOINT [\"$NATS_BIN\"]" 'CMD ["-a", "127.0.0.1", "-p", "4222"]' >"$W/nats/Dockerfile"
  docker build -q -t "local/nats:$NATS_VERSION" "$W/nats" >/dev/null
fi
docker tag "local/nats:$NATS_VERSION" local/nats:current

if ! docker image inspect local/node-base:20 >/dev/null 2>&1; then
  rm -rf "$W/node-base" && mkdir -p "$W/node-base/rootfs/tmp" "$W/node-base/rootfs/etc/ssl/certs"
  chmod 1777 "$W/node-base/rootfs/tmp"
  copy_with_libs /usr/bin/node "$W/node-base/rootfs"
  cp -L /etc/ssl/certs/ca-certificates.crt "$W/node-base/rootfs/etc/ssl/certs/"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000:node:/home/node:/usr/sbin/nologin\n' >"$W/node-base/rootfs/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\n' >"$W/node-base/rootfs/etc/group"
  printf '%s\n' 'FROM scratch' 'COPY rootfs/ /' \
    'ENV PATH=/usr/bin NODE_ENV=production NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    'ENTRYPOINT ["/usr/bin/node"]' >"$W/node-base/Dockerfile"
  docker build -q -t local/node-base:20 "$W/node-base" >/dev/null
fi
echo "base images: local/nats:$NATS_VERSION (local/nats:current), local/node-base:20"
