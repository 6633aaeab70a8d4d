#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Plan files: lossless round trip, unknown members kept, clear errors, atomic saves.

use borderplan::io::bundled;
use borderplan::io::error::FileError;
use borderplan::io::plan_file::{self, FORMAT_VERSION, PlanFileError};
use borderplan::model::{Plan, Target};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures").join("plans").join(name)
}

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join("example-plan.geojson")
}

fn load_fixture(name: &str) -> Plan {
    plan_file::load(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list temp dir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_example_plan_survives_load_save_load_without_any_loss() {
    let plan = plan_file::load(&example_path()).expect("example plan loads");
    assert_eq!(plan, bundled::example_plan().expect("bundled example plan"));
    let text = plan_file::to_string(&plan).expect("serialise");
    let again = plan_file::load_str(&text).expect("reload");
    assert_eq!(again, plan);
    // Writing is deterministic and stable: the same plan gives the same text, and so does the reloaded one.
    assert_eq!(plan_file::to_string(&plan).expect("serialise twice"), text);
    assert_eq!(plan_file::to_string(&again).expect("serialise the reloaded plan"), text);
}

#[test]
fn the_example_plan_round_trips_through_a_file_on_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("example.geojson");
    let plan = plan_file::load(&example_path()).expect("example plan loads");
    plan_file::save(&plan, &path).expect("save");
    assert_eq!(plan_file::load(&path).expect("reload"), plan);
    assert_eq!(files_in(dir.path()), ["example.geojson"]);
}

#[test]
fn unknown_members_at_every_level_survive_load_save_load() {
    let plan = load_fixture("unknown_members.geojson");
    // Loaded into the right places…
    assert_eq!(plan.collection_extra.get("x_collection_source"), Some(&json!("hand-written test fixture")));
    assert_eq!(plan.collection_extra.get("x_collection_tags"), Some(&json!(["fixture", 1, true, null])));
    assert_eq!(plan.extra.get("x_header_workflow"), Some(&json!({"approved_by": ["MoD", "GKNB"], "revision": 7})));
    assert_eq!(plan.meta.extra.get("x_meta_reviewer"), Some(&json!("J. Doe")));
    let tower = plan.catalog.get("thermal-tower").expect("catalog entry");
    assert_eq!(tower.extra.get("x_vendor_code"), Some(&json!("TT-5")));
    assert_eq!(tower.extra.get("x_spares"), Some(&json!({"lenses": 2})));
    let seg = plan.segments.get("SEG-001").expect("segment");
    assert_eq!(seg.extra.get("x_survey"), Some(&json!({"done": true, "by": "team 3"})));
    let op = plan.outpost("OP-01").expect("outpost");
    assert_eq!(op.extra.get("x_callsign"), Some(&json!("Falcon")));
    assert_eq!(op.extra.get("x_garrison"), Some(&json!({"men": 40})));
    let a = plan.assignment("A-0001").expect("assignment");
    assert_eq!(a.target, Target::Segment("SEG-001".into()));
    assert_eq!(a.extra.get("x_contract_no"), Some(&json!("C-17/2027")));
    assert_eq!(a.extra.get("x_priority"), Some(&json!(2)));
    // Known members are not duplicated into the extras.
    assert!(seg.extra.keys().all(|k| k.starts_with("x_")), "{:?}", seg.extra);
    assert!(op.extra.keys().all(|k| k.starts_with("x_")), "{:?}", op.extra);
    assert!(a.extra.keys().all(|k| k.starts_with("x_")), "{:?}", a.extra);
    assert!(plan.extra.keys().all(|k| k.starts_with("x_")), "{:?}", plan.extra);
    assert!(plan.collection_extra.keys().all(|k| k.starts_with("x_")), "{:?}", plan.collection_extra);

    // …written back where they came from…
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("saved.geojson");
    plan_file::save(&plan, &path).expect("save");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read saved")).expect("saved JSON");
    assert_eq!(saved["x_collection_source"], json!("hand-written test fixture"));
    assert_eq!(saved["borderplan"]["x_header_workflow"]["revision"], json!(7));
    assert_eq!(saved["borderplan"]["meta"]["x_meta_reviewer"], json!("J. Doe"));
    assert_eq!(saved["borderplan"]["catalog"]["types"][0]["x_vendor_code"], json!("TT-5"));
    let features = saved["features"].as_array().expect("features");
    let feature = |id: &str| {
        features.iter().find(|f| f["properties"]["id"] == json!(id)).unwrap_or_else(|| panic!("feature {id}"))
    };
    assert_eq!(feature("SEG-001")["properties"]["x_survey"]["by"], json!("team 3"));
    assert_eq!(feature("SEG-001")["properties"]["assignments"][0]["x_contract_no"], json!("C-17/2027"));
    assert_eq!(feature("OP-01")["properties"]["x_callsign"], json!("Falcon"));

    // …and read again into an equal plan.
    assert_eq!(plan_file::load(&path).expect("reload"), plan);
}

#[test]
fn a_plan_from_a_newer_format_version_is_refused_with_a_clear_message() {
    let e = plan_file::load(&fixture("newer_version.geojson")).expect_err("format_version 99 must be refused");
    match &e {
        PlanFileError::NewerVersion { found, supported } => {
            assert_eq!(*found, 99);
            assert_eq!(*supported, FORMAT_VERSION);
        }
        other => panic!("expected NewerVersion, got {other:?}"),
    }
    let msg = e.to_string();
    assert!(msg.contains("newer borderplan") && msg.contains("99") && msg.contains("Update borderplan"), "{msg}");
    // The same from bytes.
    let bytes = std::fs::read(fixture("newer_version.geojson")).expect("read fixture");
    assert!(matches!(plan_file::load_bytes(&bytes), Err(PlanFileError::NewerVersion { found: 99, .. })));
}

#[test]
fn a_truncated_plan_file_is_reported_as_damaged_json_with_line_and_column() {
    // tests/fixtures/plans/truncated.geojson is the first half (1847 of 3695 bytes) of unknown_members.geojson:
    // it ends after 11 characters of line 94.
    let e = plan_file::load(&fixture("truncated.geojson")).expect_err("a truncated file must not load");
    let PlanFileError::Json(msg) = &e else { panic!("expected a Json error, got {e:?}") };
    assert!(msg.contains("line 94, column 11"), "{msg}");
    assert!(msg.contains("ends too early"), "{msg}");
    assert!(msg.contains("truncated.geojson"), "the message names the file: {msg}");
    assert!(e.to_string().starts_with("the plan file is damaged"), "{e}");
}

#[test]
fn the_example_plan_cut_at_half_is_reported_as_damaged_json_with_line_and_column() {
    let text = std::fs::read(example_path()).expect("read example");
    let half = &text[..text.len() / 2];
    let expected_line = half.iter().filter(|&&b| b == b'\n').count() + 1;
    match plan_file::load_bytes(half) {
        Err(PlanFileError::Json(msg)) => {
            assert!(msg.contains(&format!("line {expected_line}, column ")), "{msg}");
        }
        other => panic!("expected a Json error, got {other:?}"),
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("half.geojson");
    std::fs::write(&path, half).expect("write half");
    assert!(matches!(plan_file::load(&path), Err(PlanFileError::Json(_))), "load() must keep the Json variant");
}

#[test]
fn a_directory_or_a_missing_file_gives_a_file_error_naming_the_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let e = plan_file::load(dir.path()).expect_err("a directory is not a plan");
    assert!(matches!(e, PlanFileError::File(FileError::IsDirectory { .. })), "{e:?}");
    assert!(e.to_string().contains(&dir.path().display().to_string()), "{e}");

    let missing = dir.path().join("no-such-plan.geojson");
    let e = plan_file::load(&missing).expect_err("a missing file is not a plan");
    assert!(matches!(e, PlanFileError::File(FileError::Read { .. })), "{e:?}");
    assert!(e.to_string().contains(&missing.display().to_string()), "{e}");

    let plan = load_fixture("unknown_members.geojson");
    let e = plan_file::save(&plan, dir.path()).expect_err("cannot save over a directory");
    assert!(matches!(e, PlanFileError::File(FileError::IsDirectory { .. })), "{e:?}");
    assert!(e.to_string().contains(&dir.path().display().to_string()), "{e}");
}

#[test]
fn a_failure_between_temp_write_and_rename_keeps_the_original_file_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.geojson");
    std::fs::copy(fixture("unknown_members.geojson"), &path).expect("copy fixture");
    let original = std::fs::read(&path).expect("read original");
    let example = bundled::example_plan().expect("example plan");
    let mut seen_temp: Option<PathBuf> = None;
    let e = plan_file::save_with_hook(&example, &path, |tmp| {
        // The new content is fully written to the temp file before the hook runs.
        assert!(tmp.exists());
        assert_ne!(tmp, path.as_path());
        assert_eq!(tmp.parent(), path.parent(), "the temp file must be in the same folder");
        seen_temp = Some(tmp.to_owned());
        Err(std::io::Error::other("injected failure before rename"))
    })
    .expect_err("the injected failure must surface");
    assert!(matches!(e, PlanFileError::File(FileError::Write { .. })), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("injected failure before rename") && msg.contains(&path.display().to_string()), "{msg}");
    assert_eq!(std::fs::read(&path).expect("read after failure"), original, "the original file must be byte-identical");
    assert!(!seen_temp.expect("the hook ran").exists(), "the temp file must be removed");
    assert_eq!(files_in(dir.path()), ["plan.geojson"]);
}

#[test]
fn saving_over_an_existing_file_replaces_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.geojson");
    std::fs::write(&path, "old content that is much longer than nothing at all").expect("write old");
    let plan = load_fixture("unknown_members.geojson");
    plan_file::save(&plan, &path).expect("save over the old file");
    let text = std::fs::read_to_string(&path).expect("read new");
    assert_eq!(text, plan_file::to_string(&plan).expect("serialise"));
    assert_eq!(plan_file::load(&path).expect("reload"), plan);
    // And a second save with a different plan replaces it again.
    let example = bundled::example_plan().expect("example plan");
    plan_file::save(&example, &path).expect("save the example over it");
    assert_eq!(plan_file::load(&path).expect("reload example"), example);
    assert_eq!(files_in(dir.path()), ["plan.geojson"]);
}

#[test]
fn a_plan_on_a_densely_digitised_full_precision_border_still_reloads() {
    use borderplan::model::Edit;
    // 20 points per edge of the bundled line (≈ 86 000 vertices), each off the 6-decimal grid.
    let mut plan = bundled::example_plan().expect("example plan");
    let src = plan.border.line().0.clone();
    let mut coords = Vec::new();
    for (i, w) in src.windows(2).enumerate() {
        for k in 0..20 {
            let t = k as f64 / 20.0;
            let j = ((i * 20 + k) * 7919 % 1000) as f64 / 1000.0 - 0.5;
            coords.push(geo::coord! { x: w[0].x + t * (w[1].x - w[0].x) + 0.9e-6 * j, y: w[0].y + t * (w[1].y - w[0].y) - 0.9e-6 * j });
        }
    }
    coords.push(src[src.len() - 1]);
    plan.apply(Edit::ReplaceBorder(geo::LineString(coords))).expect("replace border");
    let text = plan_file::to_string(&plan).expect("serialise");
    let reloaded = plan_file::load_str(&text).unwrap_or_else(|e| panic!("the saved plan does not reopen: {e}"));
    assert_eq!(reloaded.segments.len(), plan.segments.len());
    assert_eq!(reloaded.assignments, plan.assignments);
}

#[test]
fn a_save_removes_stale_temp_files_of_dead_processes_and_leaves_other_files_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.geojson");
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let make = |name: &str| {
        let f = std::fs::File::create(dir.path().join(name)).expect("create file");
        std::fs::write(dir.path().join(name), b"partial").expect("write file");
        // Old, so it counts as stale also where liveness cannot be checked through /proc.
        f.set_modified(hour_ago).expect("set mtime");
    };
    // Left behind by crashed saves of this target: a pid above Linux's pid_max cannot be running.
    make(".plan.geojson.tmp-4294967294");
    make(".plan.geojson.tmp-4194305");
    // Not ours to remove: other targets' temp files, non-pid suffixes, other names.
    let keep = [
        ".other.geojson.tmp-4294967294",
        ".plan.geojson.tmp-",
        ".plan.geojson.tmp-12ab",
        ".plan.geojson.tmp-4294967294.bak",
        "plan.geojson.tmp-4294967294",
        "plan.geojson.bak",
        "notes.txt",
    ];
    for name in keep {
        make(name);
    }
    std::fs::write(&path, "old content").expect("write old target");
    let plan = bundled::example_plan().expect("example plan");
    plan_file::save(&plan, &path).expect("save");
    assert_eq!(plan_file::load(&path).expect("reload"), plan);
    let mut expected: Vec<String> = keep.iter().map(|s| (*s).to_owned()).collect();
    expected.push("plan.geojson".to_owned());
    expected.sort();
    assert_eq!(files_in(dir.path()), expected);
}

#[cfg(target_os = "linux")]
#[test]
fn a_save_keeps_the_temp_file_of_a_process_that_is_still_running() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.geojson");
    // Pid 1 always runs; its temp file may be a save in progress.
    let live = dir.path().join(".plan.geojson.tmp-1");
    std::fs::write(&live, b"in progress").expect("write live temp");
    let plan = bundled::example_plan().expect("example plan");
    plan_file::save(&plan, &path).expect("save");
    assert!(live.exists(), "a running process's temp file must not be removed");
    assert_eq!(files_in(dir.path()), [".plan.geojson.tmp-1", "plan.geojson"]);
}

/// Found by `cargo fuzz run plan_load`: two outposts with the same id loaded, and the saved file then listed
/// their assignments twice and could not be opened again.
#[test]
fn a_plan_with_two_outposts_of_the_same_id_is_refused_with_the_id() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plans/fuzz_duplicate_outpost_id.geojson");
    let bytes = std::fs::read(&path).unwrap();
    let err = borderplan::io::plan_file::load_bytes(&bytes).unwrap_err().to_string();
    assert!(err.contains("outpost id OP-11 is used twice"), "{err}");
}
