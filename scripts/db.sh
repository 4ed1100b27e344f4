#!/usr/bin/env bash
# The project-local PostGIS cluster under .local/pg (git-ignored).
#   ./scripts/db.sh start | stop | status | psql
# When sourced with "start", exports LOCAL_DB_CONNECTION for the caller.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOCAL_PG="$REPO_ROOT/.local/pg"
LOCAL_DB_NAME=resourcemap

local_db_start() {
  ensure_postgis_packages
  mkdir -p "$LOCAL_PG"
  if [ ! -f "$LOCAL_PG/password" ]; then
    # A generated local password: nothing secret lives in the repository.
    head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$LOCAL_PG/password"
    chmod 600 "$LOCAL_PG/password"
  fi
  local port
  port=$(cluster_port "$LOCAL_PG")
  if [ -z "$port" ]; then
    port=$(cat "$LOCAL_PG/port" 2>/dev/null || free_port "${RESOURCEMAP_DB_PORT:-55432}")
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && port=$(free_port "$port")
    log "starting local PostGIS on 127.0.0.1:$port ($LOCAL_PG)"
    start_cluster "$LOCAL_PG" "$port"
  fi
  echo "$port" > "$LOCAL_PG/port"
  create_database "$LOCAL_PG/run" "$port" "$LOCAL_DB_NAME"
  export LOCAL_DB_CONNECTION="Host=127.0.0.1;Port=$port;Database=$LOCAL_DB_NAME;Username=postgres;Password=$(cat "$LOCAL_PG/password")"
}

case "${1:-status}" in
  start) local_db_start ;;
  stop) stop_cluster "$LOCAL_PG"; log "local PostGIS stopped" ;;
  status)
    if port=$(cluster_port "$LOCAL_PG") && [ -n "$port" ]; then log "running on 127.0.0.1:$port, data in $LOCAL_PG"; else log "not running"; fi ;;
  psql) as_postgres "$PGBIN/psql" -h "$LOCAL_PG/run" -p "$(cluster_port "$LOCAL_PG")" -U postgres -d "$LOCAL_DB_NAME" "${@:2}" ;;
  *) die "usage: $0 start|stop|status|psql" ;;
esac
