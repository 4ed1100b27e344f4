#!/usr/bin/env bash
# Read-path benchmark in one command: starts a throwaway PostGIS (like test.sh), generates a national
# data set (default 100,000 teams; BENCH_TEAMS=… or --teams=…), then measures in one run the HTTP API,
# the same SQL straight to PostGIS and a naive variant; prints p50/p95/throughput and the ratios.
# --suite matching|layers|planning|search|load|browser|all, or several: layers,planning (default all): matching (GET /api/matches), the layer endpoints
# (features by bbox and q=, clusters z6/z9, MVT tiles z8/z12), the planning endpoints (over the seeded admin units
# and 13,222 generated villages), search (/api/search) and/or the anonymous cost caps under load (light reads alone and beside 20 clients
# of heavy reads) and/or the web map in headless Chromium (first render, panning at z6–z9). Other knobs: BENCH_NEEDS, BENCH_REQUESTS,
# BENCH_NAIVE_REQUESTS, BENCH_CONCURRENCY, BENCH_LAYER_REQUESTS, BENCH_LAYER_SECONDS (or --needs=… etc.).
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

ensure_dotnet
ensure_postgis_packages
# --suite browser drives Debian's Chromium over the web map the API serves.
[ -x /usr/bin/chromium ] || apt_install chromium chromium-driver
"$REPO_ROOT/scripts/build-web.sh"
export RESOURCEMAP_WEB_ROOT="$REPO_ROOT/src/MapWeb"

# BENCH_DIR=<folder> (one a kept run printed) measures that run's cluster again; with BENCH_REUSE=1 its generated data
# are kept when they are the data set asked for (same --teams), so a national run need not generate for 20 minutes.
BENCH_PG=${BENCH_DIR:-$(make_cluster_dir bench)}
# The API the bench starts is a grandchild; a crashed run must not leave it running (holding its port and open files).
# BENCH_KEEP=1 leaves the database running afterwards for EXPLAIN (its connection string is printed; stop it with
# pg_ctl as the postgres user, or remove the directory). A folder given in BENCH_DIR is never removed.
cleanup() {
  pkill -f "$BENCH_PG/api/MapApi.dll" 2>/dev/null || true
  if [ "${BENCH_KEEP:-}" = 1 ]; then log "kept: psql \"host=127.0.0.1 port=$port user=postgres dbname=bench\" (data in $BENCH_PG)"; return; fi
  if [ -n "${BENCH_DIR:-}" ]; then stop_cluster "$BENCH_PG/pg" || true; return; fi
  remove_cluster_dir "$BENCH_PG"
}
trap cleanup EXIT

port=$(cluster_port "$BENCH_PG/pg")
[ -n "$port" ] || port=$(free_port 55800)
log "starting a throwaway PostGIS on 127.0.0.1:$port"
# Memory as scripts/db.sh gives a deployment on this machine (pg_memory_options); durability off, as nothing here is kept.
# shellcheck disable=SC2046
start_cluster "$BENCH_PG/pg" "$port" -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
  -c max_connections=100 $(pg_memory_options) -c maintenance_work_mem=256MB
create_database "$BENCH_PG/pg/run" "$port" bench

log "building MapApi and MatchingBench (Release)"
dotnet build "$REPO_ROOT/src/MapApi/MapApi.csproj" -c Release -nologo -v quiet -o "$BENCH_PG/api" >/dev/null
dotnet build "$REPO_ROOT/bench/MatchingBench/MatchingBench.csproj" -c Release -nologo -v quiet -o "$BENCH_PG/bench" >/dev/null

export BENCH_DB="Host=127.0.0.1;Port=$port;Username=postgres;Database=bench"
export BENCH_API_DLL="$BENCH_PG/api/MapApi.dll"
export BENCH_DATA_DIR="${BENCH_DATA_DIR:-$REPO_ROOT/data}"
dotnet "$BENCH_PG/bench/MatchingBench.dll" "$@"
