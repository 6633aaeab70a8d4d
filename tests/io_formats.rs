//! Reading the formats planners have (CSV, GeoPackage, KML/KMZ, GPX, Shapefile), each from a fixture made in the
//! test with GDAL's ogr2ogr from the GeoJSON fixtures, compared with what GDAL itself reads from it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gdal;

use borderplan::io::formats::{ImportOptions, import_any};
use gdal::{assert_same_as_gdal, fixture, gdal_features, ogr2ogr, read_one};

fn path_str(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn csv_written_by_gdal_with_wkt_or_xy_columns_reads_as_gdal_reads_it() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (source, geometry, name) in [
        ("all_geometry_types.geojson", "AS_WKT", "wkt.csv"),
        ("non_ascii_names.geojson", "AS_XY", "xy.csv"),
        ("simplestyle.geojson", "AS_WKT", "styled.csv"),
        ("null_geometry.geojson", "AS_WKT", "nulls.csv"),
    ] {
        let csv = dir.path().join(name);
        ogr2ogr(&["-f", "CSV", path_str(&csv), path_str(&fixture(source)), "-lco", &format!("GEOMETRY={geometry}")]);
        let open_options: &[&str] = if geometry == "AS_XY" {
            &["-oo", "X_POSSIBLE_NAMES=X", "-oo", "Y_POSSIBLE_NAMES=Y"]
        } else {
            &["-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO"]
        };
        let layer = read_one(&csv);
        assert_same_as_gdal(&layer, &gdal_features(&csv, open_options), &[]);
        let taken =
            if geometry == "AS_XY" { "“X” (longitude) and “Y” (latitude)" } else { "WKT column “WKT”" };
        assert!(layer.stats.notes.iter().any(|n| n.contains(taken)), "{name}: {:?}", layer.stats.notes);
    }
}

#[test]
fn a_csv_without_geometry_columns_is_a_clear_error_naming_the_file_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sites.csv");
    std::fs::write(&csv, "name,height_m\nHill,1200\n").unwrap();
    let e = import_any(&csv, &ImportOptions::default()).unwrap_err().to_string();
    assert!(e.contains("sites.csv") && e.contains("name, height_m"), "{e}");
}

#[test]
fn geopackages_written_by_gdal_read_every_table_as_gdal_reads_it() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("layers.gpkg");
    let sources =
        ["all_geometry_types.geojson", "non_ascii_names.geojson", "z_values.geojson", "null_geometry.geojson"];
    for (i, source) in sources.iter().enumerate() {
        let source_path = fixture(source);
        let mut args = vec!["-f", "GPKG", path_str(&gpkg), path_str(&source_path)];
        if i > 0 {
            args.push("-update");
        }
        args.extend(["-nln", source.trim_end_matches(".geojson")]);
        ogr2ogr(&args);
    }
    let layers = import_any(&gpkg, &ImportOptions::default()).unwrap();
    assert_eq!(layers.len(), sources.len(), "one layer per feature table");
    for (layer, source) in layers.iter().zip(sources) {
        let stem = source.trim_end_matches(".geojson");
        assert_eq!(layer.name, format!("layers — {stem}"));
        assert_same_as_gdal(layer, &gdal_features(&gpkg, &[stem]), &[]);
    }
}

#[test]
fn a_utm_geopackage_is_reprojected_to_within_a_metre_of_its_wgs84_original() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("utm.gpkg");
    let source = fixture("non_ascii_names.geojson");
    ogr2ogr(&["-f", "GPKG", path_str(&gpkg), path_str(&source), "-t_srs", "EPSG:32642"]);
    let layer = read_one(&gpkg);
    let original = read_one(&source);
    assert_eq!(layer.stats.features, original.stats.features);
    assert!(layer.stats.notes.iter().any(|n| n.contains("EPSG:32642")), "{:?}", layer.stats.notes);
    for (a, b) in layer.features.iter().zip(&original.features) {
        let (geo::Geometry::Point(a), geo::Geometry::Point(b)) = (&a.geometry, &b.geometry) else { panic!() };
        let metres = geo::Distance::distance(&geo::Haversine, *a, *b);
        assert!(metres < 1.0, "{metres} m");
    }
}
