#!/bin/sh
# Seed corpora for the format fuzz targets, made with GDAL's ogr2ogr from the GeoJSON test fixtures (the same way
# the format tests make their fixtures). Run from fuzz/: `sh make_corpus.sh`. Needs gdal-bin and python3.
set -eu
src=../tests/fixtures/geojson/valid
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in format_csv format_gpkg format_shapefile format_kml format_gpx format_flatgeobuf format_wkb_wkt; do
    mkdir -p "corpus/$t"
done
for f in all_geometry_types non_ascii_names polygon_with_hole multilinestring z_values null_geometry simplestyle linestring; do
    g="$src/$f.geojson"
    ogr2ogr -f CSV "corpus/format_csv/$f-wkt.csv" "$g" -lco GEOMETRY=AS_WKT 2>/dev/null || true
    ogr2ogr -f CSV "corpus/format_csv/$f-xy.csv" "$g" -lco GEOMETRY=AS_XY 2>/dev/null || true
    ogr2ogr -f GPKG "corpus/format_gpkg/$f.gpkg" "$g" 2>/dev/null || true
    ogr2ogr -f KML "corpus/format_kml/$f.kml" "$g" 2>/dev/null || true
    ogr2ogr -f FlatGeobuf "corpus/format_flatgeobuf/$f.fgb" "$g" 2>/dev/null || true
    ogr2ogr -f FlatGeobuf "corpus/format_flatgeobuf/$f-noindex.fgb" "$g" -lco SPATIAL_INDEX=NO 2>/dev/null || true
    ogr2ogr -f FlatGeobuf "corpus/format_flatgeobuf/$f-utm.fgb" "$g" -t_srs EPSG:32642 2>/dev/null || true
    ogr2ogr -f "ESRI Shapefile" "$work/$f.shp" "$g" 2>/dev/null || true
done
ogr2ogr -f GPX corpus/format_gpx/waypoints.gpx "$src/non_ascii_names.geojson" -nln waypoints
ogr2ogr -f GPX corpus/format_gpx/routes.gpx "$src/linestring.geojson" -nln routes
ogr2ogr -f GPX corpus/format_gpx/tracks.gpx "$src/multilinestring.geojson" -nln tracks -nlt MULTILINESTRING
ogr2ogr -f "ESRI Shapefile" "$work/utm.shp" "$src/non_ascii_names.geojson" -t_srs EPSG:28412
python3 - "$work" <<'PY'
import glob, os, sqlite3, struct, sys, zipfile
work = sys.argv[1]
# Shapefile parts framed as the target reads them: u32 length + .shp, u32 length + .dbf, then the .prj.
for shp in glob.glob(os.path.join(work, "*.shp")):
    stem = shp[:-4]
    parts = [open(shp, "rb").read()]
    parts.append(open(stem + ".dbf", "rb").read() if os.path.exists(stem + ".dbf") else b"")
    prj = open(stem + ".prj", "rb").read() if os.path.exists(stem + ".prj") else b""
    out = b"".join(struct.pack("<I", len(p)) + p for p in parts) + prj
    open(os.path.join("corpus/format_shapefile", os.path.basename(stem) + ".bin"), "wb").write(out)
# KMZ: each KML zipped as doc.kml.
for kml in glob.glob("corpus/format_kml/*.kml"):
    with zipfile.ZipFile(kml[:-4] + ".kmz", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(kml, "doc.kml")
# WKB and GeoPackage blobs from the GeoPackages, WKT from the CSVs.
n = 0
for gpkg in glob.glob("corpus/format_gpkg/*.gpkg"):
    db = sqlite3.connect(gpkg)
    for table, column in db.execute("select table_name, column_name from gpkg_geometry_columns"):
        for (blob,) in db.execute(f'select "{column}" from "{table}" where "{column}" is not null'):
            flags = blob[3]
            envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 7, 0)
            open(f"corpus/format_wkb_wkt/gp{n}.bin", "wb").write(blob)
            open(f"corpus/format_wkb_wkt/wkb{n}.bin", "wb").write(blob[8 + envelope:])
            n += 1
for csv in glob.glob("corpus/format_csv/*-wkt.csv"):
    for i, line in enumerate(open(csv, encoding="utf-8").read().splitlines()[1:]):
        if line.startswith('"'):
            open(f"corpus/format_wkb_wkt/wkt-{os.path.basename(csv)}-{i}.txt", "w").write(line.split('"')[1])
PY
for t in format_csv format_gpkg format_shapefile format_kml format_gpx format_flatgeobuf format_wkb_wkt; do
    echo "$t: $(ls "corpus/$t" | wc -l) seeds"
done
