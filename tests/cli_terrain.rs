#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `summary --dem` and `validate --dem`, run as the real binary on generated tiles.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_borderplan");

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/example-plan.geojson")
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BIN).args(args).env("RUST_LOG", "off").output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn summary_with_a_dem_keeps_the_keys_and_adds_the_terrain_object() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["synth-dem".as_ref(), dir.path().as_os_str()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let plain = run(&["summary".as_ref(), example().as_os_str(), "--json".as_ref()]);
    let plain: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    let o =
        run(&["summary".as_ref(), example().as_os_str(), "--dem".as_ref(), dir.path().as_os_str(), "--json".as_ref()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for stage in ["2", "3"] {
        for key in ["covered_km", "coverage_pct", "gaps_km", "assignments"] {
            assert!(!v["stages"][stage][key].is_null(), "stage {stage} keeps {key}");
        }
    }
    let t = &v["terrain"];
    assert_eq!(t["dem"], dir.path().display().to_string());
    assert!((t["resolution_m"].as_f64().unwrap() - 92.66).abs() < 0.1, "{t}");
    assert_eq!(t["border_share"], 1.0);
    assert_eq!(t["refraction_k"], 0.13);
    assert_eq!(t["target_height_m"], 2.0);
    let terrain_pct = v["stages"]["3"]["coverage_pct"].as_f64().unwrap();
    let range_pct = plain["stages"]["3"]["coverage_pct"].as_f64().unwrap();
    assert!(terrain_pct < range_pct, "relief hides some border: {terrain_pct} vs {range_pct}");

    let o = run(&["validate".as_ref(), example().as_os_str(), "--dem".as_ref(), dir.path().as_os_str()]);
    assert!(text(&o.stdout).contains("line of sight over"), "{}", text(&o.stdout));
}

#[test]
fn a_dem_covering_part_of_the_border_warns_and_counts_the_rest_unknown() {
    let dir = tempfile::tempdir().unwrap();
    // Only the westernmost tiles (67° and 68° E).
    for lat in 36..=38 {
        for lon in 67..=68 {
            borderplan::io::dem::synth::write_hgt_tile(dir.path(), lat, lon, 1201, |_, _| Some(400.0)).unwrap();
        }
    }
    let o =
        run(&["summary".as_ref(), example().as_os_str(), "--dem".as_ref(), dir.path().as_os_str(), "--json".as_ref()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("warning") && text(&o.stderr).contains("unknown"), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let share = v["terrain"]["border_share"].as_f64().unwrap();
    assert!(share > 0.0 && share < 0.5, "{share}");
    let length = v["border_length_km"].as_f64().unwrap();
    let unknown = v["terrain"]["unknown_km"]["3"].as_f64().unwrap();
    assert!(
        (unknown - (1.0 - share) * length).abs() < 1.0,
        "unknown {unknown} km, uncovered {}",
        (1.0 - share) * length
    );
}

#[test]
fn a_corrupt_tile_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("N37E071.hgt"), b"not elevation").unwrap();
    let out = dir.path().join("out.geojson");
    for cmd in ["summary", "validate", "export"] {
        let o = run(&[
            cmd.as_ref(),
            example().as_os_str(),
            "--dem".as_ref(),
            dir.path().as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ][..if cmd == "export" { 6 } else { 4 }]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        let e = text(&o.stderr);
        assert!(e.contains("N37E071.hgt") && !e.contains("panicked"), "{e}");
    }
}

fn gap_features(v: &serde_json::Value) -> Vec<serde_json::Value> {
    v["features"].as_array().unwrap().iter().filter(|f| f["properties"]["kind"] == "coverage_gap").cloned().collect()
}

#[test]
fn export_with_a_dem_writes_the_line_of_sight_gaps_and_names_the_dem_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let dem = dir.path().join("dem");
    let o = run(&["synth-dem".as_ref(), dem.as_os_str()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let summary =
        run(&["summary".as_ref(), example().as_os_str(), "--dem".as_ref(), dem.as_os_str(), "--json".as_ref()]);
    let summary: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
    let terrain_gaps = summary["stages"]["3"]["gaps_km"].as_array().unwrap().clone();

    let plain = run(&[
        "export".as_ref(),
        example().as_os_str(),
        "-f".as_ref(),
        "geojson".as_ref(),
        "-o".as_ref(),
        "-".as_ref(),
    ]);
    let plain: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    let o = run(&[
        "export".as_ref(),
        example().as_os_str(),
        "--dem".as_ref(),
        dem.as_os_str(),
        "-f".as_ref(),
        "geojson".as_ref(),
        "-o".as_ref(),
        "-".as_ref(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("line of sight"), "stderr says which model: {}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let gaps = gap_features(&v);
    assert_eq!(gaps.len(), terrain_gaps.len(), "the summary's line-of-sight gaps");
    assert_ne!(gaps.len(), gap_features(&plain).len(), "not the range model's gaps");
    for (g, want) in gaps.iter().zip(&terrain_gaps) {
        let from = g["properties"]["from_km"].as_f64().unwrap();
        assert!((from - want[0].as_f64().unwrap()).abs() < 0.01, "{g} vs {want}");
        let model = g["properties"]["coverage_model"].as_str().unwrap();
        assert!(model.contains("line of sight") && model.contains(&dem.display().to_string()), "{model}");
    }

    let html = dir.path().join("report.html");
    let o = run(&[
        "export".as_ref(),
        example().as_os_str(),
        "--dem".as_ref(),
        dem.as_os_str(),
        "-o".as_ref(),
        html.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("line of sight (refraction k = 0.13") && page.contains(&dem.display().to_string()));

    let gpkg = dir.path().join("plan.gpkg");
    let o = run(&[
        "export".as_ref(),
        example().as_os_str(),
        "--dem".as_ref(),
        dem.as_os_str(),
        "-o".as_ref(),
        gpkg.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let db = rusqlite::Connection::open(&gpkg).unwrap();
    let (n, model): (usize, String) =
        db.query_row("SELECT count(*), max(coverage_model) FROM gaps", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!(n, terrain_gaps.len());
    assert!(model.contains("line of sight") && model.contains(&dem.display().to_string()), "{model}");
}
