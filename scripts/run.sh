#!/usr/bin/env bash
# Runs ResourceMap: database (local PostGIS unless RESOURCEMAP_DB is set), migrations, seed data,
# API and web map on http://${HOST:-127.0.0.1}:${PORT:-5080}. Safe to re-run.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

PORT="${PORT:-5080}"
HOST="${HOST:-127.0.0.1}"
ensure_dotnet

if [ -z "${RESOURCEMAP_DB:-}" ]; then
  source "$REPO_ROOT/scripts/db.sh" start
  export RESOURCEMAP_DB="$LOCAL_DB_CONNECTION"
else
  log "using the database in RESOURCEMAP_DB"
fi

"$REPO_ROOT/scripts/build-web.sh"

log "building the API"
dotnet build "$REPO_ROOT/src/MapApi/MapApi.csproj" -c Release -nologo -v quiet -o "$REPO_ROOT/.local/build/MapApi" >/dev/null \
  || { dotnet build "$REPO_ROOT/src/MapApi/MapApi.csproj" -c Release -nologo -v quiet -o "$REPO_ROOT/.local/build/MapApi"; die "build failed"; }

export RESOURCEMAP_DATA_DIR="${RESOURCEMAP_DATA_DIR:-$REPO_ROOT/data}"
export RESOURCEMAP_WEB_ROOT="${RESOURCEMAP_WEB_ROOT:-$REPO_ROOT/src/MapWeb}"
API="$REPO_ROOT/.local/build/MapApi/MapApi.dll"

# Migrate and seed (only an empty database is seeded) before serving, so failures show here.
dotnet "$API" seed
if [ -x "$REPO_ROOT/scripts/dev-accounts.sh" ]; then "$REPO_ROOT/scripts/dev-accounts.sh" "$API"; fi

log "serving the API and the map on http://$HOST:$PORT  (Swagger UI: /swagger; stop: Ctrl+C, then ./scripts/db.sh stop)"
exec dotnet "$API" --urls "http://$HOST:$PORT"
