#!/usr/bin/env bash
# Installs the web map's pinned npm packages (package-lock.json) when they are missing or stale.
source "$(dirname "$0")/lib.sh"
WEB="$REPO_ROOT/src/MapWeb"
[ -f "$WEB/package.json" ] || exit 0
if [ ! -f "$WEB/node_modules/.package-lock.json" ] || [ "$WEB/package-lock.json" -nt "$WEB/node_modules/.package-lock.json" ]; then
  ensure_node
  log "installing the web map's npm packages"
  (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
