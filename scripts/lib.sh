# Shared shell helpers for run.sh, test.sh and db.sh. Source it; do not run it.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGBIN="/usr/lib/postgresql/15/bin"

log() { printf '\033[1;34m[resourcemap]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[resourcemap] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root (or sudo) for: $*"; fi; }

apt_install() {
  log "installing Debian packages: $*"
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_postgis_packages() {
  if [ ! -x "$PGBIN/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
    apt_install postgresql-15 postgresql-15-postgis-3 postgresql-contrib
  fi
}

ensure_dotnet() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is required (https://dot.net); it was not found on PATH"
}

ensure_node() {
  command -v npm >/dev/null || apt_install nodejs npm
}

# A free loopback TCP port, starting from $1.
free_port() {
  local port=$1
  while (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# PostgreSQL refuses to run as root, and the postgres user cannot enter a mode-700 home: every cluster
# runs as postgres (runuser as root, sudo otherwise) in a directory postgres owns, outside the checkout.
# Without root or sudo, a cluster runs as the invoking user (throwaway clusters of test.sh and bench.sh only).
if [ "$(id -u)" = 0 ]; then PG_RUN=(runuser -u postgres --); PG_OWNER=postgres
elif command -v sudo >/dev/null; then PG_RUN=(sudo -u postgres --); PG_OWNER=postgres
else PG_RUN=(); PG_OWNER="$(id -un)"; fi

# Runs a command as the user owning the clusters (from /, which postgres can enter; every path is absolute).
as_postgres() { (cd / && "${PG_RUN[@]}" "$@"); }
# Runs a command with the rights needed to create or delete cluster directories.
as_pg_admin() { if [ ${#PG_RUN[@]} -eq 0 ]; then "$@"; else as_root "$@"; fi; }

# A throwaway folder under /tmp (which postgres can reach), mode 755, owned by the caller; start its cluster
# in <folder>/pg. remove_cluster_dir stops that cluster and deletes the folder.
make_cluster_dir() {
  local dir
  dir=$(mktemp -d "/tmp/resourcemap-$1.XXXXXX")
  chmod 755 "$dir"
  echo "$dir"
}
remove_cluster_dir() { stop_cluster "$1/pg" || true; as_pg_admin rm -rf "$1"; }

# Creates (if needed) and starts a cluster in $1 (data/, run/ socket, server.log) on port $2. With a
# password file in $PG_PASSWORD_FILE when the cluster is created, TCP logins need that password (scram);
# otherwise loopback TCP is trusted (throwaway test clusters only). Extra args are server options.
# $PG_PRELOAD_ENV (optional, e.g. "LD_PRELOAD=… FAKETIME=…") is put in the server's environment.
start_cluster() {
  local dir=$1 port=$2; shift 2
  as_pg_admin install -d -m 700 -o "$PG_OWNER" "$dir"
  as_postgres mkdir -p "$dir/run"
  if ! as_postgres test -f "$dir/data/PG_VERSION"; then
    local auth=(--auth-host=trust)
    if [ -n "${PG_PASSWORD_FILE:-}" ]; then
      # A copy postgres can read, inside its own 700 folder, for initdb only: the caller's file may sit where
      # postgres cannot reach or read.
      as_postgres sh -c 'umask 077; cat > "$1"' _ "$dir/initdb-password" < "$PG_PASSWORD_FILE"
      auth=(--auth-host=scram-sha-256 "--pwfile=$dir/initdb-password")
    fi
    as_postgres "$PGBIN/initdb" -D "$dir/data" -U postgres --auth-local=trust "${auth[@]}" \
      -E UTF8 --locale=C.UTF-8 >/dev/null
    as_postgres rm -f "$dir/initdb-password"
  fi
  if ! as_postgres "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    as_postgres env ${PG_PRELOAD_ENV:-} "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir/run -c listen_addresses=127.0.0.1 $*" start >/dev/null \
      || { as_postgres tail -20 "$dir/server.log" >&2; die "PostgreSQL did not start (log above)"; }
  fi
}

stop_cluster() {
  local dir=$1
  if as_postgres test -f "$dir/data/PG_VERSION" && as_postgres "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
}

# Memory options for a cluster that serves the application: a quarter of the machine's memory for shared_buffers
# (PostgreSQL's own starting advice; at most 8 GB, at least 128 MB) and effective_cache_size at three quarters. With
# PostgreSQL's 128 MB a national table (2 GB of teams) is read from the OS cache page by page: a page of 1,001
# features then spends 4 µs per row fetching it. RESOURCEMAP_DB_SHARED_BUFFERS (e.g. 2GB) overrides the first.
pg_memory_options() {
  local mb shared
  mb=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))
  shared=$(( mb / 4 ))
  (( shared > 8192 )) && shared=8192
  (( shared < 128 )) && shared=128
  echo "-c shared_buffers=${RESOURCEMAP_DB_SHARED_BUFFERS:-${shared}MB} -c effective_cache_size=$(( mb * 3 / 4 ))MB"
}

# Port a running cluster in $1 listens on (from postmaster.pid line 4).
cluster_port() { as_postgres sed -n 4p "$1/data/postmaster.pid" 2>/dev/null || true; }

# Creates database $3 with the extensions the schema needs, on cluster socket dir $1, port $2.
create_database() {
  local sock=$1 port=$2 db=$3
  if ! as_postgres "$PGBIN/psql" -h "$sock" -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    as_postgres "$PGBIN/createdb" -h "$sock" -p "$port" -U postgres -E UTF8 -T template0 "$db"
  fi
  as_postgres "$PGBIN/psql" -h "$sock" -p "$port" -U postgres -d "$db" -q -v ON_ERROR_STOP=1 \
    -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm;"
}
