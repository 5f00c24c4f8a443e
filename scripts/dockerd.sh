#!/usr/bin/env bash
# A private Docker engine for the container tests (RECIPES-containers.md §1): no bridge, no iptables, its own
# socket and data root outside the repository, nothing ever pulled.
#   scripts/dockerd.sh start   -> prints the DOCKER_HOST to use
#   scripts/dockerd.sh stop    -> removes test containers and stops the engine (by its PID file)
set -euo pipefail
D=${AGILEBOARD_DOCKER_DIR:-/tmp/agileboard-docker}
SOCK="unix://$D/docker.sock"

start() {
  if DOCKER_HOST=$SOCK docker version >/dev/null 2>&1; then echo "$SOCK"; return; fi
  command -v dockerd >/dev/null 2>&1 || { echo "dockerd is missing: apt-get install -y docker.io" >&2; exit 1; }
  mkdir -p "$D/data" "$D/exec"
  HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY= \
  setsid dockerd \
    --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
    --data-root "$D/data" --exec-root "$D/exec" \
    --pidfile "$D/dockerd.pid" -H "$SOCK" \
    >"$D/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    DOCKER_HOST=$SOCK docker version >/dev/null 2>&1 && { echo "$SOCK"; return; }
    sleep 0.25
  done
  echo "dockerd did not start; see $D/dockerd.log" >&2
  exit 1
}

stop() {
  [ -f "$D/dockerd.pid" ] || return 0
  export DOCKER_HOST=$SOCK
  ids=$(docker ps -aq --filter label=org.testcontainers=true 2>/dev/null || true)
  [ -n "$ids" ] && docker rm -f -v $ids >/dev/null 2>&1 || true
  docker container prune -f >/dev/null 2>&1 || true
  PID=$(cat "$D/dockerd.pid")
  kill -TERM "$PID" 2>/dev/null || true
  while kill -0 "$PID" 2>/dev/null; do sleep 0.25; done
  mountpoint -q "$D/exec/netns/default" && umount "$D/exec/netns/default" || true
  rm -f "$D/dockerd.pid"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
