#!/usr/bin/env bash
# The project-local PostGIS cluster, one per checkout, in /var/lib/resourcemap/<key>/ (key: a hash of the
# checkout's path) so the postgres user can reach it even when the checkout sits in a mode-700 home:
#   /var/lib/resourcemap/            root, 755
#     <key>/                         root, 755: checkout (the path it belongs to), port
#       password                     the invoking user (SUDO_USER under sudo), 600: generated, used by the API
#       pg/                          postgres, 700: data/, run/ (socket), server.log
#   ./scripts/db.sh start | stop | status | psql [args] | where
#   ./scripts/db.sh backup FILE      pg_dump custom format (-Fc) of the local database, or of RESOURCEMAP_DB when set
#   ./scripts/db.sh restore FILE     pg_restore --clean --if-exists in one transaction into the same database
# When sourced with "start", exports LOCAL_DB_CONNECTION for the caller.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE_ROOT="${RESOURCEMAP_STATE_ROOT:-/var/lib/resourcemap}"
LOCAL_STATE="$STATE_ROOT/$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-16)"
LOCAL_PG="$LOCAL_STATE/pg"
LOCAL_DB_NAME=resourcemap
# Where versions before this layout kept the cluster (inside the checkout).
LEGACY_PG="$REPO_ROOT/.local/pg"

local_db_start() {
  ensure_postgis_packages
  local owner="${SUDO_USER:-$(id -un)}"
  as_root install -d -m 755 -o root -g root "$STATE_ROOT" "$LOCAL_STATE"
  [ -f "$LOCAL_STATE/checkout" ] || printf '%s\n' "$REPO_ROOT" | as_root tee "$LOCAL_STATE/checkout" >/dev/null
  if [ -f "$LEGACY_PG/data/PG_VERSION" ] && ! as_postgres test -f "$LOCAL_PG/data/PG_VERSION"; then
    # Adopt the cluster an older version created in .local/pg, with its data and password.
    log "moving the local cluster from $LEGACY_PG to $LOCAL_PG"
    stop_cluster "$LEGACY_PG" || true
    as_root install -d -m 700 -o "$PG_OWNER" "$LOCAL_PG"
    as_root mv "$LEGACY_PG/data" "$LOCAL_PG/data"
    [ -f "$LEGACY_PG/password" ] && as_root install -m 600 -o "$owner" "$LEGACY_PG/password" "$LOCAL_STATE/password"
    as_root rm -rf "$LEGACY_PG"
  fi
  if ! as_root test -s "$LOCAL_STATE/password"; then
    # A generated local password: nothing secret lives in the repository.
    head -c 18 /dev/urandom | base64 | tr -d '/+=\n' | as_root install -m 600 -o "$owner" /dev/stdin "$LOCAL_STATE/password"
  fi
  local password
  password=$(as_root cat "$LOCAL_STATE/password")
  local port
  port=$(cluster_port "$LOCAL_PG")
  if [ -z "$port" ]; then
    port=$(cat "$LOCAL_STATE/port" 2>/dev/null || free_port "${RESOURCEMAP_DB_PORT:-55432}")
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && port=$(free_port "$port")
    log "starting local PostGIS on 127.0.0.1:$port ($LOCAL_PG)"
    # shellcheck disable=SC2046
    PG_PASSWORD_FILE=<(printf '%s' "$password") start_cluster "$LOCAL_PG" "$port" $(pg_memory_options)
  fi
  echo "$port" | as_root tee "$LOCAL_STATE/port" >/dev/null
  create_database "$LOCAL_PG/run" "$port" "$LOCAL_DB_NAME"
  export LOCAL_DB_CONNECTION="Host=127.0.0.1;Port=$port;Database=$LOCAL_DB_NAME;Username=postgres;Password=$password"
}

# Runs a libpq tool ($1: pg_dump or pg_restore) against RESOURCEMAP_DB (Npgsql format, translated to PG*
# variables) when set, else against the local cluster as postgres. Remaining args go to the tool.
run_pg_tool() {
  local tool=$1; shift
  if [ -n "${RESOURCEMAP_DB:-}" ]; then
    local -a vars=()
    local part key value dbname=postgres
    IFS=';' read -ra parts <<< "$RESOURCEMAP_DB"
    for part in "${parts[@]}"; do
      [[ "$part" == *=* ]] || continue
      key=$(echo "${part%%=*}" | tr -d ' ' | tr '[:upper:]' '[:lower:]'); value="${part#*=}"
      case "$key" in
        host|server) vars+=("PGHOST=$value") ;;
        port) vars+=("PGPORT=$value") ;;
        database|db) dbname=$value ;;
        username|userid|user|username) vars+=("PGUSER=$value") ;;
        password|psw|pwd) vars+=("PGPASSWORD=$value") ;;
        sslmode) vars+=("PGSSLMODE=$(echo "$value" | tr '[:upper:]' '[:lower:]')") ;;
      esac
    done
    env "${vars[@]}" "$PGBIN/$tool" -d "$dbname" "$@"
  else
    local_db_start
    as_postgres "$PGBIN/$tool" -h "$LOCAL_PG/run" -p "$(cluster_port "$LOCAL_PG")" -U postgres -d "$LOCAL_DB_NAME" "$@"
  fi
}

backup() {
  local file=${1:?usage: $0 backup FILE}
  # The invoking shell writes the file, so it may live where postgres cannot reach (a 700 home); it holds
  # private contacts and password hashes, so only its owner may read it.
  (umask 077; run_pg_tool pg_dump -Fc --no-owner > "$file.partial") || { rm -f "$file.partial"; die "backup failed"; }
  mv "$file.partial" "$file"
  log "backup written to $file ($(du -h "$file" | cut -f1))"
}

restore() {
  local file=${1:?usage: $0 restore FILE}
  [ -f "$file" ] || die "no such file: $file"
  # One transaction: a failed restore leaves the database as it was.
  run_pg_tool pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error < "$file" \
    || die "restore failed; the database is unchanged"
  log "restored $file"
}

case "${1:-status}" in
  start) local_db_start ;;
  stop)
    stop_cluster "$LOCAL_PG"
    [ -f "$LEGACY_PG/data/PG_VERSION" ] && stop_cluster "$LEGACY_PG"
    log "local PostGIS stopped" ;;
  status)
    if port=$(cluster_port "$LOCAL_PG") && [ -n "$port" ]; then log "running on 127.0.0.1:$port, data in $LOCAL_PG"; else log "not running (data in $LOCAL_PG)"; fi ;;
  where) echo "$LOCAL_STATE" ;;
  psql) as_postgres "$PGBIN/psql" -h "$LOCAL_PG/run" -p "$(cluster_port "$LOCAL_PG")" -U postgres -d "$LOCAL_DB_NAME" "${@:2}" ;;
  backup) backup "${@:2}" ;;
  restore) restore "${@:2}" ;;
  *) die "usage: $0 start|stop|status|where|psql|backup FILE|restore FILE" ;;
esac
