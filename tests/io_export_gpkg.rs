//! The GeoPackage export opens in GDAL with the right layers and feature counts, and reads back in borderplan.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gdal;

use borderplan::io::bundled::example_plan;
use borderplan::io::export::{ExportFormat, export_to_file, export_to_string};
use borderplan::io::formats::{ImportOptions, import_any};
use borderplan::model::{Stage, stage_coverage};
use std::process::Command;

#[test]
fn ogrinfo_reads_the_geopackage_export_with_one_layer_per_kind_and_every_feature() {
    if !gdal::available() {
        return;
    }
    let plan = example_plan().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.gpkg");
    export_to_file(&plan, ExportFormat::GeoPackage, &path).unwrap();
    let out = Command::new("ogrinfo").args(["-ro", "-so", "-al"]).arg(&path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && out.stderr.is_empty(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    let counts: Vec<(String, usize)> = text
        .split("Layer name: ")
        .skip(1)
        .map(|block| {
            let name = block.lines().next().unwrap().trim().to_owned();
            let count = block.lines().find_map(|l| l.strip_prefix("Feature Count: ")).unwrap().trim().parse().unwrap();
            (name, count)
        })
        .collect();
    let gaps = stage_coverage(&plan, Stage::Three).gaps.len();
    let expected = [
        ("segments".to_owned(), plan.segments.len()),
        ("outposts".to_owned(), plan.outposts.len()),
        ("assignments".to_owned(), plan.assignments.len()),
        ("gaps".to_owned(), gaps),
    ];
    assert_eq!(counts, expected);
    assert!(text.contains("stage_color: String"), "{text}");
    assert!(text.contains("GEOGCRS[\"WGS 84\"") || text.contains("GEOGCS[\"WGS 84\""), "{text}");
    // Every assignment row has its target's geometry: outposts as points, segments as lines.
    let sql = Command::new("ogrinfo")
        .args([
            "-ro",
            "-q",
            "-sql",
            "SELECT kind, ST_GeometryType(geom) AS t, count(*) AS n FROM assignments GROUP BY kind, t",
        ])
        .arg(&path)
        .output()
        .unwrap();
    let sql = String::from_utf8_lossy(&sql.stdout);
    assert!(sql.contains("t (String) = POINT") && sql.contains("t (String) = LINESTRING"), "{sql}");
}

#[test]
fn the_geopackage_export_reads_back_as_four_layers_and_is_not_text() {
    let plan = example_plan().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.gpkg");
    export_to_file(&plan, ExportFormat::GeoPackage, &path).unwrap();
    let layers = import_any(&path, &ImportOptions::default()).unwrap();
    let counts: Vec<usize> = layers.iter().map(|l| l.stats.features).collect();
    assert_eq!(counts[..3], [plan.segments.len(), plan.outposts.len(), plan.assignments.len()]);
    assert!(layers[1].stats.property_names.contains(&"stage_color".to_owned()));
    assert!(export_to_string(&plan, ExportFormat::GeoPackage).unwrap_err().to_string().contains("binary"));
}
