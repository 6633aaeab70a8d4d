//! The command line, run as the real binary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_borderplan");

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/example-plan.geojson")
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BIN).args(args).env("RUST_LOG", "off").output().unwrap()
}

fn run_str(args: &[&str]) -> Output {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    run(&args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_no_panic(o: &Output) {
    let e = stderr(o);
    assert!(!e.contains("panicked"), "the binary panicked: {e}");
}

#[test]
fn help_lists_every_subcommand() {
    let o = run_str(&["--help"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for sub in ["inspect", "validate", "summary", "export"] {
        assert!(text.contains(sub), "--help does not mention {sub}:\n{text}");
    }
    assert!(text.contains("Exit codes"));
    let o = run_str(&["export", "--help"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for f in ["geojson", "csv", "html", "kml"] {
        assert!(text.contains(f), "export --help does not list {f}");
    }
}

#[test]
fn summary_json_has_both_stages_with_coverage_and_gaps() {
    let o = run(&["summary".as_ref(), example().as_os_str(), "--json".as_ref()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for stage in ["2", "3"] {
        let s = &v["stages"][stage];
        let pct = s["coverage_pct"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&pct), "stage {stage} coverage {pct}");
        for key in ["covered_km", "gaps_km", "assignments", "quantity", "cost_usd"] {
            assert!(s.get(key).is_some(), "stage {stage} lacks {key}");
        }
    }
    let gaps = v["stages"]["3"]["gaps_km"].as_array().unwrap();
    assert!(!gaps.is_empty(), "the example plan should have at least one stage-3 gap");
    let first = gaps[0].as_array().unwrap();
    assert!(first[1].as_f64().unwrap() > first[0].as_f64().unwrap());
    assert!(v["border_length_km"].as_f64().unwrap() > 1000.0);
    assert_eq!(v["official_length_km"].as_f64(), Some(1344.0), "the official length is stated beside the data's");
    let note = v["length_note"].as_str().unwrap();
    assert!(note.contains("1344 km") && note.contains(" than the official "), "{note}");
    for key in ["by_supplier", "by_category", "by_segment"] {
        assert!(v[key].as_object().is_some_and(|m| !m.is_empty()), "{key} is missing or empty");
    }
}

#[test]
fn summary_text_is_readable() {
    let o = run(&["summary".as_ref(), example().as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Stage 2") && text.contains("Stage 3") && text.contains("coverage"), "{text}");
}

#[test]
fn validate_accepts_the_example_plan() {
    let o = run(&["validate".as_ref(), example().as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("0 errors") || stdout(&o).contains("no findings"));
    let o = run(&["validate".as_ref(), example().as_os_str(), "--json".as_ref()]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v.is_array());
}

#[test]
fn validate_fails_a_plan_with_a_suspended_supplier() {
    let mut plan = borderplan::io::bundled::example_plan().unwrap();
    plan.assignments.modify_one(0, |a| a.supplier = "Armenia".to_owned());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("armenia.geojson");
    borderplan::io::plan_file::save(&plan, &path).unwrap();
    let o = run(&["validate".as_ref(), path.as_os_str()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let text = stdout(&o);
    assert!(text.lines().any(|l| l.starts_with("error  supplier-suspended  km ")), "{text}");
    let o = run(&["validate".as_ref(), path.as_os_str(), "--json".as_ref()]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v.as_array().unwrap().iter().any(|f| f["rule"] == "supplier-suspended" && f["severity"] == "error"));
}

#[test]
fn validate_reports_an_unreadable_plan_with_exit_2() {
    let o = run_str(&["validate", "no/such/plan.geojson"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/plan.geojson"), "{}", stderr(&o));
    assert_no_panic(&o);
}

#[test]
fn inspect_prints_one_json_object_for_a_geojson_file() {
    let o = run(&["inspect".as_ref(), example().as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["features"].as_u64().unwrap() > 0);
}

#[test]
fn inspect_fails_cleanly_on_a_missing_file() {
    let o = run_str(&["inspect", "does/not/exist.geojson"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("does/not/exist.geojson"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert_no_panic(&o);
}

#[test]
fn inspect_fails_cleanly_on_a_file_that_is_not_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.geojson");
    std::fs::write(&path, "this is not JSON at all\n").unwrap();
    let o = run(&["inspect".as_ref(), path.as_os_str()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&path.display().to_string()), "{}", stderr(&o));
    assert_no_panic(&o);
}

#[test]
fn export_writes_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for (ext, marker) in [
        ("geojson", "\"FeatureCollection\""),
        ("csv", "assignment_id,target_id"),
        ("html", "<!DOCTYPE html>"),
        ("kml", "<kml"),
    ] {
        let out = dir.path().join(format!("plan.{ext}"));
        let o = run(&["export".as_ref(), example().as_os_str(), "-o".as_ref(), out.as_os_str()]);
        assert!(o.status.success(), "{ext}: {}", stderr(&o));
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(marker), "{ext} export lacks {marker}");
    }
    // An explicit --format wins over the extension.
    let out = dir.path().join("plan.txt");
    let o = run(&[
        "export".as_ref(),
        example().as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("assignment_id,"));
    // To stdout.
    let o = run(&[
        "export".as_ref(),
        example().as_os_str(),
        "-f".as_ref(),
        "geojson".as_ref(),
        "-o".as_ref(),
        "-".as_ref(),
    ]);
    assert!(o.status.success());
    let _: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
}

#[test]
fn export_without_a_known_format_or_plan_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.xyz");
    let o = run(&["export".as_ref(), example().as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--format"));
    assert!(!out.exists());
    let o = run(&["export".as_ref(), "missing.geojson".as_ref(), "-o".as_ref(), dir.path().join("x.csv").as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.geojson"));
    assert_no_panic(&o);
}

#[test]
fn plain_file_arguments_still_parse_as_files_for_the_window() {
    use clap::Parser;
    let args = borderplan::cli::Args::try_parse_from(["borderplan", "a.geojson", "b.geojson"]).unwrap();
    assert!(args.command.is_none());
    assert_eq!(args.files, vec![PathBuf::from("a.geojson"), PathBuf::from("b.geojson")]);
    let args = borderplan::cli::Args::try_parse_from(["borderplan", "summary", "p.geojson"]).unwrap();
    assert!(args.command.is_some() && args.files.is_empty());
}

/// The write policy on the command line: only saving a plan replaces a plan file; an export, a merge, a rebase or
/// a synthetic plan written onto one is refused (exit 1, nothing written) unless `--force` says so.
mod write_policy {
    use super::*;

    /// A copy of the example plan in a temp folder, and its bytes.
    fn plan_copy(dir: &Path, name: &str) -> (PathBuf, Vec<u8>) {
        let path = dir.join(name);
        std::fs::copy(example(), &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        (path, bytes)
    }

    #[test]
    fn an_export_onto_its_own_plan_file_is_refused_with_exit_1_and_the_plan_left_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let (plan, before) = plan_copy(dir.path(), "x.geojson");
        let o = run(&["export".as_ref(), plan.as_os_str(), "-o".as_ref(), plan.as_os_str()]);
        assert_no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("is a borderplan plan file"), "{}", stderr(&o));
        assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
        assert_eq!(std::fs::read(&plan).unwrap(), before, "the plan was replaced");
        // Nothing else was left in the folder either (no temp file).
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // Any plan file, not only the input; every export format, the map sheet too.
        let (other, other_before) = plan_copy(dir.path(), "other.geojson");
        for format in ["csv", "kml", "html", "gpkg", "png"] {
            let o = run(&[
                "export".as_ref(),
                plan.as_os_str(),
                "-f".as_ref(),
                format.as_ref(),
                "-o".as_ref(),
                other.as_os_str(),
            ]);
            assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        }
        assert_eq!(std::fs::read(&other).unwrap(), other_before);
        // --force is what the user means: replaced.
        let o = run(&["export".as_ref(), plan.as_os_str(), "-o".as_ref(), plan.as_os_str(), "--force".as_ref()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_ne!(std::fs::read(&plan).unwrap(), before);
    }

    #[test]
    fn an_export_onto_an_earlier_export_replaces_it_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report.geojson");
        for _ in 0..2 {
            let o = run(&["export".as_ref(), example().as_os_str(), "-o".as_ref(), out.as_os_str()]);
            assert!(o.status.success(), "{}", stderr(&o));
        }
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
    }

    #[test]
    fn merge_rebase_and_synth_onto_a_plan_file_are_refused_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let (plan, before) = plan_copy(dir.path(), "ours.geojson");
        let p = plan.as_os_str();
        let cases: [Vec<&std::ffi::OsStr>; 3] = [
            vec!["merge".as_ref(), p, p, p, "-o".as_ref(), p],
            vec!["rebase".as_ref(), p, "-o".as_ref(), p],
            vec!["synth".as_ref(), "200".as_ref(), "-o".as_ref(), p],
        ];
        for args in &cases {
            let o = run(args);
            assert_no_panic(&o);
            assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
            assert!(stderr(&o).contains("plan file"), "{args:?}: {}", stderr(&o));
            assert_eq!(std::fs::read(&plan).unwrap(), before, "{args:?} replaced the plan");
        }
        for args in &cases {
            let mut forced = args.clone();
            forced.push("--force".as_ref());
            let o = run(&forced);
            assert!(o.status.success(), "{forced:?}: {}", stderr(&o));
        }
        // The last one, synth 200, replaced it.
        let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
        let count = written["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["assignments"].as_array().map_or(0, Vec::len))
            .sum::<usize>();
        assert_eq!(count, 200);
    }

    #[cfg(unix)]
    #[test]
    fn a_killed_geopackage_export_leaves_nothing_in_the_temporary_folder_and_the_next_export_clears_its_leftover() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let tmpdir = dir.path().join("shared-tmp");
        let out_dir = dir.path().join("out");
        std::fs::create_dir_all(&tmpdir).unwrap();
        std::fs::create_dir_all(&out_dir).unwrap();
        let big = dir.path().join("big.geojson");
        let o = run(&["synth".as_ref(), "20000".as_ref(), "-o".as_ref(), big.as_os_str()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let target = out_dir.join("plan.gpkg");
        let export = || {
            let mut c = Command::new(BIN);
            c.args(["export".as_ref(), big.as_os_str(), "-o".as_ref(), target.as_os_str()])
                .env("RUST_LOG", "off")
                .env("TMPDIR", &tmpdir);
            c
        };
        // Killed while it builds: whatever it left is beside the target, owner-only, never in TMPDIR.
        let mut child = export().spawn().unwrap();
        let leftover = (0..10_000).find_map(|_| {
            std::thread::sleep(std::time::Duration::from_millis(1));
            std::fs::read_dir(&out_dir).unwrap().flatten().find(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        });
        child.kill().unwrap();
        child.wait().unwrap();
        let leftover = leftover.expect("the export built its temp file beside the target");
        assert_eq!(std::fs::read_dir(&tmpdir).unwrap().count(), 0, "the export used the shared temporary folder");
        let name = leftover.file_name().to_string_lossy().into_owned();
        assert!(name.starts_with(".plan.gpkg.tmp-"), "{name}");
        if let Ok(meta) = std::fs::metadata(leftover.path()) {
            assert_eq!(meta.permissions().mode() & 0o777, 0o600, "the temp file is readable by others");
        }
        // The next export to that target removes the dead process's leftover and writes the GeoPackage.
        let o = export().output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let names: Vec<String> = std::fs::read_dir(&out_dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["plan.gpkg"]);
        assert_eq!(std::fs::read_dir(&tmpdir).unwrap().count(), 0);
        // A new file follows the umask (which the child inherits), not the temp file's 0600.
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let umask = status.lines().find_map(|l| l.strip_prefix("Umask:")).map(|v| u32::from_str_radix(v.trim(), 8));
        if let Some(Ok(umask)) = umask {
            let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o666 & !umask, "the finished export's mode");
        }
    }
}

/// `borderplan find QUERY --json`: the hits as JSON values.
fn find_json(query: &str) -> Vec<serde_json::Value> {
    let o = run_str(&["find", query, "--json"]);
    assert_no_panic(&o);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{query:?}: {e}"));
    v.as_array().cloned().unwrap_or_else(|| panic!("{query:?}: not an array"))
}

fn first_hit(query: &str) -> (String, String, f64, f64, f64) {
    let hits = find_json(query);
    let h = hits.first().unwrap_or_else(|| panic!("{query:?} found nothing"));
    let keys: Vec<&str> = h.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
    assert_eq!(keys, ["kind", "name", "lon", "lat", "km"], "{query:?}");
    let f = |k: &str| h[k].as_f64().unwrap_or(f64::NAN);
    (
        h["kind"].as_str().unwrap_or("").to_owned(),
        h["name"].as_str().unwrap_or("").to_owned(),
        f("lon"),
        f("lat"),
        f("km"),
    )
}

#[test]
fn find_resolves_planners_spellings_of_khorugh_ishkoshim_and_panj() {
    // GeoNames positions: Khorugh 1221328, Ishkoshim 1221614, Panj 1220750.
    for (query, name, lon, lat) in [
        ("Khorugh", "Khorugh", 71.55337, 37.49039),
        ("Khorog", "Khorugh", 71.55337, 37.49039),
        ("Хорог", "Khorugh", 71.55337, 37.49039),
        ("khorog", "Khorugh", 71.55337, 37.49039),
        ("Ishkashim", "Ishkoshim", 71.61331, 36.72484),
        ("Ishkoshim", "Ishkoshim", 71.61331, 36.72484),
        ("Ишкашим", "Ishkoshim", 71.61331, 36.72484),
        ("Panj", "Panj", 69.09911, 37.23634),
        ("Pyanj", "Panj", 69.09911, 37.23634),
        ("Pyandzh", "Panj", 69.09911, 37.23634),
        ("Пяндж", "Panj", 69.09911, 37.23634),
        ("Панҷ", "Panj", 69.09911, 37.23634),
        ("Kalaikhum", "Qalaikhumb", 70.78902, 38.45373),
        ("Kulyab", "Kulob", 69.78454, 37.91459),
    ] {
        let (kind, found, x, y, _) = first_hit(query);
        assert_eq!((kind.as_str(), found.as_str()), ("place", name), "{query:?}");
        assert!((x - lon).abs() < 0.01 && (y - lat).abs() < 0.01, "{query:?} at {x} {y}");
    }
}

#[test]
fn find_reads_each_coordinate_notation_to_the_known_position() {
    // Khorugh 71.55337 E 37.49039 N; UTM/MGRS from PyPI `mgrs` and GDAL `gdaltransform` (EPSG:32642), Gauss–Krüger
    // from `gdaltransform` (EPSG:28412).
    let (khorugh_kind, _, _, _, khorugh_km) = first_hit("Khorugh");
    assert_eq!(khorugh_kind, "place");
    for query in [
        "37.49039 71.55337",
        "71.55337 37.49039",
        "37.49039N 71.55337E",
        "71.55337E, 37.49039N",
        "37°29'25.4\"N 71°33'12.1\"E",
        "42SYG2574152337",
        "42S YG 25741 52337",
        "42S 725741 4152337",
        "4154061 12725892",
    ] {
        let (kind, _, lon, lat, km) = first_hit(query);
        assert_eq!(kind, "coordinate", "{query:?}");
        assert!((lon - 71.55337).abs() < 2e-5 && (lat - 37.49039).abs() < 2e-5, "{query:?} at {lon} {lat}");
        assert!((km - khorugh_km).abs() < 0.1, "{query:?}: km {km}, Khorugh's {khorugh_km}");
    }
    let (kind, name, _, _, km) = first_hit("km 420");
    assert_eq!((kind.as_str(), name.as_str()), ("km", "Border km 420.0"));
    assert!((km - 420.0).abs() < 1e-9);
}

#[test]
fn find_lists_outposts_and_prints_lines_and_says_when_nothing_is_found() {
    let o = run_str(&["find", "Ishkoshim"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.lines().next().is_some_and(|l| l.starts_with("Place") && l.contains("MGRS 42S YF 33380 67532")),
        "{text}"
    );
    assert!(text.contains("Outpost    Ishkoshim km 896 (OP-22)"), "{text}");
    let o = run_str(&["find", "Qwzxq", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).trim(), "[]");
    assert!(stderr(&o).contains("nothing found"), "{}", stderr(&o));
}

/// Coordinates read and written, against outside converters.
mod coords {
    use borderplan::io::coords::{CoordFormat, ReadPosition, format, read};

    /// Khorugh (GeoNames 1221328).
    const KHORUGH: (f64, f64) = (71.55337, 37.49039);

    fn read_one(text: &str) -> ReadPosition {
        let r = read(text);
        assert!(!r.is_empty(), "{text:?} was not read as a position");
        r[0].clone()
    }

    fn assert_at(text: &str, lon: f64, lat: f64, tol_deg: f64) {
        let p = read_one(text);
        assert!(
            (p.lon_deg - lon).abs() < tol_deg && (p.lat_deg - lat).abs() < tol_deg,
            "{text:?} read as {} {} ({}), expected {lon} {lat}",
            p.lon_deg,
            p.lat_deg,
            p.notation
        );
    }

    // Expected MGRS strings: PyPI `mgrs` 1.5 (`MGRS().toMGRS(lat, lon)`), the same letters and digits.
    #[test]
    fn mgrs_written_for_four_border_places_matches_the_pypi_mgrs_package() {
        for (lon, lat, expected) in [
            (71.55337, 37.49039, "42S YG 25741 52337"),
            (71.61331, 36.72484, "42S YF 33380 67532"),
            (69.09911, 37.23634, "42S WG 08791 21095"),
            (73.96, 38.16, "43S DC 08888 24078"),
        ] {
            assert_eq!(format(lon, lat, CoordFormat::Mgrs), expected);
        }
    }

    // `mgrs` `toLatLon("42SYG2574152337")` = (37.490387500976176, 71.55337523368476): the square's centre.
    #[test]
    fn mgrs_read_with_or_without_spaces_gives_the_pypi_mgrs_position() {
        for text in ["42SYG2574152337", "42S YG 25741 52337", "42s yg 25741 52337", "MGRS 42SYG 25741 52337"] {
            assert_at(text, 71.55337523368476, 37.490387500976176, 1e-7);
        }
        // `mgrs` `toLatLon("43SDC0888824078")` = (38.15999968905695, 73.96000200690894).
        assert_at("43SDC0888824078", 73.96000200690894, 38.15999968905695, 1e-7);
        // 1 km precision: the centre of the kilometre square.
        let p = read_one("42SYG2552");
        assert!((p.lat_deg - 37.4903).abs() < 0.01 && (p.lon_deg - 71.553).abs() < 0.01);
    }

    // Expected UTM: GDAL `gdaltransform -s_srs EPSG:4326 -t_srs EPSG:32642`: 71.55337 37.49039 →
    // 725741.029687929 4152337.76475913; EPSG:32643: 73.96 38.16 → 408888.324562332 4224078.53647415.
    #[test]
    fn utm_agrees_with_gdaltransform_both_ways() {
        assert_eq!(format(KHORUGH.0, KHORUGH.1, CoordFormat::Utm), "42N 725741 4152337");
        for text in [
            "42S 725741.029687929 4152337.76475913",
            "42N 725741.029687929 4152337.76475913",
            "42 N 725741.029687929 4152337.76475913",
            "UTM 42N 725741.029687929mE 4152337.76475913mN",
        ] {
            assert_at(text, KHORUGH.0, KHORUGH.1, 1e-8);
        }
        assert_at("43S 408888.324562332 4224078.53647415", 73.96, 38.16, 1e-8);
        // S as the southern hemisphere when the northing is not in band S.
        let south = read_one("42S 725741 5000000");
        assert!(south.lat_deg < 0.0, "{south:?}");
    }

    // Expected Gauss–Krüger: GDAL `gdaltransform -s_srs EPSG:4326 -t_srs EPSG:28412` (+towgs84=25,-141,-78.5,0,
    // 0.35,0.736,0): 71.55337 37.49039 → Y 12725891.9912813 X 4154060.95792434; EPSG:28413: 73.96 38.16 →
    // Y 13408901.6052974 X 4225825.69917851.
    #[test]
    fn pulkovo_gauss_kruger_agrees_with_gdaltransform_in_zones_12_and_13() {
        assert_eq!(format(KHORUGH.0, KHORUGH.1, CoordFormat::PulkovoGk), "GK zone 12 X 4154061 Y 12725892");
        for text in [
            "4154060.95792434 12725891.9912813",
            "12725891.9912813 4154060.95792434",
            "X 4154060.958 Y 12725891.991",
            "СК-42 4154060.958 12725891.991",
        ] {
            assert_at(text, KHORUGH.0, KHORUGH.1, 1e-7);
        }
        assert_at("4225825.69917851 13408901.6052974", 73.96, 38.16, 1e-7);
    }

    #[test]
    fn decimal_and_dms_positions_are_read_in_either_order_with_hemisphere_letters() {
        let (lon, lat) = (71.0 + 33.0 / 60.0 + 12.1 / 3600.0, 37.0 + 29.0 / 60.0 + 25.4 / 3600.0);
        for text in [
            "37°29'25.4\"N 71°33'12.1\"E",
            "N 37 29 25.4 E 71 33 12.1",
            "71°33'12.1\" E, 37°29'25.4\" N",
            "37°29′25.4″ с.ш. 71°33′12.1″ в.д.",
            "37 29 25.4 71 33 12.1",
        ] {
            assert_at(text, lon, lat, 1e-9);
        }
        assert_at("37°29.4233'N 71°33.2017'E", 71.0 + 33.2017 / 60.0, 37.0 + 29.4233 / 60.0, 1e-9);
        for text in
            ["37.49 71.55", "37.49, 71.55", "37.49N 71.55E", "N37.49 E71.55", "71.55E 37.49N", "71.55 E 37.49 N"]
        {
            assert_at(text, 71.55, 37.49, 1e-12);
        }
        // Bare numbers: latitude first, and the other order as a second reading.
        let both = read("37.49 71.55");
        assert_eq!(both.len(), 2);
        assert!((both[1].lat_deg - 71.55).abs() < 1e-12);
        // Only longitude-latitude fits when the first number is over 90.
        assert_eq!(read("100.5 37.2").len(), 1);
        assert_at("100.5 37.2", 100.5, 37.2, 1e-12);
        assert_at("37.49S 71.55W", -71.55, -37.49, 1e-12);
        assert_at("-37.49 -71.55", -71.55, -37.49, 1e-12);
    }

    #[test]
    fn names_single_numbers_and_impossible_angles_are_no_position() {
        for text in ["Khorugh", "42", "37.49", "95 200", "37 61 00 71 00 00", "N 37.5 N 71.5", "km 420", ""] {
            assert!(read(text).is_empty(), "{text:?} was read as {:?}", read(text));
        }
    }

    #[test]
    fn every_format_written_is_read_back_within_a_metre() {
        for (lon, lat) in [KHORUGH, (69.09911, 37.23634), (73.96, 38.16), (67.8, 37.2)] {
            for f in CoordFormat::ALL {
                let text = format(lon, lat, f);
                let p = read_one(&text);
                let tol = if f == CoordFormat::Dms { 0.05 / 3600.0 } else { 1.5e-5 };
                assert!(
                    (p.lon_deg - lon).abs() < tol && (p.lat_deg - lat).abs() < tol,
                    "{f:?} {text:?} read back as {p:?}"
                );
            }
        }
    }
}
