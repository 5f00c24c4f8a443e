#!/usr/bin/env bash
# `npm run test:integration`: the container topology (integration-tests/). Starts a private Docker engine
# (installing docker.io when missing, as root), builds the base images from this host's binaries and the
# service images from the built workspace, runs the scenarios, and stops the engine it started.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing docker.io from Debian's packages..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  else
    echo "missing: dockerd. Install with: sudo apt-get install -y docker.io (the engine runs as root)" >&2
    exit 1
  fi
fi

SOCK=unix://${AGILEBOARD_DOCKER_DIR:-/tmp/agileboard-docker}/docker.sock
if DOCKER_HOST=$SOCK docker version >/dev/null 2>&1; then
  export DOCKER_HOST=$SOCK   # an engine this script did not start: leave it running
else
  DOCKER_HOST=$(scripts/dockerd.sh start)
  export DOCKER_HOST
  trap 'scripts/dockerd.sh stop' EXIT
fi

# Ryuk would have to be pulled; the host override skips testcontainers' in-container gateway probe.
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1

[ -d services/gateway/dist ] || npm run build
scripts/base-images.sh
node scripts/stage-images.mjs
node integration-tests/dist/build-images.js test
docker image prune -f >/dev/null 2>&1 || true

npx vitest run --config integration-tests/vitest.config.ts "$@"
