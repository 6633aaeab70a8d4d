//! GDAL as the reference for the format tests: fixtures are made with `ogr2ogr` from the GeoJSON fixtures, and
//! what GDAL reads from them (as GeoJSON on stdout) is what borderplan must read.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use borderplan::io::formats::{ImportOptions, import_any};
use borderplan::io::layer::Layer;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A GeoJSON fixture under tests/fixtures/geojson/valid.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/geojson/valid").join(name)
}

/// True when GDAL's tools run; when not, fails the test unless BORDERPLAN_SKIP_GDAL=1.
pub fn available() -> bool {
    if Command::new("ogr2ogr").arg("--version").output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    if std::env::var("BORDERPLAN_SKIP_GDAL").is_ok_and(|v| v == "1") {
        eprintln!("notice: GDAL is not installed; skipping because BORDERPLAN_SKIP_GDAL=1");
        return false;
    }
    panic!("ogr2ogr (GDAL) is not on PATH: `apt-get install -y gdal-bin`, or set BORDERPLAN_SKIP_GDAL=1");
}

/// Runs `ogr2ogr ARGS…` and fails the test with GDAL's message when it fails.
pub fn ogr2ogr(args: &[&str]) {
    let out = Command::new("ogr2ogr").args(args).output().unwrap();
    assert!(out.status.success(), "ogr2ogr {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// The features GDAL reads from `file` (every layer, or those named in `extra`; `-t_srs EPSG:4326` in `extra`
/// reprojects), as GeoJSON features.
pub fn gdal_features(file: &Path, extra: &[&str]) -> Vec<Value> {
    let out = Command::new("ogr2ogr")
        .args(["-f", "GeoJSON", "/vsistdout/", "-lco", "RFC7946=NO", "-lco", "COORDINATE_PRECISION=9"])
        .arg(file)
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "ogr2ogr cannot read {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["features"].as_array().cloned().unwrap_or_default()
}

/// The only layer borderplan reads from `file`.
pub fn read_one(file: &Path) -> Layer {
    let mut layers = import_any(file, &ImportOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    assert_eq!(layers.len(), 1, "one layer from {}", file.display());
    layers.remove(0)
}

/// A property value as text for comparing with GDAL (numbers by value, so `1` and `1.0` agree).
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |f| format!("{f}")),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Asserts that `layer` has GDAL's features with geometry (in order) and, for each, the same properties as GDAL
/// reports, apart from those named in `ignore`.
pub fn assert_same_as_gdal(layer: &Layer, gdal: &[Value], ignore: &[&str]) {
    // Empty geometries are null geometries to borderplan (never stored), as in its GeoJSON import.
    let with_geometry: Vec<&Value> = gdal.iter().filter(|f| has_position(&f["geometry"])).collect();
    assert_eq!(layer.stats.features, with_geometry.len(), "feature count of {} ({:?})", layer.name, layer.stats);
    assert_eq!(layer.stats.skipped, 0, "{:?}", layer.stats.reasons);
    for (i, f) in with_geometry.iter().enumerate() {
        let ours: Map<String, Value> = layer.properties.map(i);
        let theirs = f["properties"].as_object().cloned().unwrap_or_default();
        for (k, v) in &theirs {
            if ignore.contains(&k.as_str()) || v.is_null() {
                continue;
            }
            let mine = ours.get(k).unwrap_or_else(|| panic!("feature {i} of {} lacks {k:?}: {ours:?}", layer.name));
            assert_eq!(text(mine), text(v), "feature {i} property {k:?} of {}", layer.name);
        }
        let first = first_position(&f["geometry"]);
        let c = geo::CoordsIter::coords_iter(&layer.features[i].geometry).next().unwrap();
        assert!((c.x - first[0]).abs() < 1e-7 && (c.y - first[1]).abs() < 1e-7, "feature {i}: {c:?} vs {first:?}");
    }
}

/// Whether a GeoJSON geometry has at least one position.
pub fn has_position(g: &Value) -> bool {
    match g {
        Value::Number(_) => true,
        Value::Array(a) => a.iter().any(has_position),
        Value::Object(o) => o.get("coordinates").or_else(|| o.get("geometries")).is_some_and(has_position),
        _ => false,
    }
}

/// The first position of a GeoJSON geometry.
pub fn first_position(g: &Value) -> [f64; 2] {
    let mut v = if g["type"] == "GeometryCollection" { &g["geometries"][0]["coordinates"] } else { &g["coordinates"] };
    while v[0].is_array() {
        v = &v[0];
    }
    [v[0].as_f64().unwrap(), v[1].as_f64().unwrap()]
}
