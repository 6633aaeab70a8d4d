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

#[test]
fn the_tables_of_a_geopackage_are_listed_and_one_can_be_chosen_by_name() {
    use borderplan::io::formats::{gpkg, import_chosen};
    let plan = example_plan().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.gpkg");
    export_to_file(&plan, ExportFormat::GeoPackage, &path).unwrap();
    let tables = gpkg::list_tables(&path).unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["segments", "outposts", "assignments", "gaps"]);
    let outposts = tables.iter().find(|t| t.name == "outposts").unwrap();
    assert_eq!(outposts.rows as usize, plan.outposts.len());
    assert_eq!(outposts.srs, "EPSG:4326");
    assert_eq!(outposts.geometry_type, "POINT");
    // Every table, as before, or only the chosen ones, in the file's order.
    assert_eq!(import_any(&path, &ImportOptions::default()).unwrap().len(), 4);
    let chosen = ["gaps".to_owned(), "outposts".to_owned()];
    let layers = import_chosen(&path, &ImportOptions::default(), Some(&chosen)).unwrap();
    let layer_names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(layer_names, ["plan — outposts", "plan — gaps"]);
    assert_eq!(layers[0].stats.features, plan.outposts.len());
}

#[test]
fn choosing_a_table_the_geopackage_lacks_is_an_error_naming_the_tables_it_has() {
    use borderplan::io::formats::import_chosen;
    let plan = example_plan().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.gpkg");
    export_to_file(&plan, ExportFormat::GeoPackage, &path).unwrap();
    let e = import_chosen(&path, &ImportOptions::default(), Some(&["posts".to_owned()])).unwrap_err().to_string();
    assert!(e.contains("plan.gpkg") && e.contains("“posts”") && e.contains("“outposts”, “assignments”"), "{e}");
    // Tables are a GeoPackage's only.
    let geojson = dir.path().join("plan.geojson");
    export_to_file(&plan, ExportFormat::GeoJson, &geojson).unwrap();
    let e = import_chosen(&geojson, &ImportOptions::default(), Some(&["x".to_owned()])).unwrap_err().to_string();
    assert!(e.contains("only be chosen from a GeoPackage"), "{e}");
}

#[test]
fn inspect_with_table_prints_only_the_chosen_table() {
    let plan = example_plan().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.gpkg");
    export_to_file(&plan, ExportFormat::GeoPackage, &path).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_borderplan"))
        .args(["inspect", path.to_str().unwrap(), "--table", "outposts"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "GeoPackage");
    assert_eq!(v["name"], "plan — outposts");
    assert_eq!(v["features"].as_u64(), Some(plan.outposts.len() as u64));
    let out = Command::new(env!("CARGO_BIN_EXE_borderplan"))
        .args(["inspect", path.to_str().unwrap(), "--table", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("“nope”") && e.contains("“segments”"), "{e}");
}
