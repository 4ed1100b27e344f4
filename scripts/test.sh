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

# Clock runs: the tests marked [Trait("Clock","sensitive")] again, with the test process's clock and the
# PostgreSQL server's clock moved by libfaketime to either side of Vietnam's midnight (17:00 UTC) and to 23:59
# UTC, and with both in other time zones. Both get the same offset from the real clock and keep ticking, so
# they agree on "now" as in production. Done on a full run (no arguments) or with RESOURCEMAP_CLOCK_RUNS=1.
FAKETIME_LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
PG_OPTIONS=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200)
clock_run() {
  local name=$1 target=$2 zone=$3 tz_check=${4:-}
  local offset
  offset=$(printf '%+d' $(( $(date -ud "$target" +%s) - $(date +%s) )))
  # The monotonic clock stays real (timers, Stopwatch), and FORCE_MONOTONIC_FIX=0 keeps .NET's timed waits
  # right: with DONT_FAKE_MONOTONIC alone, libfaketime shifts their deadlines and every wait returns at once.
  local fake=(LD_PRELOAD=$FAKETIME_LIB FAKETIME=$offset FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0 TZ=$zone)
  log "clock run $name: $target, TZ=$zone"
  stop_cluster "$TEST_PG/pg"
  PG_PRELOAD_ENV="${fake[*]}" start_cluster "$TEST_PG/pg" "$port" "${PG_OPTIONS[@]}" -c "timezone=$zone"
  env "${fake[@]}" RESOURCEMAP_CLOCK_TARGET="$target" RESOURCEMAP_CLOCK_TZ="$tz_check" RESOURCEMAP_TEST_TEMPLATE=rm_template_clock \
    dotnet test "$REPO_ROOT/ResourceMap.sln" -nologo --no-build --filter "Clock=sensitive" \
      --logger "trx;LogFileName=clock-$name.trx" --logger "console;verbosity=minimal" --results-directory "$RESULTS" \
    || status=1
}
if [ $# -eq 0 ] || [ "${RESOURCEMAP_CLOCK_RUNS:-}" = 1 ]; then
  [ -f "$FAKETIME_LIB" ] || apt_install libfaketime
  clock_run utc-1659 "2026-11-23 16:59:00Z" UTC
  clock_run utc-1701 "2026-11-23 17:01:00Z" UTC
  clock_run utc-2359 "2026-11-23 23:59:00Z" UTC
  clock_run hcm-1659 "2026-11-23 16:59:00Z" Asia/Ho_Chi_Minh Asia/Ho_Chi_Minh
  clock_run la-0730 "2026-11-23 07:30:00Z" America/Los_Angeles America/Los_Angeles
  stop_cluster "$TEST_PG/pg"
fi
set -e

# The failed tests, each with the first lines of its message, here at the end where a CI log's tail shows them
# (perl-base is part of every Debian install).
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  perl -0777 -ne '
    while (/<UnitTestResult\b([^>]*?)outcome="(?:Failed|Error|Timeout|Aborted)"([^>]*)>(.*?)<\/UnitTestResult>/gs) {
      my ($attrs, $body) = ("$1$2", $3);
      my ($name) = $attrs =~ /testName="([^"]*)"/;
      my ($message) = $body =~ /<Message>(.*?)<\/Message>/s;
      my ($stack) = $body =~ /<StackTrace>(.*?)<\/StackTrace>/s;
      for ($name, $message, $stack) { next unless defined; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#xD;//g; s/&#xA;/\n/g; s/&apos;/\x27/g; s/&amp;/&/g; }
      my @lines = grep { /\S/ } split /\n/, ($message // "(no message)");
      my @frames = grep { /ResourceMap\.Tests/ } split /\n/, ($stack // "");
      print "FAILED ", ($ARGV =~ s{.*/}{}r), ": $name\n";
      print "  $_\n" for (@lines[0 .. ($#lines < 11 ? $#lines : 11)]);
      print "  $_\n" for (@frames[0 .. ($#frames < 2 ? $#frames : 2)]);
    }' "$trx"
done

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
