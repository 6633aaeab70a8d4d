//! Reading FlatGeobuf: fixtures made in the test with GDAL's ogr2ogr from the GeoJSON fixtures (with and without
//! the spatial index), compared with what GDAL itself reads from them; a UTM file reprojected; cut and corrupted
//! files answered with errors or skip reasons naming the file and the byte, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gdal;

use borderplan::io::formats::{Format, ImportOptions, import_any};
use gdal::{assert_same_as_gdal, fixture, gdal_features, ogr2ogr, read_one};
use std::path::Path;

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The feature count `ogrinfo -al -so` reports for `file`.
fn ogrinfo_count(file: &Path) -> usize {
    let out = std::process::Command::new("ogrinfo").args(["-al", "-so"]).arg(file).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find_map(|l| l.strip_prefix("Feature Count: ")).expect("ogrinfo prints a feature count");
    line.trim().parse().unwrap()
}

const SOURCES: [&str; 7] = [
    "all_geometry_types.geojson",
    "non_ascii_names.geojson",
    "polygon_with_hole.geojson",
    "multilinestring.geojson",
    "z_values.geojson",
    "null_geometry.geojson",
    "simplestyle.geojson",
];

#[test]
fn flatgeobuf_written_by_gdal_with_and_without_an_index_reads_as_gdal_reads_it() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for source in SOURCES {
        for (suffix, options) in [("indexed", &[][..]), ("plain", &["-lco", "SPATIAL_INDEX=NO"][..])] {
            let fgb = dir.path().join(format!("{}-{suffix}.fgb", source.trim_end_matches(".geojson")));
            let source_path = fixture(source);
            let mut args = vec!["-f", "FlatGeobuf", path_str(&fgb), path_str(&source_path)];
            args.extend_from_slice(options);
            ogr2ogr(&args);
            assert_eq!(Format::detect(&fgb), Format::FlatGeobuf);
            let layer = read_one(&fgb);
            let gdal = gdal_features(&fgb, &[]);
            assert_same_as_gdal(&layer, &gdal, &[]);
            assert_eq!(
                layer.stats.features + layer.stats.null_geometries,
                ogrinfo_count(&fgb),
                "{}: every feature GDAL counts is read or counted as a null geometry",
                fgb.display()
            );
            assert!(layer.stats.warnings.is_empty(), "{}: {:?}", fgb.display(), layer.stats.warnings);
            // The same geometries as the GeoJSON original. GDAL writes an indexed file in the index's (Hilbert)
            // order, so features are compared as sets there, in file order without one. (z values are not
            // compared here: GDAL writes none for a layer of mixed geometry types, as `ogrinfo` shows.)
            let original = read_one(&fixture(source));
            assert_eq!(layer.features.len(), original.features.len(), "{source}");
            let listed = |features: &[borderplan::io::layer::LayerFeature]| {
                let mut v: Vec<String> = features.iter().map(|f| format!("{:?}", f.geometry)).collect();
                if suffix == "indexed" {
                    v.sort();
                }
                v
            };
            assert_eq!(listed(&layer.features), listed(&original.features), "{source} {suffix}");
        }
    }
}

#[test]
fn a_utm_flatgeobuf_is_reprojected_to_within_a_metre_of_its_wgs84_original() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = fixture("non_ascii_names.geojson");
    let original = read_one(&source);
    for srs in ["EPSG:32642", "EPSG:28412"] {
        let fgb = dir.path().join(format!("{}.fgb", srs.replace(':', "_")));
        // Without the spatial index GDAL keeps the features in their original order, so they pair up by position.
        ogr2ogr(&["-f", "FlatGeobuf", path_str(&fgb), path_str(&source), "-t_srs", srs, "-lco", "SPATIAL_INDEX=NO"]);
        let layer = read_one(&fgb);
        assert_eq!(layer.stats.features, original.stats.features, "{srs}: {:?}", layer.stats);
        assert!(layer.stats.notes.iter().any(|n| n.contains(srs)), "{srs}: {:?}", layer.stats.notes);
        for (a, b) in layer.features.iter().zip(original.features.iter()) {
            let (geo::Geometry::Point(a), geo::Geometry::Point(b)) = (&a.geometry, &b.geometry) else { panic!() };
            let metres = geo::Distance::distance(&geo::Haversine, *a, *b);
            assert!(metres < 1.0, "{srs}: {metres} m off");
        }
    }
}

#[test]
fn a_flatgeobuf_in_an_unknown_crs_warns_and_skips_instead_of_misplacing() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fgb = dir.path().join("mercator.fgb");
    ogr2ogr(&[
        "-f",
        "FlatGeobuf",
        path_str(&fgb),
        path_str(&fixture("non_ascii_names.geojson")),
        "-t_srs",
        "EPSG:3035",
    ]);
    let layer = read_one(&fgb);
    assert_eq!((layer.stats.features, layer.stats.skipped), (0, 4), "{:?}", layer.stats);
    assert!(layer.stats.warnings.iter().any(|w| w.contains("EPSG:3035")), "{:?}", layer.stats.warnings);
}

#[test]
fn cut_and_corrupted_flatgeobuf_files_are_errors_or_skips_naming_the_file_and_byte() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fgb = dir.path().join("whole.fgb");
    ogr2ogr(&["-f", "FlatGeobuf", path_str(&fgb), path_str(&fixture("all_geometry_types.geojson"))]);
    let whole = std::fs::read(&fgb).unwrap();
    let header_end = 12 + u32::from_le_bytes(whole[8..12].try_into().unwrap()) as usize;
    let cut = dir.path().join("cut.fgb");
    let mut errors = 0;
    let mut skips = 0;
    for len in 8..whole.len() {
        std::fs::write(&cut, &whole[..len]).unwrap();
        match import_any(&cut, &ImportOptions::default()) {
            Err(e) => {
                let e = e.to_string();
                assert!(e.contains("cut.fgb") && e.contains("byte"), "cut at {len}: {e}");
                assert!(len <= header_end || e.contains("index"), "cut at {len} (features start later): {e}");
                errors += 1;
            }
            Ok(layers) => {
                let stats = &layers[0].stats;
                assert!(len > header_end, "cut inside the header at {len} still read: {stats:?}");
                if stats.skipped > 0 {
                    assert!(stats.reasons.iter().any(|r| r.contains("byte") && r.contains("truncated")), "{stats:?}");
                    skips += 1;
                }
            }
        }
    }
    assert!(errors > 0 && skips > 0, "{errors} errors, {skips} skips");
    // Flipped bytes anywhere: an error or a layer, never a panic.
    for at in 0..whole.len() {
        let mut broken = whole.clone();
        broken[at] ^= 0xA5;
        std::fs::write(&cut, &broken).unwrap();
        if let Err(e) = import_any(&cut, &ImportOptions::default()) {
            assert!(e.to_string().contains("cut.fgb"), "{e}");
        }
    }
    std::fs::write(&cut, b"fgb\x02fgb\x00rest").unwrap();
    let e = import_any(&cut, &ImportOptions::default()).unwrap_err().to_string();
    assert!(e.contains("version 2"), "{e}");
}

#[test]
fn a_three_dimensional_flatgeobuf_layer_keeps_its_z_values() {
    if !gdal::available() {
        return;
    }
    // GDAL writes z only for a layer of one 3-D geometry type: the pass road alone, as a LineString Z layer.
    let dir = tempfile::tempdir().unwrap();
    let fgb = dir.path().join("pass_road_z.fgb");
    let source = fixture("z_values.geojson");
    ogr2ogr(&[
        "-f",
        "FlatGeobuf",
        path_str(&fgb),
        path_str(&source),
        "-where",
        "name = 'Pass road'",
        "-nlt",
        "LINESTRINGZ",
    ]);
    let info = std::process::Command::new("ogrinfo").args(["-al", "-so"]).arg(&fgb).output().unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).contains("3D Line String"), "GDAL wrote a 3-D layer");
    let layer = read_one(&fgb);
    assert_eq!(layer.stats.features, 1, "{:?}", layer.stats);
    assert_eq!(layer.features[0].z.as_deref(), Some(&[2100.0, 3200.5, 4100.0][..]));
    let geo::Geometry::LineString(line) = &layer.features[0].geometry else { panic!("{:?}", layer.features[0]) };
    assert_eq!(line.0.len(), 3);
    assert!((line.0[1].x - 71.8).abs() < 1e-9 && (line.0[1].y - 37.6).abs() < 1e-9);
}
