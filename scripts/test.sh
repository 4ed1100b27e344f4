#!/usr/bin/env bash
# Runs every test — unit, integration against a throwaway PostGIS, and browser tests in headless
# Chromium — and ends with one line: "N passed, N failed, N skipped".
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

ensure_dotnet
ensure_postgis_packages
# Browser tests drive Debian's Chromium; GDAL reads what the API serves; faketime runs the clock tests.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v ogrinfo >/dev/null || missing+=(gdal-bin)
command -v faketime >/dev/null || missing+=(faketime)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
"$REPO_ROOT/scripts/build-web.sh"

TEST_PG=$(make_cluster_dir test)
cleanup() { remove_cluster_dir "$TEST_PG"; }
trap cleanup EXIT

port=$(free_port 55600)
log "starting a throwaway PostGIS on 127.0.0.1:$port"
# Durability is irrelevant for a cluster deleted after the run.
start_cluster "$TEST_PG/pg" "$port" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200
export RESOURCEMAP_TEST_DB="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
export RESOURCEMAP_DATA_DIR="${RESOURCEMAP_DATA_DIR:-$REPO_ROOT/data}"
export RESOURCEMAP_WEB_ROOT="$REPO_ROOT/src/MapWeb"

RESULTS="$REPO_ROOT/artifacts/test-results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
set +e
dotnet test "$REPO_ROOT/ResourceMap.sln" -nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" "$@"
status=$?
set -e

passed=0; failed=0; skipped=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # xunit's skipped tests are counted in total but not in executed (notExecuted stays 0).
  skipped=$((skipped + $(get total) - $(get executed)))
done
# A run that crashed before writing results must not read as green.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
